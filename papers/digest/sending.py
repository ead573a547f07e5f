"""The email digest: which papers a period's digest carries, the message, and sending it once.

A **period** is the daily edition of yesterday (``daily``) or the ISO week
before this one (``weekly``), in the site's time zone; its key is the edition's
(``2026-11-25``, ``2026-W48``). Its papers are the published papers listed in
it, trending first (``sorted_by("trending")``), at most ``DIGEST_MAX_PAPERS``; a
subscriber who chose topics gets only papers in any of them.

**Sending is idempotent per period** (:func:`digest_send`). For each confirmed
subscriber of that frequency without a delivery for the period:

1. a :class:`~papers.models.DigestDelivery` row is inserted (the unique
   constraint on subscriber, frequency and period makes this a claim: a second
   run, or a second process running at the same time, finds it and moves on);
2. the email is sent;
3. the row's ``sent_at`` is set.

An email the mail server refuses (an exception from the backend) releases its
claim and stops the run: the next run picks up where this one stopped. A process
killed between steps 1 and 3 leaves a claim without ``sent_at``; it is not sent
again, because the email may have left (at most once, never twice), and the
command reports such claims. Nothing is sent when the period has no papers, or
to a subscriber whose topics have none.
"""

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import mailers
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from papers.community import trending
from papers.core.editions import Edition
from papers.core.models import Paper
from papers.web.mail import Email

from .models import DigestDelivery, Subscription
from .subscriptions import unsubscribe_token

logger = logging.getLogger(__name__)

FREQUENCIES = tuple(Subscription.Frequency.values)


@dataclass(frozen=True)
class DigestPeriod:
    frequency: str
    edition: Edition

    @classmethod
    def previous(cls, frequency: str, today: dt.date | None = None) -> "DigestPeriod":
        """The last complete period before ``today`` (the site's today by default)."""
        today = today or timezone.localdate()
        if frequency == "daily":
            return cls(frequency, Edition.day(today - dt.timedelta(days=1)))
        if frequency == "weekly":
            return cls(frequency, Edition.week(today - dt.timedelta(days=7)))
        raise ValueError(f"unknown digest frequency {frequency!r}")

    @classmethod
    def parse(cls, frequency: str, key: str) -> "DigestPeriod":
        """``2026-11-25`` for daily, ``2026-W48`` for weekly; ``ValueError`` otherwise."""
        kind = {"daily": "day", "weekly": "week"}.get(frequency)
        if kind is None:
            raise ValueError(f"unknown digest frequency {frequency!r}")
        return cls(frequency, Edition.parse(kind, key))

    @property
    def key(self) -> str:
        return self.edition.key

    @property
    def title(self) -> str:
        return self.edition.title


@dataclass
class DigestReport:
    period: DigestPeriod
    papers: int = 0  # papers in the period (before topic filtering)
    sent: int = 0
    already: int = 0  # claimed before this run (sent, or left unfinished by a crash)
    nothing_to_send: int = 0  # subscribers whose topics have no papers in the period
    failed: str = ""  # the error that stopped the run
    unfinished: int = 0  # claims without sent_at for the period after this run
    recipients: list[str] = field(default_factory=list)


def period_papers(period: DigestPeriod):
    edition = period.edition
    return Paper.objects.published().listed_between(edition.start, edition.end)


