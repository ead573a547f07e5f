"""Full-text search over papers: one interface, an engine per database.

Callers use the functions here and never branch on the database vendor; each
engine translates the same parsed query (papers/search/query.py):

* PostgreSQL (``postgres.py``): a ``tsvector`` column ``core_paper.search_vector``
  (english configuration; title weight A, authors and topic names B, abstract C)
  kept by a trigger, a GIN index on it, ``websearch_to_tsquery`` queries ranked
  with ``ts_rank``, ``ts_headline`` snippets, and trigram indexes (pg_trgm) on
  author and topic names for approximate name matches.
* SQLite (``sqlite.py``): an FTS5 table ``paper_search`` over the same columns
  (porter stemming), kept in step with ``core_paper`` by triggers, ranked with
  ``bm25`` column weights, ``snippet()`` snippets.

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
