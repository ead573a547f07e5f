"""The site's user model: a member, with the profile others see."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from ..identity import username_skeleton

MAX_LINKS = 5


class User(AbstractUser):
    """A member. Email addresses are unique whatever their case (empty ones aside:
    ``createsuperuser`` may leave it empty), and so are usernames' confusable
    skeletons (papers/community/identity.py): ``аlice`` cannot join beside ``alice``.

    The profile (display name, bio, affiliation, links) is written by
    ``profiles.services.profile_update``, which renders the markdown bio once into
    ``bio_html`` (sanitised). ``posting_banned`` is set by staff in the admin: the
    member can still read, vote and collect, but not comment.
    """

    username_skeleton = models.CharField(max_length=600, unique=True, editable=False)
    display_name = models.CharField(max_length=60, blank=True)
    bio = models.TextField(blank=True, max_length=2000, help_text="Markdown.")
    bio_html = models.TextField(blank=True, editable=False)
    affiliation = models.CharField(max_length=200, blank=True)
    links = models.JSONField(
        default=list, blank=True, help_text=f"Up to {MAX_LINKS} http(s) addresses."
    )
    email_notifications = models.BooleanField(
        "email me my notifications",
        default=False,
        help_text="Replies and comments on your papers, batched, by email.",
    )
    notifications_emailed_at = models.DateTimeField(null=True, blank=True, editable=False)
    posting_banned = models.BooleanField(
        "banned from posting",
        default=False,
        help_text="The member can no longer comment (staff decide, in the admin).",
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        constraints = [
            models.UniqueConstraint(
                Lower("email"), condition=~Q(email=""), name="user_email_unique_ci"
            ),
        ]

    def save(self, *args, **kwargs):
        self.username_skeleton = username_skeleton(self.username)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "username" in update_fields:
            kwargs["update_fields"] = {*update_fields, "username_skeleton"}
        super().save(*args, **kwargs)

    @property
    def shown_name(self) -> str:
        """What pages call the member: their display name, else their username."""
        return self.display_name or self.username
