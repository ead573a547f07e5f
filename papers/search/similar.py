""" "More like this": the papers most like a paper, and why.

A paper's similar papers come from the full-text index it already has
(papers/search/engines/ does the database-specific part, papers/search/terms.py
chooses the terms):

1. its most distinctive terms: words of its title, topic names and abstract
   (weighted in that order), each weighed by how rare it is in the catalogue;
2. the published papers that contain any of them, through the index, ranked by
   the share of those terms (by weight) they contain: at most
   ``terms.SIMILAR_CANDIDATES``;
3. a bonus for each topic and each author they share with the paper;
4. for the best, the reasons in a few words: "Shared topic: World Models",
   "Same author: Sergey Levine", "Terms: planning, world, visual".

The ranking of a paper is cached (``SIMILAR_CACHE_SECONDS``) under its id and a
hash of its text, so editing the title, abstract, topics or authors gives it a
fresh one. Computing it runs under a time limit (``SIMILAR_TIME_LIMIT_MS``): past
it the page shows no similar papers rather than wait or fail. Papers are read
``published()`` when shown, so a paper hidden since the ranking was cached never
appears.

``similar_papers(paper)`` is the paper page's section (and the API's
``similar``); ``paper_ranking(paper)`` is the ordered ids behind
``/papers/?like=<arxiv_id>``.
"""

import hashlib
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db import router
from django.db.models import Case, IntegerField, Value, When

from papers.core import degraded
from papers.core.models import Authorship, Paper
from papers.core.timelimit import TimeLimit

from . import engines
from .terms import SimilarTerm

SECTION_SIZE = 8  # similar papers on a paper's page, at most
# The section shows fewer rather than pad itself with weak matches: a paper's score must
# reach MIN_SCORE and MIN_SHARE_OF_BEST of the best paper's, and a paper that shares
# neither a topic nor an author (words alone) must reach TERMS_ONLY_MIN_SCORE.
MIN_SCORE = 0.2
MIN_SHARE_OF_BEST = 0.4
TERMS_ONLY_MIN_SCORE = 0.3
EXPLAINED = 2 * SECTION_SIZE  # papers whose reasons are worked out (some may be hidden since)
TOPIC_BONUS = 0.1  # added to the text score for each shared topic (two at most)
AUTHOR_BONUS = 0.15  # and for each shared author (two at most)
TERMS_SHOWN = 3
LATE_SECONDS = 60  # after running out of time, how long before a paper is tried again
CACHE_VERSION = 2


@dataclass
class Ranking:
    """The papers most like one paper: ids best first, and the reasons for the first."""

    ids: list[int] = field(default_factory=list)
    reasons: dict[int, list[str]] = field(default_factory=dict)
    scores: dict[int, float] = field(default_factory=dict)  # of the explained ones
    kin: set[int] = field(default_factory=set)  # of those, the ones sharing a topic or author


@dataclass(frozen=True)
class SimilarPaper:
    paper: Paper
    reasons: list[str]


def paper_ranking(paper: Paper, *, using: str | None = None) -> Ranking | None:
    """The ranking for ``paper``, from the cache or worked out now; ``None`` when working
    it out took longer than ``SIMILAR_TIME_LIMIT_MS``."""
    using = using or router.db_for_read(Paper)
    seconds = settings.SIMILAR_CACHE_SECONDS
    key = _cache_key(paper)
    if seconds:
        cached = cache.get(key)
        if cached is not None:
            if cached is False:  # recently ran out of time: not tried again for a while
                degraded.note(degraded.SIMILAR)
            return cached or None
    ranking = _rank(paper, using)
    if seconds:
        cache.set(key, ranking or False, seconds if ranking is not None else LATE_SECONDS)
    return ranking


def cached_rankings(papers) -> dict[int, Ranking | None]:
    """``{paper id: ranking}`` for those of ``papers`` whose ranking is in the cache, or
    ``None`` for those that recently ran out of time (not worth trying again yet). One
    cache round trip, no query. The papers need their title, abstract, topics_text and
    authors_text (the key depends on them)."""
    if not settings.SIMILAR_CACHE_SECONDS:
        return {}
    keys = {_cache_key(paper): paper.pk for paper in papers}
    found = cache.get_many(list(keys)) if keys else {}
    return {keys[key]: ranking or None for key, ranking in found.items()}


def similar_papers(paper: Paper, *, limit: int = SECTION_SIZE) -> list[SimilarPaper]:
    """Up to ``limit`` published papers most like ``paper``, with the reasons; only those
    close enough (``MIN_SCORE``, ``MIN_SHARE_OF_BEST``, ``TERMS_ONLY_MIN_SCORE``), so the
    list may be short.

    One query once the ranking is cached; a handful more when it is not.
    """
    ranking = paper_ranking(paper)
    if not ranking or not ranking.ids:
        return []
    floor = max(MIN_SCORE, MIN_SHARE_OF_BEST * max(ranking.scores.values(), default=0.0))

    def close_enough(pk) -> bool:
        score = ranking.scores.get(pk, 0.0)
        return score >= floor and (pk in ranking.kin or score >= TERMS_ONLY_MIN_SCORE)

    wanted = [pk for pk in ranking.ids[:EXPLAINED] if pk in ranking.reasons and close_enough(pk)]
    found = (
        Paper.objects.published().filter(pk__in=wanted).only("pk", "arxiv_id", "title").in_bulk()
    )
    return [
        SimilarPaper(paper=found[pk], reasons=ranking.reasons[pk]) for pk in wanted if pk in found
    ][:limit]


