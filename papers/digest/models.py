"""Email digest subscriptions and the record of what was sent."""

from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from papers.core.models import Topic


class Subscription(models.Model):
    """An email digest subscriber (double opt-in: nothing is sent until ``confirmed``).

    ``topics`` empty means every topic. ``preferences_at`` is when the frequency
    and topics were last chosen: a confirmation link issued before it no longer
    changes them (see papers/digest/subscriptions.py).
    """

    class Frequency(models.TextChoices):
        DAILY = "daily", "Daily"
        WEEKLY = "weekly", "Weekly"

    email = models.EmailField(max_length=254)
    confirmed = models.BooleanField(default=False)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    frequency = models.CharField(max_length=10, choices=Frequency.choices, default="daily")
    topics = models.ManyToManyField(
        Topic, blank=True, related_name="subscriptions", help_text="None chosen: every topic."
    )
    preferences_at = models.DateTimeField(default=timezone.now, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="subscription_email_unique_ci"),
            models.CheckConstraint(
                condition=Q(frequency__in=["daily", "weekly"]), name="subscription_frequency_valid"
            ),
            models.CheckConstraint(
                condition=Q(confirmed=False) | Q(confirmed_at__isnull=False),
                name="subscription_confirmed_has_date",
            ),
        ]
        indexes = [
            models.Index(
                fields=["frequency", "id"],
                name="subscription_confirmed_idx",
                condition=Q(confirmed=True),
            ),
        ]

    def __str__(self):
        state = "" if self.confirmed else " (unconfirmed)"
        return f"{self.email}, {self.get_frequency_display().lower()}{state}"


class DigestDelivery(models.Model):
    """One digest for one subscriber and one period: the row that makes sending idempotent.

    The row is written (claimed) before the email is sent and ``sent_at`` is set
    after; the unique constraint means a period is claimed once per subscriber,
    whatever crashes or runs in parallel.
    """

    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    frequency = models.CharField(max_length=10, choices=Subscription.Frequency.choices)
    period = models.CharField(max_length=10, help_text="2026-11-25 (daily) or 2026-W48 (weekly).")
    paper_count = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "digest deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "frequency", "period"], name="digest_delivery_once"
            ),
        ]
        indexes = [models.Index(fields=["frequency", "period"], name="digest_delivery_period_idx")]

    def __str__(self):
        return f"{self.frequency} digest {self.period} for {self.subscription.email}"
