"""Authors: other spellings inline, and merging duplicates."""

from collections import defaultdict

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.models import DELETION
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils.text import Truncator

from papers.core import services
from papers.core.models import Author, AuthorAlias, Authorship
from papers.core.names import clean_name, name_key

from .base import (
    ActionFormMixin,
    DerivedDataAdmin,
    MergeForm,
    applying,
    log_changes,
    papers_by_ids,
    papers_linked,
    plural,
)


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


def describe_author(author) -> str:
    details = [plural(author.paper_count, "paper"), author.slug]
    details += [value for value in (author.affiliation, author.orcid) if value]
    if author.user_id:
        details.append(f"claimed by {author.user}")
    return f"{author.name} — {', '.join(details)}"


@admin.register(Author)
class AuthorAdmin(ActionFormMixin, DerivedDataAdmin):
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

    def affected_paper_ids(self, objects):
        return papers_linked(Authorship, "author", objects)

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
