""" "For you": a member's own front page.

Two lists, each paper with the reason it is there:

1. **New from what you follow**: papers listed in the last ``FOR_YOU_DAYS`` days in a
   topic or by an author the member follows, or added meanwhile to a collection they
   follow ("New in World Models", "New from Sergey Levine", "Added to Robot learning by
   ada"); newest first.
2. **Recommended**: the papers most like the ones the member upvoted or saved lately,
   from the similar-papers engine (papers/search/similar.py): each recent upvote or
   save is a *seed*, its ranking of similar papers votes for them (more for a better
   rank), and papers the member already upvoted or saved are left out ("Because you
   upvoted ...", with the engine's own reason).

The cost does not grow with the catalogue or the member's history: one query for the
follows, one per kind of follow (papers of followed topics are found down the editions'
index, newest first, among the newest ``TOPIC_SCAN`` papers, not by topic: a topic can
hold a third of the catalogue) and one to find where those newest papers start, three
for the seeds, two for what the member has
seen, one for the papers. Seeds' rankings come from the similar-papers cache; at most
``COLD_SEEDS`` missing ones are worked out per request (each within the engine's time
limit, then cached for everyone), so a bounded number of queries in every case.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import zip_longest

from django.conf import settings
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from papers.core.models import Authorship, Paper
from papers.search import similar

from ..models import CollectionItem, Follow, Upvote

FOLLOWED_SIZE = 30
RECOMMENDED_SIZE = 20
SOURCE_ROWS = 300  # newest rows read per kind of follow
TOPIC_SCAN = 3000  # newest papers looked at for followed topics (within FOR_YOU_DAYS)
SEEDS = 10  # recent upvotes (and as many recent saves) that seed recommendations
COLD_SEEDS = 2  # seeds whose similar papers may be worked out now, per request
RANKS_USED = 40  # of each seed's ranking


@dataclass
class Pick:
    paper: Paper
    reasons: list[str]


@dataclass
class ForYou:
    followed: list[Pick] = field(default_factory=list)
    recommended: list[Pick] = field(default_factory=list)
    follows: int = 0
    seeds: int = 0
    days: int = 14

    @property
    def empty(self) -> bool:
        return not (self.followed or self.recommended)


def for_you(user, *, today: dt.date | None = None) -> ForYou:
    today = today or timezone.localdate()
    days = settings.FOR_YOU_DAYS
    since = today - dt.timedelta(days=days)
    follows = list(
        Follow.objects.filter(user=user).select_related("topic", "author", "collection__owner")
    )
    followed = _followed(follows, since)
    seeds = _seeds(user)
    recommended = _recommended(user, seeds, exclude=set(followed))
    papers = Paper.objects.published().for_cards().in_bulk([*followed, *recommended])
    order = sorted(
        (pk for pk in followed if pk in papers),
        key=lambda pk: (papers[pk].listed_on, papers[pk].upvote_count, pk),
        reverse=True,
    )
    return ForYou(
        followed=[Pick(papers[pk], followed[pk]) for pk in order[:FOLLOWED_SIZE]],
        recommended=[
            Pick(papers[pk], reasons) for pk, reasons in recommended.items() if pk in papers
        ][:RECOMMENDED_SIZE],
        follows=len(follows),
        seeds=len(seeds),
        days=days,
    )


def _followed(follows: list[Follow], since: dt.date) -> dict[int, list[str]]:
    """``{paper id: reasons}`` for recent papers of the member's follows."""
    reasons: dict[int, list[str]] = defaultdict(list)
    topics = {f.topic_id: f.topic.name for f in follows if f.topic_id}
    authors = {f.author_id: f.author.name for f in follows if f.author_id}
    collections = {f.collection_id: f.collection for f in follows if f.collection_id}
    recent = {"paper__status": Paper.Status.PUBLISHED, "paper__listed_on__gte": since}
    if topics:
        # Recent papers newest first, down the editions' index, each asked whether it is in
        # a followed topic: a popular topic has a third of the catalogue, so reading its
        # papers by topic and sorting them by date would read hundreds of thousands. At
        # most the newest TOPIC_SCAN papers are asked (a rarely used topic would otherwise
        # make it ask every paper of the last FOR_YOU_DAYS days).
        newest = Paper.objects.published().sorted_by("new").values_list("listed_on", flat=True)
        floor = list(newest[TOPIC_SCAN : TOPIC_SCAN + 1])
        in_followed = Paper.topics.through.objects.filter(
            paper_id=OuterRef("pk"), topic_id__in=list(topics)
        ).values("topic_id")[:1]
        rows = (
            Paper.objects.published()
            .filter(listed_on__gte=max([since, *floor]))
            .annotate(followed_topic=Subquery(in_followed))
            .filter(followed_topic__isnull=False)
            .sorted_by("new")
            .values_list("pk", "followed_topic")[:SOURCE_ROWS]
        )
        for paper_id, topic_id in rows:
            reasons[paper_id].append(f"New in {topics[topic_id]}, a topic you follow")
    if authors:
        rows = (
            Authorship.objects.filter(author_id__in=list(authors), **recent)
            .order_by("-paper__listed_on", "-paper_id")
            .values_list("paper_id", "author_id")[:SOURCE_ROWS]
        )
        for paper_id, author_id in rows:
            reasons[paper_id].append(f"New from {authors[author_id]}, whom you follow")
    if collections:
        added_since = timezone.make_aware(dt.datetime.combine(since, dt.time.min))
        rows = (
            CollectionItem.objects.filter(
                collection_id__in=list(collections),
                added_at__gte=added_since,
                paper__status=Paper.Status.PUBLISHED,
            )
            .order_by("-added_at", "-pk")
            .values_list("paper_id", "collection_id")[:SOURCE_ROWS]
        )
        for paper_id, collection_id in rows:
            collection = collections[collection_id]
            reasons[paper_id].append(
                f"Added to {collection.name} by {collection.owner.shown_name}, "
                "a collection you follow"
            )
    return {pk: list(dict.fromkeys(why))[:2] for pk, why in reasons.items()}


