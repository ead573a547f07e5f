"""Full-text search over papers: one interface, an engine per database.

Callers use the functions here and never branch on the database vendor; each
engine translates the same parsed query (papers/search/query.py):

* PostgreSQL (``postgres.py``): a ``tsvector`` column ``core_paper.search_vector``
  (english configuration; title weight A, authors and topic names B, abstract C)
  kept by a trigger, a GIN index on it, ``websearch_to_tsquery`` queries ranked
  with ``ts_rank_cd``, ``ts_headline`` snippets, and trigram indexes (pg_trgm) on
  author and topic names for approximate name matches.
* SQLite (``sqlite.py``): an FTS5 table ``paper_search`` over the same columns
  (porter stemming), kept in step with ``core_paper`` by triggers, ranked with
  ``bm25`` column weights, ``snippet()`` snippets.

Both rank phrases first (the query's phrases side by side, in the title above
elsewhere), then by the text rank; ``ranked`` scores at most ``RANK_CANDIDATES``
matches (docs/search.md, "Ranking").

The index's tables, triggers and rebuild are in papers/search/schema.py.

"More like this" (``similar_terms``, ``similar_candidates``, ``terms_in_papers``;
papers/search/similar.py ranks and explains) uses the same index: a paper's most
distinctive terms (papers/search/terms.py), then the papers that contain any of
them, ranked by the engine. PostgreSQL tells rare terms from the planner's
statistics of the search vector (``refresh_statistics`` runs ``ANALYZE``);
SQLite from the FTS5 vocabulary table ``paper_search_terms``.
"""

from collections.abc import Iterable

from django.db import connections
from django.db.models import F

from ..query import ParsedQuery
from ..terms import SIMILAR_CANDIDATES, SIMILAR_TERMS, SimilarTerm
from .postgres import PostgresEngine
from .sqlite import SqliteEngine

POSTGRES = PostgresEngine()
SQLITE = SqliteEngine()

# The order of results by relevance (``with_rank`` annotates ``search_rank``).
RELEVANCE_ORDER = (F("search_rank").desc(), "-upvote_count", "-id")
# The order that picks the papers to rank when too many match (an index on both
# databases: ``paper_top_idx``), and the order of the matches after them.
CANDIDATE_ORDER = ("-upvote_count", "-id")
# At most this many matches are scored: enough for every match of a narrow search
# (ranked exactly as if there were no bound) and for the first pages of a broad one.
RANK_CANDIDATES = 1000


def _vendor(queryset_or_alias) -> str:
    alias = getattr(queryset_or_alias, "db", queryset_or_alias)
    return connections[alias].vendor


def _engine(queryset_or_alias):
    return POSTGRES if _vendor(queryset_or_alias) == "postgresql" else SQLITE


def filter_matching(queryset, query: ParsedQuery):
    """Papers of ``queryset`` that match ``query``; none if it has nothing to look for."""
    if not query:
        return queryset.none()
    return _engine(queryset).filter(queryset, query)


def with_rank(queryset, query: ParsedQuery):
    """``queryset`` annotated with ``search_rank`` (higher is better)."""
    return queryset.annotate(search_rank=_engine(queryset).rank(query))


def ranked(queryset, query: ParsedQuery, *, total: int, listing=None):
    """The papers of ``queryset`` (the matches of ``query``, ``total`` of them) best
    first, each with ``search_rank``: a query set, or when more than
    ``RANK_CANDIDATES`` match a ``BoundedRanking`` (sliced like one). ``listing``
    adds what the page reads with the papers (``select_related``...).

    Scoring every match of a broad search ("learning" in most of a million papers)
    would read every match; instead the ``RANK_CANDIDATES`` most upvoted matches
    (``candidates``: an index gives them) are scored and come first, best first, then
    the other matches most upvoted first. With ``total`` at most the bound, every
    match is scored: the same order as without one.
    """
    listing = listing or (lambda papers: papers)
    if total <= RANK_CANDIDATES:
        return listing(with_rank(queryset, query).order_by(*RELEVANCE_ORDER))
    candidates = _engine(queryset).candidates(queryset, RANK_CANDIDATES)
    # The candidates are matches already: the papers are read by id, not searched again.
    scored = queryset.model._default_manager.using(queryset.db).filter(pk__in=candidates)
    return BoundedRanking(
        listing(with_rank(scored, query).order_by(*RELEVANCE_ORDER)),
        listing(queryset.order_by(*CANDIDATE_ORDER)),
        RANK_CANDIDATES,
    )