def papers_for(period: DigestPeriod, topic_ids: frozenset[int]) -> list[Paper]:
    """The digest's papers for subscribers who chose ``topic_ids`` (none: every topic)."""
    papers = period_papers(period)
    if topic_ids:
        papers = papers.filter(
            Exists(
                Paper.topics.through.objects.filter(paper=OuterRef("pk"), topic_id__in=topic_ids)
            )
        )
    return list(papers.sorted_by("trending").with_listing_data()[: settings.DIGEST_MAX_PAPERS])


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def digest_message(
    *, subscription: Subscription, period: DigestPeriod, papers, now: dt.datetime | None = None
) -> Email:
    """The digest email: plain text and HTML, with one-click unsubscribe (RFC 8058) headers."""
    now = now or timezone.now()
    unsubscribe_url = absolute(reverse("unsubscribe", args=[unsubscribe_token(subscription)]))
    topics = list(subscription.topics.all())
    context = {
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL.rstrip("/"),
        "period": period,
        "topics": topics,
        "entries": [
            {
                "paper": paper,
                "url": absolute(paper.get_absolute_url()),
                "authors": [a.author.name for a in paper.authorships.all()],
                "trending_score": trending.score_from_stored(paper.trending_score, now),
            }
            for paper in papers
        ],
        "unsubscribe_url": unsubscribe_url,
        "manage_url": absolute(reverse("subscribe")),
        "half_life_hours": trending.half_life() / dt.timedelta(hours=1),
    }
    noun = "week" if period.frequency == "weekly" else "day"
    message = Email(
        subject=f"{settings.SITE_NAME}: the {noun}'s top papers ({period.title})",
        body=render_to_string("digest/emails/digest.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[subscription.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(render_to_string("digest/emails/digest.html", context), "text/html")
    return message


def pending_subscriptions(period: DigestPeriod):
    """Confirmed subscribers of the period's frequency who have no delivery for it yet."""
    claimed = DigestDelivery.objects.filter(
        subscription=OuterRef("pk"), frequency=period.frequency, period=period.key
    )
    return (
        Subscription.objects.filter(confirmed=True, frequency=period.frequency)
        .exclude(Exists(claimed))
        .order_by("pk")
    )


def digest_send(*, period: DigestPeriod, now: dt.datetime | None = None) -> DigestReport:
    """Send the period's digest to every confirmed subscriber who has not had it (see module)."""
    now = now or timezone.now()
    report = DigestReport(period=period)
    report.papers = period_papers(period).count()
    if report.papers:
        before = DigestDelivery.objects.filter(frequency=period.frequency, period=period.key)
        report.already = before.count()
        _send_pending(period, report, now)
    report.unfinished = DigestDelivery.objects.filter(
        frequency=period.frequency, period=period.key, sent_at__isnull=True
    ).count()
    return report


def _send_pending(period: DigestPeriod, report: DigestReport, now: dt.datetime) -> None:
    papers_by_topics: dict[frozenset[int], list[Paper]] = {}
    pending_ids = list(pending_subscriptions(period).values_list("pk", flat=True))
    with mailers.default as mailer:
        for subscription in _in_chunks(pending_ids):
            topic_ids = frozenset(topic.pk for topic in subscription.topics.all())
            if topic_ids not in papers_by_topics:
                papers_by_topics[topic_ids] = papers_for(period, topic_ids)
            papers = papers_by_topics[topic_ids]
            if not papers:
                report.nothing_to_send += 1
                continue
            try:
                with transaction.atomic():
                    delivery = DigestDelivery.objects.create(
                        subscription=subscription,
                        frequency=period.frequency,
                        period=period.key,
                        paper_count=len(papers),
                        claimed_at=timezone.now(),
                    )
            except IntegrityError:  # another run claimed it meanwhile
                report.already += 1
                continue
            message = digest_message(
                subscription=subscription, period=period, papers=papers, now=now
            )
            try:
                mailer.send_messages([message])
            except Exception as exc:
                delivery.delete()  # not sent: the next run tries again
                report.failed = f"{type(exc).__name__}: {exc}"
                logger.exception(
                    "digest %s %s to subscriber %s failed",
                    period.frequency,
                    period.key,
                    subscription.pk,
                )
                return
            DigestDelivery.objects.filter(pk=delivery.pk).update(sent_at=timezone.now())
            report.sent += 1
            report.recipients.append(subscription.email)


def _in_chunks(ids: list[int], size: int = 500):
    """The subscriptions ``ids`` with their topics, ``size`` at a time, in id order."""
    for start in range(0, len(ids), size):
        chunk = Subscription.objects.filter(pk__in=ids[start : start + size])
        yield from chunk.prefetch_related("topics").order_by("pk")
