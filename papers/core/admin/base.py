"""Curation in the Django admin: what the catalogue's admin pages share.

Bulk actions, merges and imports write through the services
(papers/core/services.py, papers/ingest/writes.py) and record every change in
the admin log (``LogEntry``), one entry per object touched. Actions that need a
choice (a topic, the surviving author) show an intermediate page,
``admin/core/action_form.html``, that posts back to the change list with the
same selection.

Every save and delete made here ends in ``derived.papers_changed`` (through
``DerivedDataAdmin``), as every other write does.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.models import CHANGE, LogEntry
from django.db.models import Count
from django.template.response import TemplateResponse
from django.urls import reverse

from papers.core import derived
from papers.core.bulk import IN_LIST_SIZE
from papers.core.models import Paper, Topic

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
    for start in range(0, len(ids), IN_LIST_SIZE):
        yield from Paper.objects.filter(pk__in=ids[start : start + IN_LIST_SIZE]).only(
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
        return TemplateResponse(request, "admin/core/action_form.html", context)


def applying(request) -> bool:
    """Whether the intermediate page was submitted (not the first click on the action)."""
    return request.POST.get("apply") == "yes"


class TopicChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, topic):
        return f"{topic.name} ({plural(topic.paper_count, 'paper')})"


class TopicChoiceForm(forms.Form):
    topic = TopicChoiceField(
        queryset=Topic.objects.annotate(paper_count=Count("papers")).order_by("name"),
        empty_label=None,
    )


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


class DerivedDataAdmin(admin.ModelAdmin):
    """A ModelAdmin whose saves and deletes keep derived data fresh: after the object
    and its inlines are saved, or before it is deleted, the papers it touches are
    handed to ``derived.papers_changed`` (search text, ``has_code``, cached pages)."""

    def affected_paper_ids(self, objects) -> set[int]:
        """The papers whose pages show ``objects`` (instances of this admin's model)."""
        return set()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        derived.papers_changed(paper_ids=self.affected_paper_ids([form.instance]))

    def delete_model(self, request, obj):
        ids = self.affected_paper_ids([obj])
        super().delete_model(request, obj)
        derived.papers_changed(paper_ids=ids)

    def delete_queryset(self, request, queryset):
        ids = self.affected_paper_ids(list(queryset))
        super().delete_queryset(request, queryset)
        derived.papers_changed(paper_ids=ids)


def papers_linked(through, field: str, objects) -> set[int]:
    """Ids of the papers linked to ``objects`` through the ``through`` rows' ``field``."""
    ids = [obj.pk for obj in objects if obj.pk]
    return set(through.objects.filter(**{f"{field}__in": ids}).values_list("paper_id", flat=True))
