"""Curation in the Django admin.

Bulk actions, merges and imports write through ``papers.services`` and record
every change in the admin log (``LogEntry``), one entry per object touched.
Actions that need a choice (a topic, the surviving author) show an
intermediate page, ``admin/papers/action_form.html``, that posts back to the
change list with the same selection.
"""

from collections import defaultdict

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.text import Truncator

from . import services
from .importers.arxiv_atom import import_arxiv
from .importers.report import ImportFailed
from .importers.sources import stream_source
from .models import (
    Author,
    AuthorAlias,
    Authorship,
    Category,
    CodeLink,
    Paper,
    Repository,
    Topic,
    Upvote,
)
from .names import clean_name, name_key

UPLOAD_MAX_BYTES = 50 * 1024 * 1024  # larger files: the import_arxiv command
LISTED_EXAMPLES = 20


def log_changes(request, objects, message: str, *, flag: int = CHANGE) -> None:
    """One admin log entry per object, written in one query."""
    objects = list(objects)
    if objects:
        LogEntry.objects.log_actions(
            user_id=request.user.pk, queryset=objects, action_flag=flag, change_message=message
        )


def papers_by_ids(ids):
    """Papers (pk and title, enough for a log entry) for ``ids``, in chunks."""
    ids = sorted(ids)
    for start in range(0, len(ids), services.IN_LIST_SIZE):
        yield from Paper.objects.filter(pk__in=ids[start : start + services.IN_LIST_SIZE]).only(
            "pk", "title"
        )


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


class ActionFormMixin:
    """Intermediate pages for admin actions that need a choice first."""

    def action_form_page(self, request, queryset, *, action, title, form, intro, notes=(), submit):
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        select_across = request.POST.get("select_across") in {"1", "True", "true"}
        objects = list(queryset[: LISTED_EXAMPLES + 1])
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "subtitle": None,
            "opts": self.model._meta,
            "intro": intro,
            "notes": notes,
            "objects": objects[:LISTED_EXAMPLES],
            "more": queryset.count() - LISTED_EXAMPLES if len(objects) > LISTED_EXAMPLES else 0,
            "form": form,
            "action": action,
            "submit": submit,
            "selected": selected,
            "select_across": select_across,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "changelist_url": reverse(
                f"admin:{self.model._meta.app_label}_{self.model._meta.model_name}_changelist"
            ),
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/papers/action_form.html", context)


def applying(request) -> bool:
    """Whether the intermediate page was submitted (not the first click on the action)."""
    return request.POST.get("apply") == "yes"


# Papers -------------------------------------------------------------------


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


class TopicChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, topic):
        return f"{topic.name} ({plural(topic.paper_count, 'paper')})"


class TopicChoiceForm(forms.Form):
    topic = TopicChoiceField(
        queryset=Topic.objects.annotate(paper_count=Count("papers")).order_by("name"),
        empty_label=None,
    )


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


