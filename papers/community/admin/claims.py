"""Author claims: staff check the note and ORCID iD, then approve or reject."""

from django.contrib import admin, messages
from django.utils.html import format_html

from ..claims import services
from ..models import AuthorClaim


@admin.register(AuthorClaim)
class AuthorClaimAdmin(admin.ModelAdmin):
    list_display = ["author", "user", "orcid_link", "status", "created_at", "decided_by"]
    list_filter = ["status", "created_at"]
    list_select_related = ["author", "user", "decided_by"]
    search_fields = ["author__name", "user__username", "user__email", "orcid"]
    readonly_fields = [
        "author",
        "user",
        "note",
        "orcid_link",
        "status",
        "created_at",
        "decided_at",
        "decided_by",
    ]
    fields = readonly_fields
    actions = ["approve", "reject"]
    ordering = ["status", "-created_at"]

    def has_add_permission(self, request):
        return False

    @admin.display(description="ORCID iD")
    def orcid_link(self, claim):
        if not claim.orcid:
            return "—"
        return format_html(
            '<a href="https://orcid.org/{}" rel="noopener">{}</a>', claim.orcid, claim.orcid
        )

    @admin.action(description="Approve: link the author page to the member", permissions=["change"])
    def approve(self, request, queryset):
        approved = 0
        for claim in queryset.select_related("author", "user"):
            try:
                services.claim_approve(claim=claim, staff=request.user)
            except services.ClaimRefused as refusal:
                self.message_user(request, f"Not approved: {refusal}", level=messages.WARNING)
            else:
                approved += 1
        if approved:
            self.message_user(request, f"{approved} claim(s) approved.")

    @admin.action(description="Reject", permissions=["change"])
    def reject(self, request, queryset):
        rejected = sum(services.claim_reject(claim=c, staff=request.user) for c in queryset)
        self.message_user(request, f"{rejected} claim(s) rejected.")
