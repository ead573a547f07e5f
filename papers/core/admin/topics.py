"""Topics (merging, moving in the taxonomy), arXiv categories and repositories."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.models import DELETION
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count

from papers.core import services
from papers.core.models import Category, CodeLink, Paper, Repository, Topic

from .base import (
    ActionFormMixin,
    DerivedDataAdmin,
    MergeForm,
    TopicChoiceField,
    applying,
    log_changes,
    papers_by_ids,
    papers_linked,
    plural,
)


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
class TopicAdmin(ActionFormMixin, DerivedDataAdmin):
    form = TopicAdminForm
    list_display = ["name", "slug", "parent", "paper_count", "child_count"]
    list_filter = ["parent"]
    search_fields = ["name", "description"]
    autocomplete_fields = ["parent"]
    prepopulated_fields = {"slug": ["name"]}
    actions = ["merge_topics", "reparent_topics"]

    def affected_paper_ids(self, objects):
        return papers_linked(Paper.topics.through, "topic", objects)

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
class CategoryAdmin(DerivedDataAdmin):
    list_display = ["code", "name"]

    def affected_paper_ids(self, objects):
        return papers_linked(Paper.categories.through, "category", objects)

    search_fields = ["code", "name"]


@admin.register(Repository)
class RepositoryAdmin(DerivedDataAdmin):
    list_display = ["__str__", "host", "stars", "framework", "language", "last_synced"]

    def affected_paper_ids(self, objects):
        return papers_linked(CodeLink, "repository", objects)

    list_filter = ["host", "framework"]
    search_fields = ["url", "owner", "name", "description"]