class BoundedRanking:
    """Relevance order over many matches: ``scored`` (the first ``bound`` matches of
    ``rest``, best first), then ``rest`` from its ``bound``-th paper on. Sliced as a
    query set is (a paginator's object list): each slice is one query, or two when it
    spans both parts."""

    def __init__(self, scored, rest, bound):
        self.scored, self.rest, self.bound = scored, rest, bound

    @property
    def db(self):
        return self.scored.db

    def __getitem__(self, index):
        if not isinstance(index, slice) or index.step not in (None, 1):
            raise TypeError("BoundedRanking supports only slices")
        start, stop = index.start or 0, index.stop
        if stop is None:
            raise TypeError("BoundedRanking needs the end of the slice")
        if stop <= self.bound:
            return self.scored[start:stop]
        if start >= self.bound:
            return self.rest[start:stop]
        return _Joined(self.scored[start : self.bound], self.rest[self.bound : stop])


class _Joined:
    """Two query sets one after the other, read when first iterated."""

    def __init__(self, first, second):
        self.parts, self.papers = (first, second), None

    def _load(self):
        if self.papers is None:
            self.papers = [paper for part in self.parts for paper in part]
        return self.papers

    def __iter__(self):
        return iter(self._load())

    def __len__(self):
        return len(self._load())

    def __getitem__(self, index):
        return self._load()[index]


def snippets(query: ParsedQuery, paper_ids: Iterable[int], *, using="default") -> dict:
    """``{paper id: safe HTML}``: a piece of each abstract with the matches in <mark>.

    One query for all the ids; papers with no abstract get no snippet.
    """
    ids = list(paper_ids)
    if not ids or not query:
        return {}
    return _engine(using).snippets(query, ids, using)


def similar_names(query: ParsedQuery, *, using="default", limit=5) -> dict:
    """Authors and topics whose names approximately match a searched word.

    ``{"authors": [Author], "topics": [Topic]}``; at most one query per kind, bounded.
    """
    words = [word for word in query.words if len(word) >= 4 and not word.isdigit()][:4]
    if not words:
        return {"authors": [], "topics": []}
    return _engine(using).similar_names(words, using, limit)


def similar_terms(paper, *, using="default", limit=SIMILAR_TERMS) -> list[SimilarTerm]:
    """The terms that say most about ``paper``, heaviest first: said in its title,
    topics and abstract, and rare in the catalogue. One query.

    PostgreSQL: the paper's own lexemes (its text through the index's configuration),
    their rarity read from the planner's statistics of the search vector
    (``pg_stats.most_common_elems``: a term missing from that list is rare). SQLite:
    the index's own tokenizer on the paper's text, and exact document counts from the
    FTS5 vocabulary table.
    """
    return _engine(using).similar_terms(paper, using, limit)


def similar_candidates(
    paper, terms: list[SimilarTerm], *, using="default", limit=SIMILAR_CANDIDATES
) -> list[tuple[int, float]]:
    """``(paper id, text rank)`` for published papers other than ``paper`` that contain
    any of ``terms``, best first, at most ``limit``: one query through the full-text
    index (PostgreSQL: the GIN index, ``ts_rank_cd``; SQLite: FTS5, ``bm25``)."""
    if not terms:
        return []
    return _engine(using).similar_candidates(paper, terms, using, limit)


def terms_in_papers(
    paper_ids: Iterable[int], terms: list[SimilarTerm], *, using="default"
) -> dict[int, list[SimilarTerm]]:
    """Which of ``terms`` each paper contains, in the order of ``terms``. One query."""
    ids = list(paper_ids)
    if not ids or not terms:
        return {}
    return _engine(using).terms_in_papers(ids, terms, using)


def refresh_statistics(*, using="default") -> None:
    """Bring the planner's statistics of the papers up to date (PostgreSQL ``ANALYZE``):
    "more like this" reads how rare a term is from them. Nothing to do on SQLite, whose
    FTS5 index counts the papers of each term exactly. Bulk loaders call it at the end."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE core_paper")
