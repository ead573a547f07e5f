"""Ingestion in the admin: the arXiv upload page ("Import from arXiv" on the paper
list), the queued actions "Fetch metadata from arXiv" (papers) and "Refresh from
GitHub" (repositories) with each object's last fetch result, and the fetch statuses,
locks and request slots themselves.

The catalogue's PaperAdmin and RepositoryAdmin (papers/core/admin/) are
re-registered here with these additions, so that the catalogue's admin does not
depend on the importers.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.models import ADDITION
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone

from papers.core.admin.base import LISTED_EXAMPLES, log_changes, papers_by_ids, plural
from papers.core.admin.papers import PaperAdmin
from papers.core.admin.topics import RepositoryAdmin
from papers.core.models import Paper, Repository

from . import tasks
from .importers.arxiv_atom import import_arxiv
from .importers.report import ImportFailed
from .importers.sources import stream_source
from .models import FetchStatus, Lock, RequestSlot
from .status import Source, status_describe

UPLOAD_MAX_BYTES = 50 * 1024 * 1024  # larger files: the import_arxiv command
UPLOAD_MAX_EXPANDED_BYTES = 200 * 1024 * 1024  # the same once decompressed (gzip)


class ArxivUploadForm(forms.Form):
    file = forms.FileField(
        label="arXiv Atom file",
        help_text="An arXiv API response (.xml, or gzipped .xml.gz) of up to 50 MB. "
        "Larger files: the import_arxiv command.",
    )
    listed_on = forms.ChoiceField(
        label="List new papers on",
        choices=[("today", "today (the day of the import)"), ("published", "their arXiv v1 date")],
        initial="today",
        widget=forms.RadioSelect,
        help_text="Papers already in the catalogue keep their date.",
    )
    dry_run = forms.BooleanField(
        required=False, label="Dry run: check the file and report, write nothing"
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > UPLOAD_MAX_BYTES:
            raise ValidationError("The file is larger than 50 MB: use the import_arxiv command.")
        return upload


class PublishedPrecisionForm(forms.ModelForm):
    """A paper form whose published-date precision may be left out (then: a day)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "published_precision" in self.fields:
            self.fields["published_precision"].required = False

    def clean_published_precision(self):
        return self.cleaned_data.get("published_precision") or "day"


def last_status(obj, source: str) -> str:
    """The object's last fetch from ``source``, from its prefetched ``fetch_statuses``."""
    found = [status for status in obj.fetch_statuses.all() if status.source == source]
    return status_describe(found[0] if found else None)


class FetchStatusesMixin:
    """List and change pages that show the last fetch result of each object."""

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("fetch_statuses")


