from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from ..models import MAX_LINKS


class ProfileForm(forms.ModelForm):
    links_text = forms.CharField(
        label="Links",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=f"Up to {MAX_LINKS} addresses (https://...), one a line: your homepage, "
        "Google Scholar, a code host...",
    )

    class Meta:
        model = get_user_model()
        fields = ["display_name", "affiliation", "bio", "email_notifications"]
        widgets = {"bio": forms.Textarea(attrs={"rows": 5})}
        help_texts = {
            "display_name": "Shown instead of your username.",
            "bio": "Markdown and LaTeX math, up to 2,000 characters.",
            "email_notifications": "Replies to your comments and comments on papers you "
            "submitted or wrote, gathered into one email at most every hour. Each email "
            "has a link that turns them off.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["links_text"] = "\n".join(self.instance.links or [])

    def clean_links_text(self):
        lines = [line.strip() for line in self.cleaned_data["links_text"].splitlines()]
        links = [line for line in lines if line]
        if len(links) > MAX_LINKS:
            raise ValidationError(f"At most {MAX_LINKS} links.")
        check = URLValidator(schemes=["http", "https"])
        for link in links:
            if len(link) > 300:
                raise ValidationError("Each link is at most 300 characters long.")
            try:
                check(link)
            except ValidationError:
                raise ValidationError(f"“{link[:80]}” is not an http(s) address.") from None
        return list(dict.fromkeys(links))
