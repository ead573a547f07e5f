from django import forms

from ..models import Collection


class CollectionForm(forms.ModelForm):
    class Meta:
        model = Collection
        fields = ["name", "description", "is_public"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "description": "Markdown and LaTeX math. Shown on the collection's page.",
            "is_public": "Public collections are listed on your profile; anyone can see, "
            "follow and export them.",
        }
