"""Collections and follows, for staff to look at (members manage their own on the site)."""

from django.contrib import admin
from django.db.models import Count

from ..models import Collection, CollectionItem, Follow


class ItemInline(admin.TabularInline):
    model = CollectionItem
    extra = 0
    autocomplete_fields = ["paper"]
    fields = ["position", "paper", "added_at"]


@admin.register(Collection)
class CollectionAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "is_public", "paper_count", "updated_at"]
    list_filter = ["is_public"]
    list_select_related = ["owner"]
    search_fields = ["name", "owner__username"]
    readonly_fields = ["slug", "description", "created_at", "updated_at"]
    inlines = [ItemInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(paper_count=Count("items"))

    @admin.display(description="papers", ordering="paper_count")
    def paper_count(self, collection):
        return collection.paper_count


@admin.register(Follow)
class FollowAdmin(admin.ModelAdmin):
    list_display = ["user", "topic", "author", "collection", "created_at"]
    list_select_related = ["user", "topic", "author", "collection"]
    search_fields = ["user__username"]
    autocomplete_fields = ["user", "topic", "author", "collection"]
