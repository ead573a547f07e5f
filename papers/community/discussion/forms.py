"""What members type into the discussion: a comment (or reply), an edit, a report."""

from django import forms
from django.conf import settings

from ..models import CommentReport

FORMAT_HELP = (
    "Markdown and LaTeX math ($x^2$, $$\\sum_i x_i$$). Links are fine; images and HTML "
    "are shown as text."
)


def body_field(label: str) -> forms.CharField:
    """The comment's text, at most ``COMMENT_MAX_LENGTH`` characters (read when the form
    is made, so a changed setting applies at once)."""
    limit = settings.COMMENT_MAX_LENGTH
    return forms.CharField(
        label=label,
        max_length=limit,
        help_text=FORMAT_HELP,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Write something first.",
            "max_length": f"Comments are at most {limit:,} characters long "
            "(this one has %(show_value)s).",
        },
    )


class CommentForm(forms.Form):
    parent = forms.IntegerField(
        required=False, widget=forms.HiddenInput, min_value=1, max_value=2**62
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"] = body_field("Comment")


class EditForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"] = body_field("Your comment")


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        choices=CommentReport.Reason.choices, widget=forms.RadioSelect, label="What is wrong?"
    )
    note = forms.CharField(
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Anything the moderators should know (optional)",
    )
