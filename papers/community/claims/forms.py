from django import forms
from django.core.exceptions import ValidationError

from papers.core.models import Author

from .orcid import normalise_orcid


class ClaimForm(forms.Form):
    note = forms.CharField(
        label="How can the staff tell this is you?",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For example your institutional page that lists your papers, or an "
        "email address at your institution. Only the staff see this.",
    )
    orcid = forms.CharField(
        label="ORCID iD (optional)",
        required=False,
        max_length=60,
        help_text="Like 0000-0002-1825-0097: it is checked here, and staff compare it "
        "with your ORCID record.",
    )

    def clean_orcid(self):
        value = self.cleaned_data["orcid"].strip()
        if not value:
            return ""
        try:
            return normalise_orcid(value)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None


class AuthorPageForm(forms.ModelForm):
    class Meta:
        model = Author
        fields = ["affiliation", "homepage"]
        help_texts = {"homepage": "An http(s) address."}

    def clean_homepage(self):
        homepage = self.cleaned_data["homepage"]
        if homepage and not homepage.lower().startswith(("http://", "https://")):
            raise ValidationError("Enter an http(s) address.")
        return homepage
