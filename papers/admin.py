from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F

from .models import Author, Authorship, Category, CodeLink, Paper, Repository, Topic, Upvote

POSITION_PARKING_OFFSET = 1_000_000


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
class PaperAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "arxiv_id",
        "listed_on",
        "status",
        "featured",
        "upvote_count",
        "has_code",
    ]
    list_filter = ["status", "featured", "has_code", "listed_on", "topics", "primary_category"]
    list_editable = ["featured"]
    search_fields = ["title", "arxiv_id", "authorships__author__name"]
    autocomplete_fields = ["topics", "categories", "primary_category", "submitted_by"]
    date_hierarchy = "listed_on"
    show_facets = admin.ShowFacets.ALLOW
    inlines = [AuthorshipInline, CodeLinkInline]
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
                position=F("position") + POSITION_PARKING_OFFSET
            )
            for obj in instances:
                obj.save()
            formset.save_m2m()


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "affiliation", "orcid", "paper_count", "user"]
    search_fields = ["name", "slug", "orcid"]
    autocomplete_fields = ["user"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(paper_count=Count("authorships"))
            .order_by("name")
        )

    @admin.display(ordering="paper_count", description="papers")
    def paper_count(self, author):
        return author.paper_count


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "parent", "paper_count"]
    list_filter = ["parent"]
    search_fields = ["name", "description"]
    autocomplete_fields = ["parent"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("parent")
            .annotate(paper_count=Count("papers"))
            .order_by("name")
        )

    @admin.display(ordering="paper_count", description="papers")
    def paper_count(self, topic):
        return topic.paper_count


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
