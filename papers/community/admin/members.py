"""Member accounts (with their profile and the posting ban) and upvotes."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.core.exceptions import ValidationError

from .. import services
from ..discussion import services as discussion
from ..forms import EMAIL_TAKEN, check_username_free
from ..models import Upvote
from ..profiles.services import profile_update

User = get_user_model()


class MemberChangeForm(UserChangeForm):
    def clean_username(self):
        username = self.cleaned_data["username"]
        check_username_free(username, member=self.instance)
        return username

    def clean_email(self):
        email = self.cleaned_data.get("email", "")
        others = User.objects.exclude(pk=self.instance.pk)
        if email and others.filter(email__iexact=email).exists():
            raise ValidationError(EMAIL_TAKEN, code="email_taken")
        return email


@admin.register(User)
class MemberAdmin(UserAdmin):
    """Django's user admin, checking that emails stay unique whatever their case; deleting
    a member takes their upvotes off the papers' counts (``services.member_delete``).
    Staff ban members from posting comments here (an action, or the checkbox)."""

    form = MemberChangeForm
    list_display = [*UserAdmin.list_display, "posting_banned", "date_joined"]
    list_filter = [*UserAdmin.list_filter, "posting_banned", "email_notifications"]
    fieldsets = [
        *UserAdmin.fieldsets,
        (
            "Profile",
            {"fields": ["display_name", "affiliation", "bio", "links", "email_notifications"]},
        ),
        ("Discussion", {"fields": ["posting_banned"]}),
    ]
    actions = ["ban_from_posting", "allow_posting"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if "bio" in form.changed_data or not change:  # bio_html is rendered by the service
            profile_update(
                user=obj,
                display_name=obj.display_name,
                bio=obj.bio,
                affiliation=obj.affiliation,
                links=obj.links or [],
                email_notifications=obj.email_notifications,
            )

    def delete_model(self, request, obj):
        services.member_delete(user=obj)

    def delete_queryset(self, request, queryset):
        for user in queryset:
            services.member_delete(user=user)

    @admin.action(description="Ban from posting comments", permissions=["change"])
    def ban_from_posting(self, request, queryset):
        count = discussion.member_posting_ban(users=queryset, banned=True)
        self.message_user(request, f"{count} member(s) can no longer post comments.")

    @admin.action(description="Allow posting comments again", permissions=["change"])
    def allow_posting(self, request, queryset):
        count = discussion.member_posting_ban(users=queryset, banned=False)
        self.message_user(request, f"{count} member(s) can post comments again.")


@admin.register(Upvote)
class UpvoteAdmin(admin.ModelAdmin):
    """Members' upvotes, to look at and, for abuse, remove. Votes are cast on the site;
    a removal goes through the vote service, so counts and trending scores follow."""

    list_display = ["paper", "user", "created_at"]
    date_hierarchy = "created_at"
    list_select_related = ["paper", "user"]
    search_fields = ["paper__title", "paper__arxiv_id", "user__username"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        services.paper_upvote(paper=obj.paper, user=obj.user, voted=False)

    def delete_queryset(self, request, queryset):
        for vote in queryset.select_related("paper", "user"):
            services.paper_upvote(paper=vote.paper, user=vote.user, voted=False)
