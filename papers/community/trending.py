"""Trending: recent upvotes weigh more than old ones.

The formula, in words: **every upvote counts 1 when it is cast and loses half
its weight every ``TRENDING_HALF_LIFE_HOURS`` hours (24 by default); a paper's
trending score is the sum over its upvotes.** A vote from today counts about 1,
one from yesterday 0.5, one from a week ago 0.008::

    score(now) = Σ over upvotes  0.5 ** (hours since the upvote / half-life)

Upvotes older than ``WINDOW_HALF_LIVES`` half-lives (30: a month by default)
weigh less than a billionth and are left out.

How it is stored so that ordering never goes stale: every score decays by the
same factor as time passes, so the order of papers by ``score(now)`` is the
order by ``score(now) × 2 ** (half-lives from EPOCH to now)`` — a number that
does not change while no one votes. ``Paper.trending_score`` holds its base-2
logarithm (large sums would overflow a float otherwise)::

    trending_score = log2(Σ 2 ** (half-lives from EPOCH to each upvote))
                   = half-lives from EPOCH to now + log2(score(now))

and 0 for a paper without upvotes in the window. Sorting by the indexed
``-trending_score`` is therefore sorting by today's score, without a job that
rewrites every row as time passes. A vote updates its paper's value in the
vote's transaction from the stored value alone (:func:`paper_vote_changed`); ``manage.py
refresh_trending`` recomputes all of them (after changing the half-life, or to
drop papers whose last votes left the window).
"""

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from papers.core import derived
from papers.core.models import Paper

from .models import Upvote

EPOCH = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
WINDOW_HALF_LIVES = 30


def half_life() -> dt.timedelta:
    return dt.timedelta(hours=getattr(settings, "TRENDING_HALF_LIFE_HOURS", 24))


def window_start(now: dt.datetime) -> dt.datetime:
    """Upvotes cast before this no longer count."""
    return now - WINDOW_HALF_LIVES * half_life()


def half_lives_since_epoch(moment: dt.datetime) -> float:
    return (moment - EPOCH) / half_life()


def score_now(vote_times: Iterable[dt.datetime], now: dt.datetime) -> float:
    """The formula itself: Σ 0.5 ** (age / half-life) over the upvotes in the window."""
    start = window_start(now)
    return sum(0.5 ** ((now - t) / half_life()) for t in vote_times if start <= t <= now)


def stored_score(vote_times: Iterable[dt.datetime], now: dt.datetime) -> float:
    """The value kept in ``Paper.trending_score`` for these upvotes (see the module docs)."""
    score = score_now(vote_times, now)
    if score <= 0:
        return 0.0
    return max(0.0, half_lives_since_epoch(now) + math.log2(score))


def score_from_stored(value: float, now: dt.datetime) -> float:
    """``score(now)`` back from a stored ``trending_score``."""
    if value <= 0:
        return 0.0
    return 2 ** (value - half_lives_since_epoch(now))


def paper_refresh_trending(*, paper_id: int, now: dt.datetime | None = None) -> float:
    """Recompute one paper's stored score from its upvotes; call inside the vote's transaction."""

    now = now or timezone.now()
    times = Upvote.objects.filter(paper_id=paper_id, created_at__gte=window_start(now)).values_list(
        "created_at", flat=True
    )
    value = stored_score(times, now)
    Paper.objects.filter(pk=paper_id).update(trending_score=value)
    return value


def stored_after_vote(
    stored: float, *, vote_at: dt.datetime, added: bool, now: dt.datetime
) -> float | None:
    """The stored score once one upvote cast at ``vote_at`` is added or removed.

    Works from the stored value alone (the stored score is a log-sum of one term
    per upvote, see the module docs), so a vote costs the same on a paper with
    five votes or fifty thousand. Returns None when the result must be computed
    from the rows instead (removing the last vote, where subtracting would only
    leave rounding error).
    """
    if vote_at < window_start(now):
        return stored  # the vote no longer counts either way
    term = half_lives_since_epoch(vote_at)
    if added:
        if stored <= 0:
            return max(0.0, term)
        high, low = max(stored, term), min(stored, term)
        return high + math.log2(1 + 2 ** (low - high))
    if stored <= 0:
        return None
    remaining = 1 - 2 ** min(0.0, term - stored)
    if remaining < 1e-9:
        return None
    return max(0.0, stored + math.log2(remaining))


def paper_vote_changed(
    *, paper_id: int, stored: float, vote_at: dt.datetime, added: bool, now: dt.datetime
) -> float:
    """Update one paper's stored score for one added or removed vote (in the vote's
    transaction, with the paper row locked); falls back to a full recompute."""

    value = stored_after_vote(stored, vote_at=vote_at, added=added, now=now)
    if value is None:
        return paper_refresh_trending(paper_id=paper_id, now=now)
    Paper.objects.filter(pk=paper_id).update(trending_score=value)
    return value


def refresh_all(*, now: dt.datetime | None = None, batch_size: int = 1000) -> int:
    """Recompute every paper's stored score; returns how many rows changed."""

    now = now or timezone.now()
    times = defaultdict(list)
    recent = Upvote.objects.filter(created_at__gte=window_start(now), created_at__lte=now)
    for paper_id, created_at in recent.values_list("paper_id", "created_at").iterator():
        times[paper_id].append(created_at)
    wanted = {paper_id: stored_score(ts, now) for paper_id, ts in times.items()}
    changed = []
    current = Paper.objects.filter(Q(pk__in=list(wanted)) | Q(trending_score__gt=0)).values_list(
        "pk", "trending_score"
    )
    for pk, value in current.iterator():
        new = wanted.get(pk, 0.0)
        if not math.isclose(value, new, rel_tol=1e-12, abs_tol=1e-12):
            changed.append(Paper(pk=pk, trending_score=new))
    Paper.objects.bulk_update(changed, ["trending_score"], batch_size=batch_size)
    if changed:
        derived.votes_changed()
    return len(changed)


@dataclass(frozen=True)
class TrendingExplanation:
    score: float
    votes_last_day: int
    votes_last_week: int
    half_life_hours: float

    @property
    def in_words(self) -> str:
        hours = self.half_life_hours
        period = "day" if hours == 24 else f"{hours:g} hours"
        week_weight = 0.5 ** (24 * 7 / hours)
        return (
            f"Each upvote counts 1 when it is cast and loses half its weight every {period} "
            f"(a vote from a week ago counts {week_weight:.2g}); "
            "the trending score is the sum over the paper's upvotes."
        )


def explain(paper, *, now: dt.datetime | None = None) -> TrendingExplanation:
    """What the paper page shows under "why this is trending" (one query)."""

    now = now or timezone.now()
    counts = Upvote.objects.filter(
        paper=paper, created_at__gte=now - dt.timedelta(days=7)
    ).aggregate(
        day=Count("pk", filter=Q(created_at__gte=now - dt.timedelta(days=1))),
        week=Count("pk"),
    )
    return TrendingExplanation(
        score=score_from_stored(paper.trending_score, now),
        votes_last_day=counts["day"],
        votes_last_week=counts["week"],
        half_life_hours=half_life() / dt.timedelta(hours=1),
    )
