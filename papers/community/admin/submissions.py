"""The submission moderation queue (its own proxy model, PendingSubmission, beside the
catalogue's PaperAdmin)."""

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html

from papers.core.admin.base import DerivedDataAdmin, log_changes
from papers.core.models import Paper
from papers.ingest import tasks as ingest_tasks
from papers.ingest.admin import FetchStatusesMixin, PublishedPrecisionForm, last_status
from papers.ingest.status import Source

from .. import services
from ..models import PendingSubmission


@admin.register(PendingSubmission)
class PendingSubmissionAdmin(FetchStatusesMixin, DerivedDataAdmin):
    form = PublishedPrecisionForm
    list_display = [
        "arxiv_link",
        "title",
        "submitted_by",
        "created_at",
        "has_metadata",
        "arxiv_fetch",
    ]
    list_display_links = ["title"]
    list_select_related = ["submitted_by"]
    search_fields = ["arxiv_id", "title", "submitted_by__username"]
    date_hierarchy = "created_at"
    ordering = ["created_at", "id"]
    actions = ["approve", "reject", "fetch_from_arxiv"]
    autocomplete_fields = ["primary_category"]
    readonly_fields = [
        "arxiv_link",
        "submitted_by",
        "created_at",
        "full_editor",
        "author_list",
        "arxiv_fetch",
    ]
    fields = [
        "arxiv_link",
        "arxiv_fetch",
        "title",
        "author_list",
        "abstract",
        "published",
        "published_precision",
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

    @admin.display(description="last arXiv fetch")
    def arxiv_fetch(self, paper):
        return last_status(paper, Source.ARXIV)

    @admin.display(description="authors (in order)")
    def author_list(self, paper):
        names = [a.author.name for a in paper.authorships.select_related("author")]
        return ", ".join(names) or "—"

    @admin.action(description="Fetch metadata from arXiv (queued)", permissions=["change"])
    def fetch_from_arxiv(self, request, queryset):
        count = ingest_tasks.arxiv_fetch_enqueue(papers=list(queryset))
        self.message_user(request, f"Queued the arXiv metadata of {count} paper(s).")

    @admin.display(description="authors, topics, code")
    def full_editor(self, paper):
        url = reverse("admin:core_paper_change", args=[paper.pk])
        return format_html('<a href="{}">Edit everything in the paper editor</a>', url)

    @admin.action(description="Approve: list in today's edition", permissions=["change"])
    def approve(self, request, queryset):
        approved, refused = [], []
        for paper in queryset:
            try:
                if services.submission_approve(paper=paper):
                    approved.append(paper)
            except services.SubmissionRefused as refusal:
                refused.append(str(refusal))
        log_changes(request, approved, "Approved: listed in today's edition.")
        approved = len(approved)
        if approved:
            self.message_user(request, f"{approved} paper(s) approved and listed today.")
        for message in refused:
            self.message_user(request, f"Not approved: {message}", level=messages.WARNING)

    @admin.action(description="Reject selected submissions", permissions=["change"])
    def reject(self, request, queryset):
        rejected = [paper for paper in queryset if services.submission_reject(paper=paper)]
        log_changes(request, rejected, "Rejected.")
        self.message_user(request, f"{len(rejected)} submission(s) rejected.")