class PaperImportAdmin(FetchStatusesMixin, PaperAdmin):
    """The catalogue's paper editor, with the arXiv upload page, the queued arXiv fetch
    and each paper's last fetches (metadata, thumbnail)."""

    form = PublishedPrecisionForm
    actions = [*PaperAdmin.actions, "fetch_from_arxiv", "make_thumbnails"]
    list_display = [*PaperAdmin.list_display, "arxiv_fetch"]
    readonly_fields = [*PaperAdmin.readonly_fields, "arxiv_fetch", "thumbnail_fetch"]
    fieldsets = [
        *PaperAdmin.fieldsets,
        (
            "Ingestion",
            {"fields": ["published_precision", "thumbnail", "arxiv_fetch", "thumbnail_fetch"]},
        ),
    ]

    @admin.display(description="last arXiv fetch")
    def arxiv_fetch(self, paper):
        return last_status(paper, Source.ARXIV)

    @admin.display(description="last thumbnail")
    def thumbnail_fetch(self, paper):
        return last_status(paper, Source.THUMBNAIL)

    @admin.action(description="Fetch metadata from arXiv (queued)", permissions=["change"])
    def fetch_from_arxiv(self, request, queryset):
        papers = list(queryset.exclude(arxiv_id__isnull=True))
        count = tasks.arxiv_fetch_enqueue(papers=papers)
        log_changes(request, papers, "Queued: fetch metadata from arXiv.")
        skipped = queryset.filter(arxiv_id__isnull=True).count()
        self.message_user(
            request,
            f"Queued the arXiv metadata of {plural(count, 'paper')}"
            f"{f'; {plural(skipped, "paper")} without an arXiv id left out' if skipped else ''}. "
            "The “last arXiv fetch” column shows the outcome.",
        )

    @admin.action(description="Make thumbnails from the PDFs (queued)", permissions=["change"])
    def make_thumbnails(self, request, queryset):
        count = tasks.thumbnails_enqueue(papers=list(queryset))
        self.message_user(request, f"Queued the thumbnails of {plural(count, 'paper')}.")

    def get_urls(self):
        return [
            path(
                "import-arxiv/",
                self.admin_site.admin_view(self.import_arxiv_view),
                name="core_paper_import_arxiv",
            ),
            *super().get_urls(),
        ]

    def import_arxiv_view(self, request):
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        form = ArxivUploadForm(request.POST or None, request.FILES or None)
        report = None
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                with transaction.atomic():
                    report = import_arxiv(
                        [stream_source(upload.name, upload, max_bytes=UPLOAD_MAX_EXPANDED_BYTES)],
                        listed_on=timezone.localdate(),
                        listed_on_published=form.cleaned_data["listed_on"] == "published",
                        dry_run=form.cleaned_data["dry_run"],
                    )
                    if not report.dry_run:
                        source = f"arXiv file “{upload.name}”"
                        log_changes(
                            request,
                            papers_by_ids(report.created_ids),
                            f"Imported from {source}.",
                            flag=ADDITION,
                        )
                        log_changes(
                            request, papers_by_ids(report.updated_ids), f"Updated from {source}."
                        )
            except ImportFailed as error:
                form.add_error("file", f"{error} Nothing was written.")
        context = {
            **self.admin_site.each_context(request),
            "title": "Import from arXiv",
            "subtitle": None,
            "opts": self.model._meta,
            "form": form,
            "report": report,
            "created": (
                list(Paper.objects.filter(pk__in=report.created_ids[:LISTED_EXAMPLES]))
                if report and not report.dry_run
                else []
            ),
            "created_ids": (
                ",".join(map(str, report.created_ids))
                if report and not report.dry_run and len(report.created_ids) <= 500
                else ""
            ),
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/core/paper/import_arxiv.html", context)


admin.site.unregister(Paper)
admin.site.register(Paper, PaperImportAdmin)


class RepositoryRefreshAdmin(FetchStatusesMixin, RepositoryAdmin):
    """The catalogue's repository editor, with the queued GitHub refresh and its outcome."""

    actions = ["refresh_from_github"]
    list_display = [*RepositoryAdmin.list_display, "archived", "gone_at", "github_fetch"]
    list_filter = [
        *RepositoryAdmin.list_filter,
        "archived",
        ("gone_at", admin.EmptyFieldListFilter),
    ]
    readonly_fields = ["etag", "github_fetch"]

    @admin.display(description="last GitHub refresh")
    def github_fetch(self, repository):
        return last_status(repository, Source.GITHUB)

    @admin.action(description="Refresh from GitHub (queued)", permissions=["change"])
    def refresh_from_github(self, request, queryset):
        repositories = list(queryset)
        count = tasks.github_refresh_enqueue(repositories=repositories)
        others = len(repositories) - count
        self.message_user(
            request,
            f"Queued a GitHub refresh of {plural(count, 'repository')}"
            f"{f'; {others} not on GitHub left out' if others else ''}. "
            "The “last GitHub refresh” column shows the outcome.",
        )


admin.site.unregister(Repository)
admin.site.register(Repository, RepositoryRefreshAdmin)


@admin.register(FetchStatus)
class FetchStatusAdmin(admin.ModelAdmin):
    list_display = ["__str__", "paper", "repository", "queued_at", "finished_at", "message"]
    list_filter = ["source", "state"]
    list_select_related = ["paper", "repository"]
    date_hierarchy = "finished_at"
    raw_id_fields = ["paper", "repository"]

    def has_add_permission(self, request):
        return False


@admin.register(Lock)
class LockAdmin(admin.ModelAdmin):
    list_display = ["name", "holder", "expires_at"]


@admin.register(RequestSlot)
class RequestSlotAdmin(admin.ModelAdmin):
    list_display = ["name", "not_before"]
