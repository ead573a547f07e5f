"""Admin for the members' side: member accounts, upvotes and the submission
moderation queue (its own proxy model, PendingSubmission, beside the catalogue's
PaperAdmin)."""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html

from papers.core.admin.base import DerivedDataAdmin
from papers.core.models import Paper

from . import services
from .forms import EMAIL_TAKEN, check_username_free
from .models import PendingSubmission, Upvote

User = get_user_model()


@admin.register(PendingSubmission)
class PendingSubmissionAdmin(DerivedDataAdmin):
    list_display = ["arxiv_link", "title", "submitted_by", "created_at", "has_metadata"]
    list_display_links = ["title"]
    list_select_related = ["submitted_by"]
    search_fields = ["arxiv_id", "title", "submitted_by__username"]
    date_hierarchy = "created_at"
    ordering = ["created_at", "id"]
    actions = ["approve", "reject"]
    autocomplete_fields = ["primary_category"]
    readonly_fields = ["arxiv_link", "submitted_by", "created_at", "full_editor"]
    fields = [
        "arxiv_link",
        "title",
        "abstract",
        "published",
        "primary_category",
        "pdf_url",
        "project_page",
        "submitted_by",
        "created_at",
        "full_editor",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(status=Paper.Status.PENDING)

    def affected_paper_ids(self, objects):
        return {paper.pk for paper in objects}

    def has_add_permission(self, request):
        return False  # submissions come from members (/submit/) or the importers

    @admin.display(description="arXiv", ordering="arxiv_id")
    def arxiv_link(self, paper):
        if not paper.arxiv_id:
            return "—"
        return format_html('<a href="{}" rel="noopener">{}</a>', paper.arxiv_url, paper.arxiv_id)

    @admin.display(description="metadata", boolean=True)
    def has_metadata(self, paper):
        return paper.title != services.submission_placeholder_title(paper.arxiv_id or "")

    @admin.display(description="authors, topics, code")
    def full_editor(self, paper):
        url = reverse("admin:core_paper_change", args=[paper.pk])
        return format_html('<a href="{}">Edit everything in the paper editor</a>', url)

    @admin.action(description="Approve: list in today's edition", permissions=["change"])
    def approve(self, request, queryset):
        approved, refused = 0, []
        for paper in queryset:
            try:
                approved += services.submission_approve(paper=paper)
            except services.SubmissionRefused as refusal:
                refused.append(str(refusal))
        if approved:
            self.message_user(request, f"{approved} paper(s) approved and listed today.")
        for message in refused:
            self.message_user(request, f"Not approved: {message}", level=messages.WARNING)

    @admin.action(description="Reject selected submissions", permissions=["change"])
    def reject(self, request, queryset):
        rejected = sum(services.submission_reject(paper=paper) for paper in queryset)
        self.message_user(request, f"{rejected} submission(s) rejected.")


class MemberChangeForm(UserChangeForm):
    def clean_username(self):
        username = self.cleaned_data["username"]
        check_username_free(username, member=self.instance)
        return username

    def clean_email(self):
        email = self.cleaned_data.get("email", "")
        others = User.objects.exclude(pk=self.instance.pk)
        if email and others.filter(email__iexact=email).exists():
            raise ValidationError(EMAIL_TAKEN, code="email_taken")
        return email


@admin.register(User)
class MemberAdmin(UserAdmin):
    """Django's user admin, checking that emails stay unique whatever their case; deleting
    a member takes their upvotes off the papers' counts (``services.member_delete``)."""

    form = MemberChangeForm

    def delete_model(self, request, obj):
        services.member_delete(user=obj)

    def delete_queryset(self, request, queryset):
        for user in queryset:
            services.member_delete(user=user)


@admin.register(Upvote)
class UpvoteAdmin(admin.ModelAdmin):
    list_display = ["paper", "user", "created_at"]
    autocomplete_fields = ["paper", "user"]
    date_hierarchy = "created_at"
    list_select_related = ["paper", "user"]
