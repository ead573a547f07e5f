"""Forms for members: signing up and submitting papers."""

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html

from papers.core import arxiv
from papers.core.models import Paper

from .identity import username_skeleton
from .services import submissions_today

User = get_user_model()

EMAIL_TAKEN = (
    "An account with this email address already exists. If it is yours, log in or reset "
    "your password."
)


def check_username_free(username: str, *, member=None) -> None:
    """Refuse a username that looks like another member's (same confusable skeleton)."""
    others = User.objects.filter(username_skeleton=username_skeleton(username))
    if member is not None:
        others = others.exclude(pk=member.pk)
    other = others.only("username").first()
    if other is not None:
        if other.username == username:
            message = "A member already has this username."
        else:
            message = (
                f"This username looks the same as the member “{other.username}”'s. "
                "Please choose one that cannot be mistaken for it."
            )
        raise ValidationError(message, code="username_taken")


class SignupForm(UserCreationForm):
    """Username, email (unique whatever its case) and a password typed twice."""

    email = forms.EmailField(
        max_length=254,
        help_text="Used only to reset your password. Never shown to anyone.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")

    def clean_username(self):
        username = super().clean_username()
        if username and not self.has_error("username"):
            check_username_free(username)
        return username

    def clean_email(self):
        email = User.objects.normalize_email(self.cleaned_data["email"]).strip()
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError(EMAIL_TAKEN, code="email_taken")
        return email


class SubmissionForm(forms.Form):
    paper = forms.CharField(
        label="arXiv id or URL",
        max_length=200,
        help_text="For example 2306.14846, arXiv:2306.14846v2 or https://arxiv.org/abs/2306.14846.",
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "placeholder": "2306.14846"}
        ),
    )

    def __init__(self, *args, user, daily_limit: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.daily_limit = daily_limit

    def clean_paper(self):
        try:
            arxiv_id, _version = arxiv.parse_arxiv_id(self.cleaned_data["paper"])
        except arxiv.InvalidArxivId as exc:
            raise ValidationError(
                "That is not an arXiv id or arXiv URL. Use an id such as 2306.14846 or a link "
                "such as https://arxiv.org/abs/2306.14846.",
                code="invalid",
            ) from exc
        existing = Paper.objects.filter(arxiv_id=arxiv_id).only("pk", "arxiv_id", "status").first()
        if existing is not None:
            raise ValidationError(_already_listed_message(existing), code="exists")
        return arxiv_id

    def clean(self):
        cleaned = super().clean()
        if submissions_today(user=self.user) >= self.daily_limit:
            raise ValidationError(
                f"You have submitted {self.daily_limit} papers today, the daily limit. "
                "Thank you! Please come back tomorrow.",
                code="limit",
            )
        return cleaned


def _already_listed_message(paper: Paper):
    if paper.status == Paper.Status.PUBLISHED:
        return format_html(
            'arXiv:{} is already listed: <a href="{}">see its page</a>.',
            paper.arxiv_id,
            reverse("paper_detail", args=[paper.arxiv_id]),
        )
    if paper.status == Paper.Status.PENDING:
        return f"arXiv:{paper.arxiv_id} was already submitted and is waiting for review."
    return f"arXiv:{paper.arxiv_id} was already reviewed and is not listed."
