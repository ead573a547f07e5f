"""Moderating the discussion: comments (hide, restore, approve held ones), the reports
members make, both through the discussion's services (counts stay exact)."""

from django.contrib import admin
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator

from ..discussion import services
from ..models import Comment, CommentReport


class OpenReportsFilter(admin.SimpleListFilter):
    title = "reports"
    parameter_name = "reported"

    def lookups(self, request, model_admin):
        return [("open", "Open reports"), ("any", "Ever reported")]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.filter(open_reports__gt=0)
        if self.value() == "any":
            return queryset.filter(reports__isnull=False).distinct()
        return queryset


class ReportInline(admin.TabularInline):
    model = CommentReport
    extra = 0
    can_delete = False
    fields = ["reporter", "reason", "note", "created_at", "resolved_at", "resolved_by"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["excerpt", "author", "paper_link", "status", "open_reports", "created_at"]
    list_filter = ["status", OpenReportsFilter, "created_at"]
    list_select_related = ["author", "paper"]
    search_fields = ["body", "author__username", "paper__title", "paper__arxiv_id"]
    date_hierarchy = "created_at"
    actions = ["hide", "restore", "resolve_reports"]
    readonly_fields = [
        "paper_link",
        "parent",
        "author",
        "status",
        "body",
        "rendered",
        "upvote_count",
        "created_at",
        "edited_at",
        "deleted_at",
    ]
    fields = readonly_fields
    inlines = [ReportInline]
    show_facets = admin.ShowFacets.ALLOW

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(open_reports=Count("reports", filter=Q(reports__resolved_at=None)))
        )

    def has_add_permission(self, request):
        return False  # comments come from members

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    @admin.display(description="comment")
    def excerpt(self, comment):
        if comment.deleted_at:
            return "(deleted)"
        return Truncator(comment.body).chars(80)

    @admin.display(description="paper", ordering="paper__title")
    def paper_link(self, comment):
        return format_html(
            '<a href="{}">{}</a>',
            comment.get_absolute_url(),
            Truncator(comment.paper.title).chars(60),
        )

    @admin.display(description="open reports", ordering="open_reports")
    def open_reports(self, comment):
        return comment.open_reports

    @admin.display(description="as shown")
    def rendered(self, comment):
        return format_html('<div class="comment-body">{}</div>', comment.body_html)

    def delete_model(self, request, obj):
        services.comment_purge(comment=obj)

    def delete_queryset(self, request, queryset):
        for comment in queryset:
            services.comment_purge(comment=comment)

    @admin.action(description="Hide from everyone", permissions=["change"])
    def hide(self, request, queryset):
        hidden = sum(services.comment_hide(comment=c) for c in queryset)
        self.message_user(request, f"{hidden} comment(s) hidden.")

    @admin.action(description="Show (restore hidden, approve held)", permissions=["change"])
    def restore(self, request, queryset):
        shown = sum(services.comment_restore(comment=c) for c in queryset)
        self.message_user(request, f"{shown} comment(s) shown.")

    @admin.action(description="Mark their reports resolved", permissions=["change"])
    def resolve_reports(self, request, queryset):
        count = services.reports_resolve(
            reports=CommentReport.objects.filter(comment__in=queryset), staff=request.user
        )
        self.message_user(request, f"{count} report(s) resolved.")


@admin.register(CommentReport)
class CommentReportAdmin(admin.ModelAdmin):
    list_display = ["comment_excerpt", "reason", "reporter", "created_at", "resolved_at"]
    list_filter = [("resolved_at", admin.EmptyFieldListFilter), "reason"]
    list_select_related = ["comment", "reporter"]
    readonly_fields = ["comment", "reporter", "reason", "note", "created_at", "resolved_at",
                       "resolved_by"]  # fmt: skip
    actions = ["hide_comments", "resolve"]

    def has_add_permission(self, request):
        return False

    @admin.display(description="comment")
    def comment_excerpt(self, report):
        url = reverse("admin:community_comment_change", args=[report.comment_id])
        return format_html('<a href="{}">{}</a>', url, Truncator(report.comment.body).chars(80))

    @admin.action(description="Hide the reported comments and resolve", permissions=["change"])
    def hide_comments(self, request, queryset):
        hidden = 0
        for report in queryset.select_related("comment"):
            hidden += services.comment_hide(comment=report.comment)
        services.reports_resolve(reports=queryset, staff=request.user)
        self.message_user(request, f"{hidden} comment(s) hidden.")

    @admin.action(description="Resolve (nothing to do)", permissions=["change"])
    def resolve(self, request, queryset):
        count = services.reports_resolve(reports=queryset, staff=request.user)
        self.message_user(request, f"{count} report(s) resolved.")
