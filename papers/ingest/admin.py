"""The admin's arXiv upload page: "Import from arXiv" on the paper list.

It adds a page to the catalogue's PaperAdmin (papers/core/admin/), which is
re-registered here with it, so that the catalogue's admin does not depend on
the importers.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.models import ADDITION
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone

from papers.core.admin.base import LISTED_EXAMPLES, log_changes, papers_by_ids
from papers.core.admin.papers import PaperAdmin
from papers.core.models import Paper

from .importers.arxiv_atom import import_arxiv
from .importers.report import ImportFailed
from .importers.sources import stream_source

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


class PaperImportAdmin(PaperAdmin):
    """The catalogue's paper editor, with the arXiv upload page."""

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