def in_ranking_order(queryset, ids: list[int]):
    """``queryset`` ordered as ``ids`` (a ranking), papers not in it last."""
    if not ids:
        return queryset.order_by("-id")
    position = Case(
        *[When(pk=pk, then=Value(n)) for n, pk in enumerate(ids)],
        default=Value(len(ids)),
        output_field=IntegerField(),
    )
    return queryset.order_by(position, "-id")


def _cache_key(paper: Paper) -> str:
    text = "\x00".join(
        [paper.title or "", paper.abstract or "", paper.topics_text or "", paper.authors_text or ""]
    )
    digest = hashlib.sha256(text.encode()).hexdigest()[:20]
    return f"similar:v{CACHE_VERSION}:{paper.pk}:{digest}"


def _rank(paper: Paper, using: str) -> Ranking | None:
    limit_ms = settings.SIMILAR_TIME_LIMIT_MS
    with TimeLimit(using, limit_ms, budget_ms=limit_ms, part=degraded.SIMILAR) as limit:
        terms = limit.run("similar terms", lambda: engines.similar_terms(paper, using=using))
        if terms is None:
            return None
        candidates = limit.run(
            "similar candidates",
            lambda: engines.similar_candidates(paper, terms, using=using),
        )
        if candidates is None:
            return None
        if not candidates:
            return Ranking()
        ids = [pk for pk, _ in candidates]
        shared = limit.run("similar shared", lambda: _shared_topics_and_authors(paper, ids, using))
        if shared is None:
            return None
        topics, authors = shared
        scores = {
            pk: text
            + TOPIC_BONUS * min(len(topics.get(pk, ())), 2)
            + AUTHOR_BONUS * min(len(authors.get(pk, ())), 2)
            for pk, text in candidates
        }
        ids.sort(key=lambda pk: (-scores[pk], -pk))
        best = ids[:EXPLAINED]
        matched = limit.run(
            "similar reasons", lambda: engines.terms_in_papers(best, terms, using=using)
        )
        if matched is None:
            return None
    reasons = {
        pk: _reasons(topics.get(pk, []), authors.get(pk, []), matched.get(pk, [])) for pk in best
    }
    return Ranking(
        ids=ids,
        reasons=reasons,
        scores={pk: scores[pk] for pk in best},
        kin={pk for pk in best if topics.get(pk) or authors.get(pk)},
    )


def _shared_topics_and_authors(paper: Paper, ids: list[int], using: str):
    """``({paper id: [topic name]}, {paper id: [author name]})``: the topics and authors
    each paper of ``ids`` shares with ``paper``, in ``paper``'s order. Two queries (and
    one each for the paper's own topics and authors unless they came prefetched, as on
    its page)."""
    if _prefetched(paper, "topics"):
        mine = sorted(paper.topics.all(), key=lambda topic: topic.name)
        my_topics = {topic.pk: topic.name for topic in mine}
    else:
        my_topics = dict(paper.topics.order_by("name").values_list("pk", "name"))
    if _prefetched(paper, "authorships"):
        my_authors = {a.author_id: a.author.name for a in paper.authorships.all()}
    else:
        my_authors = dict(
            paper.authorships.order_by("position").values_list("author_id", "author__name")
        )
    topics = _shared(Paper.topics.through.objects, "topic_id", my_topics, ids, using)
    authors = _shared(Authorship.objects, "author_id", my_authors, ids, using)
    return topics, authors


def _shared(links, field: str, mine: dict, ids: list[int], using: str) -> dict:
    """``{paper id: [name]}`` for the papers of ``ids`` linked to any of ``mine``
    (``{id: name}``) through ``links`` (one query; none if ``mine`` is empty)."""
    if not mine:
        return {}
    found = {}
    # By paper only (a few rows each, through the paper's index): asking for the authors
    # too lets the planner walk a prolific author's every paper instead.
    rows = links.using(using).filter(paper_id__in=ids).values_list("paper_id", field)
    for pk, key in rows:
        if key in mine:
            found.setdefault(pk, set()).add(key)
    order = list(mine)
    return {pk: [mine[key] for key in order if key in keys] for pk, keys in found.items()}


def _prefetched(paper: Paper, name: str) -> bool:
    return name in getattr(paper, "_prefetched_objects_cache", {})


def _reasons(topics: list[str], authors: list[str], terms: list[SimilarTerm]) -> list[str]:
    """Why a paper is like the other, in a few words each."""
    reasons = []
    if topics:
        label = "Shared topic: " if len(topics) == 1 else "Shared topics: "
        reasons.append(label + ", ".join(topics[:2]))
    if authors:
        label = "Same author: " if len(authors) == 1 else "Same authors: "
        reasons.append(label + ", ".join(authors[:2]))
    words = list(dict.fromkeys(term.word for term in terms))[:TERMS_SHOWN]
    if words:
        reasons.append("Terms: " + ", ".join(words))
    return reasons
