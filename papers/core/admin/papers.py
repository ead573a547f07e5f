"""The paper editor: authors and code inline, bulk actions on the change list."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.text import Truncator

from papers.core import services
from papers.core.models import Authorship, CodeLink, Paper
from papers.core.services import POSITION_PARKING_OFFSET

from .base import (
    ActionFormMixin,
    DerivedDataAdmin,
    TopicChoiceForm,
    applying,
    log_changes,
    plural,
)


class AuthorshipForm(forms.ModelForm):
    def validate_constraints(self):
        # Curators reorder authors by swapping positions. Checking each row against
        # the database would reject every swap; the formset checks the submitted
        # rows against each other, and PaperAdmin.save_formset writes them safely.
        exclude = self._get_validation_exclusions() | {"position"}
        try:
            self.instance.validate_constraints(exclude=exclude)
        except ValidationError as error:
            self._update_errors(error)


class AuthorshipInline(admin.TabularInline):
    model = Authorship
    form = AuthorshipForm
    extra = 0
    autocomplete_fields = ["author"]
    ordering = ["position"]
    fields = ["position", "author", "affiliation"]


class CodeLinkInline(admin.TabularInline):
    model = CodeLink
    extra = 0
    autocomplete_fields = ["repository"]
    fields = ["repository", "is_official", "mentioned_in_paper", "mentioned_in_github"]


@admin.register(Paper)
class PaperAdmin(ActionFormMixin, DerivedDataAdmin):
    # Compact, so that the whole row fits a 1366-pixel screen beside the filters.
    list_display = [
        "short_title",
        "arxiv_id",
        "listed_on",
        "status",
        "featured",
        "votes",
        "has_code",
    ]
    list_filter = [
        "status",
        "featured",
        "has_code",
        "listed_on",
        "topics",
        "primary_category",
        "categories",
    ]
    list_editable = ["featured"]
    # Title, arXiv id and author names (the admin's own search: the core app does not
    # depend on the search app).
    search_fields = ["title", "arxiv_id", "authorships__author__name"]
    autocomplete_fields = ["topics", "categories", "primary_category", "submitted_by"]
    date_hierarchy = "listed_on"
    show_facets = admin.ShowFacets.ALLOW
    inlines = [AuthorshipInline, CodeLinkInline]
    actions = ["publish", "hide", "feature", "unfeature", "add_topic", "remove_topic"]
    readonly_fields = ["upvote_count", "trending_score", "has_code", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["title", "abstract", "status", "featured", "listed_on"]}),
        (
            "arXiv",
            {
                "fields": [
                    ("arxiv_id", "arxiv_version"),
                    ("published", "arxiv_updated"),
                    "primary_category",
                    "categories",
                    "pdf_url",
                    "comment",
                    "journal_ref",
                    "doi",
                ]
            },
        ),
        ("Links and topics", {"fields": ["project_page", "topics"]}),
        (
            "Community",
            {
                "fields": [
                    "submitted_by",
                    ("upvote_count", "trending_score", "hf_upvotes"),
                    "has_code",
                    ("created_at", "updated_at"),
                ]
            },
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("primary_category")

    @admin.display(description="title", ordering="title")
    def short_title(self, paper):
        return Truncator(paper.title).chars(70)

    @admin.display(description="upvotes", ordering="-upvote_count")
    def votes(self, paper):
        """Members' upvotes, and Hugging Face's in brackets when imported."""
        if paper.hf_upvotes is None:
            return f"{paper.upvote_count}"
        return f"{paper.upvote_count} (HF {paper.hf_upvotes})"

    def affected_paper_ids(self, objects):
        return {paper.pk for paper in objects}

    def save_formset(self, request, form, formset, change):
        if formset.model is not Authorship:
            return super().save_formset(request, form, formset, change)
        with transaction.atomic():
            instances = formset.save(commit=False)
            for obj in formset.deleted_objects:
                obj.delete()
            # Park the rows being renumbered beyond any real position first, so
            # that swapping two authors never collides on (paper, position).
            Authorship.objects.filter(pk__in=[obj.pk for obj in instances if obj.pk]).update(
                position=F("position") + POSITION_PARKING_OFFSET
            )
            for obj in instances:
                obj.save()
            formset.save_m2m()

    # Bulk actions: each changes only the papers that need it and logs those.

    def _bulk(self, request, changed, message, done, already):
        log_changes(request, changed, message)
        self.message_user(request, f"{done} {plural(len(changed), 'paper')}{already}.")

    @admin.action(description="Publish the selected papers", permissions=["change"])
    def publish(self, request, queryset):
        with transaction.atomic():
            changed = services.papers_set_status(papers=queryset, status=Paper.Status.PUBLISHED)
            self._bulk(request, changed, "Published (bulk action).", "Published", "")

    @admin.action(description="Hide the selected papers", permissions=["change"])
    def hide(self, request, queryset):
        with transaction.atomic():
            changed = services.papers_set_status(papers=queryset, status=Paper.Status.HIDDEN)
            self._bulk(request, changed, "Hidden (bulk action).", "Hid", "")

    @admin.action(description="Feature the selected papers", permissions=["change"])
    def feature(self, request, queryset):
        with transaction.atomic():
            changed = services.papers_set_featured(papers=queryset, featured=True)
            self._bulk(request, changed, "Featured (bulk action).", "Featured", "")

    @admin.action(description="Unfeature the selected papers", permissions=["change"])
    def unfeature(self, request, queryset):
        with transaction.atomic():
            changed = services.papers_set_featured(papers=queryset, featured=False)
            self._bulk(request, changed, "Unfeatured (bulk action).", "Unfeatured", "")

    @admin.action(description="Add a topic to the selected papers…", permissions=["change"])
    def add_topic(self, request, queryset):
        return self._topic_action(request, queryset, add=True)

    @admin.action(description="Remove a topic from the selected papers…", permissions=["change"])
    def remove_topic(self, request, queryset):
        return self._topic_action(request, queryset, add=False)

    def _topic_action(self, request, queryset, *, add: bool):
        form = TopicChoiceForm(request.POST if applying(request) else None)
        if form.is_bound and form.is_valid():
            topic = form.cleaned_data["topic"]
            with transaction.atomic():
                if add:
                    changed = services.papers_add_topic(papers=queryset, topic=topic)
                    message = f"Added topic “{topic}” (bulk action)."
                else:
                    changed = services.papers_remove_topic(papers=queryset, topic=topic)
                    message = f"Removed topic “{topic}” (bulk action)."
                log_changes(request, changed, message)
            verb = "Tagged" if add else "Untagged"
            self.message_user(request, f"{verb} {plural(len(changed), 'paper')} “{topic}”.")
            return None
        count = queryset.count()
        return self.action_form_page(
            request,
            queryset,
            action="add_topic" if add else "remove_topic",
            title="Add a topic" if add else "Remove a topic",
            intro=f"Choose the topic to {'add to' if add else 'remove from'} "
            f"{'this paper' if count == 1 else f'these {count} papers'}.",
            form=form,
            submit="Add the topic" if add else "Remove the topic",
        )
