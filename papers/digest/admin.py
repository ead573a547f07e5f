"""Admin for the email digest: subscribers (read mostly) and what was sent to them."""

from django.contrib import admin
from django.db.models import Count

from .models import DigestDelivery, Subscription


class DigestDeliveryInline(admin.TabularInline):
    model = DigestDelivery
    extra = 0
    can_delete = False
    fields = ["frequency", "period", "paper_count", "claimed_at", "sent_at"]
    readonly_fields = fields
    ordering = ["-claimed_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ["email", "frequency", "confirmed", "topic_count", "created_at", "confirmed_at"]
    list_filter = ["confirmed", "frequency", "topics"]
    show_facets = admin.ShowFacets.ALWAYS
    search_fields = ["email"]
    readonly_fields = ["confirmed_at", "preferences_at", "created_at", "updated_at"]
    filter_horizontal = ["topics"]
    inlines = [DigestDeliveryInline]
    date_hierarchy = "created_at"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(topic_total=Count("topics"))

    @admin.display(description="topics", ordering="topic_total")
    def topic_count(self, subscription):
        return subscription.topic_total or "all"


@admin.register(DigestDelivery)
class DigestDeliveryAdmin(admin.ModelAdmin):
    list_display = ["subscription", "frequency", "period", "paper_count", "claimed_at", "sent_at"]
    list_filter = ["frequency", "period"]
    search_fields = ["subscription__email", "period"]
    list_select_related = ["subscription"]
    readonly_fields = ["subscription", "frequency", "period", "paper_count", "claimed_at"]

    def has_add_permission(self, request):
        return False
