"""The submission moderation queue (its own proxy model, PendingSubmission, beside the
catalogue's PaperAdmin)."""

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html

from papers.core.admin.base import DerivedDataAdmin
from papers.core.models import Paper

from .. import services
from ..models import PendingSubmission


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