@admin.register(Paper)
class PaperAdmin(ActionFormMixin, admin.ModelAdmin):
    list_display = [
        "title",
        "arxiv_id",
        "listed_on",
        "status",
        "featured",
        "upvote_count",
        "hf_upvotes",
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
    # Title, arXiv id and author names; the site's ranked search plugs in by
    # overriding get_search_results once papers/search.py exists.
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
                position=F("position") + services.POSITION_PARKING_OFFSET
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

    # Import from an uploaded arXiv file.

    def get_urls(self):
        return [
            path(
                "import-arxiv/",
                self.admin_site.admin_view(self.import_arxiv_view),
                name="papers_paper_import_arxiv",
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
                        [stream_source(upload.name, upload)],
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
        return TemplateResponse(request, "admin/papers/paper/import_arxiv.html", context)


# Authors ------------------------------------------------------------------


class AuthorAliasForm(forms.ModelForm):
    def clean_name(self):
        name = clean_name(self.cleaned_data["name"])
        key = name_key(name)
        taken = AuthorAlias.objects.filter(name_key=key).exclude(pk=self.instance.pk)
        other = taken.select_related("author").first()
        if other:
            raise ValidationError(f"“{other.name}” is already a spelling of “{other.author}”.")
        return name


class AuthorAliasFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        keys = [
            name_key(form.cleaned_data["name"])
            for form in self.forms
            if form.cleaned_data.get("name") and not form.cleaned_data.get("DELETE")
        ]
        if len(keys) != len(set(keys)):
            raise ValidationError("The same spelling is listed twice.")


class AuthorAliasInline(admin.TabularInline):
    model = AuthorAlias
    form = AuthorAliasForm
    formset = AuthorAliasFormSet
    extra = 0
    fields = ["name"]
    verbose_name = "other spelling"
    verbose_name_plural = "other spellings (importers match these names to this author)"


class SurvivorField(forms.ModelChoiceField):
    widget = forms.RadioSelect

    def __init__(self, *args, describe, **kwargs):
        super().__init__(*args, empty_label=None, **kwargs)
        self.describe = describe

    def label_from_instance(self, obj):
        return self.describe(obj)


class MergeForm(forms.Form):
    def __init__(self, *args, queryset, describe, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["survivor"] = SurvivorField(
            queryset=queryset,
            describe=describe,
            label="Keep",
            help_text="The others are merged into it and deleted.",
        )


def describe_author(author) -> str:
    details = [plural(author.paper_count, "paper"), author.slug]
    details += [value for value in (author.affiliation, author.orcid) if value]
    if author.user_id:
        details.append(f"claimed by {author.user}")
    return f"{author.name} — {', '.join(details)}"


@admin.register(Author)
class AuthorAdmin(ActionFormMixin, admin.ModelAdmin):
    list_display = ["name", "slug", "affiliation", "orcid", "paper_count", "user"]
    search_fields = ["name", "slug", "orcid", "aliases__name"]
    autocomplete_fields = ["user"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [AuthorAliasInline]
    actions = ["merge_authors"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("user")
            .annotate(paper_count=Count("authorships"))
            .order_by("name")
        )

    @admin.display(ordering="paper_count", description="papers")
    def paper_count(self, author):
        return author.paper_count

    @admin.action(description="Merge the selected authors…", permissions=["change", "delete"])
    def merge_authors(self, request, queryset):
        authors = queryset.order_by("-paper_count", "pk")
        if authors.count() < 2:
            self.message_user(request, "Select at least two authors to merge.", messages.WARNING)
            return None
        form = MergeForm(
            request.POST if applying(request) else None,
            queryset=authors,
            describe=describe_author,
            initial={"survivor": authors.first()},
        )
        if form.is_bound and form.is_valid():
            survivor = form.cleaned_data["survivor"]
            others = [author for author in authors if author.pk != survivor.pk]
            names = ", ".join(f"“{a.name}” (#{a.pk})" for a in others)
            with transaction.atomic():
                log_changes(
                    request, others, f"Merged into “{survivor}” (#{survivor.pk}).", flag=DELETION
                )
                merge = services.author_merge(survivor=survivor, others=others)
                log_changes(
                    request,
                    [survivor],
                    f"Merged {names} into this author: {plural(merge.moved, 'authorship')} "
                    f"moved, {plural(merge.duplicates, 'duplicate place')} removed.",
                )
                log_changes(
                    request,
                    papers_by_ids(merge.paper_ids),
                    f"Authors: {names} merged into “{survivor}” (#{survivor.pk}).",
                )
            self.message_user(
                request,
                f"Merged {plural(len(others), 'author')} into “{survivor}”: "
                f"{plural(len(merge.paper_ids), 'paper')} updated.",
            )
            return None
        return self.action_form_page(
            request,
            authors,
            action="merge_authors",
            title="Merge authors",
            intro="Choose the author to keep. Their papers move to it in the same place on "
            "each paper's author list; the other names become its other spellings, so "
            "importers find it by them.",
            notes=shared_papers(authors),
            form=form,
            submit="Merge",
        )


def shared_papers(authors) -> list[str]:
    """Papers that list more than one of ``authors``, and what the merge does there."""
    rows = (
        Authorship.objects.filter(author__in=authors)
        .select_related("author", "paper")
        .order_by("paper_id", "position")
    )
    by_paper = defaultdict(list)
    for row in rows:
        by_paper[row.paper].append(row)
    notes = []
    for paper, paper_rows in by_paper.items():
        if len(paper_rows) > 1:
            places = ", ".join(f"#{row.position} {row.author.name}" for row in paper_rows)
            notes.append(
                f"“{Truncator(paper.title).chars(80)}” lists {places}: the merged author keeps "
                f"place #{paper_rows[0].position} and the list is renumbered."
            )
    return notes


# Topics -------------------------------------------------------------------


class TopicAdminForm(forms.ModelForm):
    def clean_parent(self):
        parent = self.cleaned_data.get("parent")
        if parent and self.instance.pk:
            below = services.topic_descendant_ids(topic_ids=[self.instance.pk])
            if parent.pk == self.instance.pk or parent.pk in below:
                raise ValidationError("A topic cannot sit under itself or under its own subtopic.")
        return parent


class ReparentForm(forms.Form):
    parent = TopicChoiceField(
        queryset=Topic.objects.annotate(paper_count=Count("papers")).order_by("name"),
        required=False,
        empty_label="(none: top level)",
        label="New parent",
    )


def describe_topic(topic) -> str:
    parent = f", under “{topic.parent}”" if topic.parent_id else ""
    return (
        f"{topic.name} — {plural(topic.paper_count, 'paper')}, "
        f"{plural(topic.child_count, 'subtopic')}{parent}"
    )


@admin.register(Topic)
class TopicAdmin(ActionFormMixin, admin.ModelAdmin):
    form = TopicAdminForm
    list_display = ["name", "slug", "parent", "paper_count", "child_count"]
    list_filter = ["parent"]
    search_fields = ["name", "description"]
    autocomplete_fields = ["parent"]
    prepopulated_fields = {"slug": ["name"]}
    actions = ["merge_topics", "reparent_topics"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("parent")
            .annotate(
                paper_count=Count("papers", distinct=True),
                child_count=Count("children", distinct=True),
            )
            .order_by("name")
        )

    @admin.display(ordering="paper_count", description="papers")
    def paper_count(self, topic):
        return topic.paper_count

    @admin.display(ordering="child_count", description="subtopics")
    def child_count(self, topic):
        return topic.child_count

    @admin.action(description="Merge the selected topics…", permissions=["change", "delete"])
    def merge_topics(self, request, queryset):
        topics = queryset.order_by("-paper_count", "pk")
        if topics.count() < 2:
            self.message_user(request, "Select at least two topics to merge.", messages.WARNING)
            return None
        form = MergeForm(
            request.POST if applying(request) else None,
            queryset=topics,
            describe=describe_topic,
            initial={"survivor": topics.first()},
        )
        if form.is_bound and form.is_valid():
            survivor = form.cleaned_data["survivor"]
            others = [topic for topic in topics if topic.pk != survivor.pk]
            names = ", ".join(f"“{t.name}” (#{t.pk})" for t in others)
            with transaction.atomic():
                log_changes(
                    request, others, f"Merged into “{survivor}” (#{survivor.pk}).", flag=DELETION
                )
                merge = services.topic_merge(survivor=survivor, others=others)
                log_changes(
                    request,
                    [survivor],
                    f"Merged {names} into this topic: {plural(len(merge.paper_ids), 'paper')}, "
                    f"{plural(len(merge.child_ids), 'subtopic')} moved over.",
                )
                log_changes(
                    request,
                    papers_by_ids(merge.paper_ids),
                    f"Topics: {names} merged into “{survivor}”.",
                )
                log_changes(
                    request,
                    Topic.objects.filter(pk__in=merge.child_ids),
                    f"Parent: {names} merged into “{survivor}”.",
                )
            self.message_user(
                request,
                f"Merged {plural(len(others), 'topic')} into “{survivor}”, which now has "
                f"{plural(survivor.papers.count(), 'paper')}.",
            )
            return None
        return self.action_form_page(
            request,
            topics,
            action="merge_topics",
            title="Merge topics",
            intro="Choose the topic to keep. The papers and subtopics of the others move to it "
            "(a paper tagged with several of them is tagged once); the others are deleted.",
            form=form,
            submit="Merge",
        )

    @admin.action(
        description="Move the selected topics under another topic…", permissions=["change"]
    )
    def reparent_topics(self, request, queryset):
        form = ReparentForm(request.POST if applying(request) else None)
        if form.is_bound and form.is_valid():
            parent = form.cleaned_data["parent"]
            try:
                with transaction.atomic():
                    previous = {topic.pk: topic.parent for topic in queryset}
                    changed = services.topics_reparent(topics=queryset, parent=parent)
                    for topic in changed:
                        old = previous[topic.pk]
                        log_changes(
                            request,
                            [topic],
                            f"Parent changed from {f'“{old}”' if old else 'none'} to "
                            f"{f'“{parent}”' if parent else 'none'}.",
                        )
            except ValidationError as error:
                form.add_error("parent", error)
            else:
                where = f"under “{parent}”" if parent else "to the top level"
                self.message_user(request, f"Moved {plural(len(changed), 'topic')} {where}.")
                return None
        return self.action_form_page(
            request,
            queryset.order_by("name"),
            action="reparent_topics",
            title="Move topics",
            intro="Choose the topic these go under, or none to make them top-level topics.",
            form=form,
            submit="Move",
        )


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Repository)
class RepositoryAdmin(admin.ModelAdmin):
    list_display = ["__str__", "host", "stars", "framework", "language", "last_synced"]
    list_filter = ["host", "framework"]
    search_fields = ["url", "owner", "name", "description"]


@admin.register(Upvote)
class UpvoteAdmin(admin.ModelAdmin):
    list_display = ["paper", "user", "created_at"]
    autocomplete_fields = ["paper", "user"]
    date_hierarchy = "created_at"
    list_select_related = ["paper", "user"]


from . import admin_digest, admin_moderation  # noqa: E402, F401  (digest; moderation, members)