def _seeds(user) -> dict[int, tuple[Paper, str]]:
    """``{paper id: (paper, why)}``: the member's latest upvotes and saves, taking turns
    (so the few seeds worked out first are of both kinds)."""
    upvoted = [
        (paper_id, "upvoted")
        for paper_id in Upvote.objects.filter(user=user)
        .order_by("-created_at")
        .values_list("paper_id", flat=True)[:SEEDS]
    ]
    saved = [
        (paper_id, f"saved in {name}")
        for paper_id, name in CollectionItem.objects.filter(collection__owner=user)
        .order_by("-added_at")
        .values_list("paper_id", "collection__name")[:SEEDS]
    ]
    why: dict[int, str] = {}
    for pair in zip_longest(upvoted, saved):
        for item in pair:
            if item is not None:
                why.setdefault(*item)
    if not why:
        return {}
    papers = (
        Paper.objects.published()
        .only("pk", "arxiv_id", "title", "abstract", "topics_text", "authors_text")
        .in_bulk(list(why))
    )
    return {pk: (papers[pk], why[pk]) for pk in why if pk in papers}


def _recommended(user, seeds, *, exclude: set[int]) -> dict[int, list[str]]:
    """``{paper id: reasons}``, best first: papers most like the seeds, not seen yet."""
    if not seeds:
        return {}
    seed_papers = [paper for paper, _ in seeds.values()]
    cached = similar.cached_rankings(seed_papers)  # (None: ran out of time lately)
    rankings = {pk: ranking for pk, ranking in cached.items() if ranking}
    cold = [paper for paper in seed_papers if paper.pk not in cached][:COLD_SEEDS]
    for paper in cold:
        ranking = similar.paper_ranking(paper)
        if ranking:
            rankings[paper.pk] = ranking
    score: dict[int, float] = defaultdict(float)
    best: dict[int, tuple[float, int]] = {}  # paper -> (vote, seed) of its strongest seed
    for seed_id, ranking in rankings.items():
        for rank, pk in enumerate(ranking.ids[:RANKS_USED]):
            vote = 1.0 / (rank + 2)
            score[pk] += vote
            if vote > best.get(pk, (0.0, 0))[0]:
                best[pk] = (vote, seed_id)
    candidates = [pk for pk in score if pk not in seeds and pk not in exclude]
    if not candidates:
        return {}
    seen = set(
        Upvote.objects.filter(user=user, paper_id__in=candidates).values_list("paper_id", flat=True)
    ) | set(
        CollectionItem.objects.filter(collection__owner=user, paper_id__in=candidates).values_list(
            "paper_id", flat=True
        )
    )
    ranked = sorted((pk for pk in candidates if pk not in seen), key=lambda pk: (-score[pk], -pk))[
        : RECOMMENDED_SIZE * 2
    ]
    picks = {}
    for pk in ranked:
        seed_id = best[pk][1]
        seed, why = seeds[seed_id]
        reasons = [f"Because you {why} “{seed.title}”"]
        reasons += rankings[seed_id].reasons.get(pk, [])[:1]
        picks[pk] = reasons
    return picks
