"""Full-text search over papers: one interface, two engines.

Everything that differs between PostgreSQL and SQLite lives here; callers never
branch on the database vendor.

* PostgreSQL: a ``tsvector`` column ``papers_paper.search_vector`` (english
  configuration; title weight A, authors and topic names B, abstract C) kept by a
  trigger, a GIN index on it, ``websearch_to_tsquery`` queries ranked with
  ``ts_rank``, ``ts_headline`` snippets, and trigram indexes (pg_trgm) on author
  and topic names for approximate name matches.
* SQLite: an FTS5 table ``paper_search`` over the same columns (porter stemming),
  kept in step with ``papers_paper`` by triggers, ranked with ``bm25`` column
  weights, ``snippet()`` snippets.

The query language is the same on both: words (all must match), ``"exact
phrase"``, ``-excluded``, ``or`` between two terms. ``parse_query`` reads it
once; each engine gets a translation of the same parse.

"More like this" (``similar_terms``, ``similar_candidates``, ``terms_in_papers``;
papers/similar.py ranks and explains) uses the same index: a paper's most
distinctive terms (title over topics over abstract, rare in the catalogue), then
the papers that contain any of them, ranked by the engine. PostgreSQL tells rare
terms from the planner's statistics of the search vector (``refresh_statistics``
runs ``ANALYZE``); SQLite from the FTS5 vocabulary table ``paper_search_terms``.

Authors and topics live in other tables, so each paper keeps a denormalised
``authors_text`` and ``topics_text``. ``index_papers(ids)`` refreshes them (and the
stored ``year``); the database triggers then update the index. Signals call it
for ordinary ORM writes (papers/signals.py); bulk writers call it themselves.
"""

import dataclasses
import difflib
import logging
import math
import re
import sqlite3
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import reduce
from itertools import batched
from operator import or_

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVectorField,
)
from django.db import OperationalError, connections, router, transaction
from django.db.models import Expression, F, FloatField, Q, Value
from django.db.models.expressions import Col
from django.db.models.functions import Left, Length, Replace
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

MAX_QUERY_LENGTH = 200  # characters of ``q`` that are read; the rest is dropped
MAX_TERMS = 10  # words and phrases per query
SNIPPET_WORDS = (
    40  # SQLite: tokens in the snippet; PostgreSQL: about as many words in two fragments
)
INDEX_BATCH_SIZE = 1000

# Highlight markers: private-use characters that the database puts around matches.
# Text is HTML-escaped first; only then do the markers become <mark> tags.
START, STOP, GAP = "\ue000", "\ue001", "\ue002"
LT, GT = "\ue003", "\ue004"  # stand-ins for < and > while PostgreSQL makes a headline

# PostgreSQL's english stop words: not searched for on either database, so that
# "theorem proving in isabelle" means the same everywhere.
STOP_WORDS = frozenset(
    """a about above after again against all am an and any are as at be because been
    before being below between both but by can did do does doing don down during each
    few for from further had has have having he her here hers herself him himself his
    how i if in into is it its itself just me more most my myself no nor not now of off
    on once only or other our ours ourselves out over own s same she should so some such
    t than that the their theirs them themselves then there these they this those
    through to too under until up very was we were what when where which while who whom
    why will with you your yours yourself yourselves""".split()
)

logger = logging.getLogger(__name__)
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ue000-\ue004]")
_WORD = re.compile(r"\w+")


# ---------------------------------------------------------------------------
# The query language


@dataclass(frozen=True)
class Term:
    """A word, or a phrase whose words must appear in this order."""

    words: tuple[str, ...]
    quoted: bool = False

    @property
    def is_phrase(self) -> bool:
        return self.quoted or len(self.words) > 1

    def websearch(self) -> str:
        text = " ".join(self.words)
        return f'"{text}"' if self.is_phrase else text

    def __str__(self):
        return self.websearch()


@dataclass(frozen=True)
class ParsedQuery:
    """A search as understood: AND of OR-groups of terms, minus excluded terms."""

    text: str = ""
    groups: tuple[tuple[Term, ...], ...] = ()
    excluded: tuple[Term, ...] = ()
    notices: tuple[str, ...] = field(default=(), compare=False)

    def __bool__(self) -> bool:
        return bool(self.groups)

    @property
    def has_quotes(self) -> bool:
        return any(term.quoted for group in self.groups for term in group) or any(
            term.quoted for term in self.excluded
        )

    def websearch(self) -> str:
        """The query in web-search syntax, as ``websearch_to_tsquery`` reads it."""
        parts = [" or ".join(term.websearch() for term in group) for group in self.groups]
        parts += [f"-{term.websearch()}" for term in self.excluded]
        return " ".join(parts)

    def positive(self) -> "ParsedQuery":
        """The query without its exclusions (ranking scores what was asked for)."""
        return ParsedQuery(text=self.text, groups=self.groups)

    def any_words(self) -> str:
        """Every term joined by ``or``: the loosest search with these words."""
        return " or ".join(term.websearch() for group in self.groups for term in group)

    def without_quotes(self) -> str:
        """The same words with the quotes dropped: a looser search to offer."""
        parts = [" or ".join(" ".join(term.words) for term in group) for group in self.groups]
        parts += ["-" + " -".join(term.words) for term in self.excluded]
        return " ".join(parts)

    def fts5(self) -> str:
        """The query in SQLite FTS5 syntax; every term is a quoted string."""

        def quoted(term):
            return '"' + " ".join(term.words) + '"'

        groups = []
        for group in self.groups:
            if len(group) == 1:
                groups.append(quoted(group[0]))
            else:
                groups.append("(" + " OR ".join(quoted(term) for term in group) + ")")
        query = " AND ".join(groups)
        if self.excluded:
            query = f"({query}) NOT ({' OR '.join(quoted(term) for term in self.excluded)})"
        return query

    @property
    def words(self) -> list[str]:
        """The searched words, longest first (for approximate name matching)."""
        found = {word for group in self.groups for term in group for word in term.words}
        return sorted(found, key=lambda word: (-len(word), word))


def strip_control_characters(text: str) -> str:
    return _CONTROL_CHARS.sub(" ", text)


def parse_query(text: str | None) -> ParsedQuery:
    """Read ``q``: never fails; whatever it could not use is said in ``notices``."""
    notices = []
    text = _CONTROL_CHARS.sub(" ", text or "")
    if len(text) > MAX_QUERY_LENGTH:
        text = text[:MAX_QUERY_LENGTH]
        notices.append(
            f"Searches are limited to {MAX_QUERY_LENGTH} characters; the rest was left out."
        )
    text = " ".join(text.split())
    tokens, unbalanced = _tokenize(text)
    if unbalanced:
        notices.append("A quotation mark was not closed; the phrase runs to the end of the search.")

    groups: list[list[Term]] = []
    excluded: list[Term] = []
    join_next = False
    dropped_stop_words = False
    for kind, value, negated in tokens:
        if kind == "or":
            join_next = bool(groups)
            continue
        words = tuple(word.lower() for word in _WORD.findall(value))
        if kind == "word" and len(words) == 1 and words[0] in STOP_WORDS:
            dropped_stop_words = True
            continue
        if not words:
            continue
        term = Term(words=words, quoted=kind == "phrase")
        if negated:
            excluded.append(term)
        elif join_next:
            groups[-1].append(term)
        else:
            groups.append([term])
        join_next = False

    total = sum(len(group) for group in groups) + len(excluded)
    if total > MAX_TERMS:
        notices.append(f"Only the first {MAX_TERMS} words and phrases were searched for.")
        kept, budget = [], MAX_TERMS
        for group in groups:
            if budget <= 0:
                break
            kept.append(group[:budget])
            budget -= len(kept[-1])
        groups, excluded = kept, excluded[: max(budget, 0)]
    if not groups and (excluded or dropped_stop_words):
        notices.append(
            "Add a word to search for: a search cannot only exclude words or use common "
            "words such as “the”."
        )
        excluded = []
    return ParsedQuery(
        text=text,
        groups=tuple(tuple(group) for group in groups),
        excluded=tuple(excluded),
        notices=tuple(notices),
    )


def _tokenize(text: str) -> tuple[list[tuple[str, str, bool]], bool]:
    """Split into ``(kind, value, negated)``: kind is ``word``, ``phrase`` or ``or``."""
    tokens = []
    unbalanced = False
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        negated = False
        if text[i] == "-" and i + 1 < n and not text[i + 1].isspace():
            negated = True
            i += 1
        if text[i] == '"':
            end = text.find('"', i + 1)
            if end == -1:
                unbalanced = True
                end = n
            tokens.append(("phrase", text[i + 1 : end], negated))
            i = end + 1
            continue
        start = i
        while i < n and not text[i].isspace() and text[i] != '"':
            i += 1
        value = text[start:i]
        if value.lower() == "or" and not negated:
            tokens.append(("or", value, False))
        else:
            tokens.append(("word", value, negated))
    return tokens, unbalanced


# ---------------------------------------------------------------------------
# Highlighting


def marked_html(text: str) -> SafeString:
    """HTML for text whose matches sit between START and STOP markers (GAP: " … ").

    Every piece of text is escaped; only balanced <mark> tags are added.
    """
    out = []
    open_mark = False
    for piece in re.split(f"([{START}{STOP}{GAP}])", text or ""):
        if piece == START:
            if not open_mark:
                out.append("<mark>")
                open_mark = True
        elif piece == STOP:
            if open_mark:
                out.append("</mark>")
                open_mark = False
        elif piece == GAP:
            if open_mark:
                out.append("</mark>")
                open_mark = False
            out.append(" … ")
        elif piece:
            out.append(escape(piece))
    if open_mark:
        out.append("</mark>")
    return mark_safe("".join(out))


# ---------------------------------------------------------------------------
# Engines


def _vendor(queryset_or_alias) -> str:
    alias = getattr(queryset_or_alias, "db", queryset_or_alias)
    return connections[alias].vendor


def _engine(queryset_or_alias):
    return _POSTGRES if _vendor(queryset_or_alias) == "postgresql" else _SQLITE


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


# ---------------------------------------------------------------------------
# More like this: a paper's most distinctive terms, and the papers that share them

SIMILAR_TERMS = 12  # distinctive terms a "more like this" query is built from
SIMILAR_CANDIDATES = 100  # papers it ranks by their text, at most
# What a mention of a term says, by where it is: the title says most, then the topic
# names, then the abstract. Author names are left out: shared authors count on their
# own (papers/similar.py), and a name says little about the subject.
SIMILAR_PLACE_WEIGHTS = (3.0, 2.0, 1.0)  # title, topics, abstract
SIMILAR_MENTIONS_CAP = 6.0  # a term said ten times says little more than one said six
SIMILAR_TITLE_MATCH = 1.5  # a shared term counts this much more in the other paper's title
SIMILAR_MAX_SHARE = 0.3  # a term in more than this share of the papers is not distinctive
SIMILAR_FEW_PAPERS = 10  # ... unless it is in this few papers (a small catalogue)


@dataclass(frozen=True)
class SimilarTerm:
    """A term of a paper for "more like this"."""

    lexeme: str  # as the index stores it (stemmed): what queries match
    word: str  # as the paper writes it: what readers are shown
    weight: float  # mentions weighted by place, times rarity (log inverse document share)
    share: float = 0.0  # share of the papers with the term (an estimate on PostgreSQL)
    rows: float = 0.0  # how many papers that is
    counted: bool = True  # False: rarer than the statistics tell apart (maybe in no other paper)


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
            cursor.execute("ANALYZE papers_paper")


# First halves of hyphenated words ("pre-trained", "multi-agent"): PostgreSQL indexes
# the parts of such words as terms of their own, and these say nothing on their own.
WORD_PREFIXES = frozenset(
    "anti co cross end inter intra multi non over post pre re self semi sub under well".split()
)
_PLAIN_TERM = re.compile(r"[^\W_]+")  # letters and digits only: no URL, path or compound


SIMILAR_MATCH_BUDGET = 150  # papers a "more like this" query should match (estimated)
SIMILAR_MATCH_CAP = 300  # papers it ranks at most, whatever the estimate said


def _retrieval(terms: list[SimilarTerm]) -> tuple[str, list[SimilarTerm]]:
    """How to find candidates through the index within ``SIMILAR_MATCH_BUDGET`` rows:
    ``("any", terms)``: papers with any of the terms, the rarest first while the
    estimated matches stay within budget (on a catalogue with a long tail of rare
    words, the usual case); else ``("all", terms)``: papers with all of the two or
    three rarest terms whose counts are known (common words only: every term is in
    thousands of papers)."""
    rarest = sorted(terms, key=lambda term: (term.rows, -term.weight))
    chosen, rows = [], 0.0
    for term in rarest:
        if chosen and rows + term.rows > SIMILAR_MATCH_BUDGET:
            break
        chosen.append(term)
        rows += term.rows
    if rows <= SIMILAR_MATCH_BUDGET or len(rarest) < 2:
        return "any", chosen
    counted = [term for term in rarest if term.counted] or rarest
    together = counted[:2]
    estimate = together[0].rows * together[1].share
    if estimate > SIMILAR_MATCH_BUDGET and len(counted) > 2:
        together = counted[:3]
    return "all", together


def _similarity_scores(rows, terms: list[SimilarTerm]) -> list[tuple[int, float]]:
    """``(paper id, text score)``, best first, from ``(paper id, engine rank, shared
    weight)`` rows. The score is the share of the paper's terms (by weight) that the
    other paper has, a term in the other paper's title counting ``SIMILAR_TITLE_MATCH``
    times; the engine's rank only breaks near-ties. Both engines score alike."""
    total = SIMILAR_TITLE_MATCH * sum(term.weight for term in terms) or 1.0
    top_rank = max((float(rank) for _, rank, _ in rows), default=0.0) or 1.0
    scored = [
        (pk, 0.99 * float(shared) / total + 0.01 * float(rank) / top_rank)
        for pk, rank, shared in rows
    ]
    return sorted(scored, key=lambda row: (-row[1], -row[0]))


def _heaviest(terms: list[SimilarTerm], texts: list[str], limit: int) -> list[SimilarTerm]:
    """The ``limit`` heaviest terms. A word the paper only writes inside hyphenated
    words ("zero" of "zero-shot") counts half: both engines index the parts of such a
    word as terms, and one idea should not count twice."""
    text = "\n".join(texts).lower()
    standalone = Counter(re.findall(r"(?<![\w-])\w+(?![\w-])", text))
    weighed = [
        term
        if standalone[term.word] or term.word not in text
        else dataclasses.replace(term, weight=term.weight / 2)
        for term in terms
    ]
    weighed.sort(key=lambda term: (-term.weight, term.lexeme))
    return weighed[:limit]


def _distinctive(share: float, rows: float) -> bool:
    """Whether a term in ``rows`` papers (``share`` of them) can tell papers apart: not
    in most of them (a small catalogue's terms all are: only the count matters there)."""
    return share <= SIMILAR_MAX_SHARE or rows <= SIMILAR_FEW_PAPERS


def _countable_term(lexeme: str) -> bool:
    """Whether a term can stand for a subject: a plain word of three letters or more, not
    a number, a stop word or a word prefix (and nothing a query would need to escape)."""
    return (
        len(lexeme) >= 3
        and _PLAIN_TERM.fullmatch(lexeme) is not None
        and not lexeme.isdigit()
        and lexeme not in STOP_WORDS
        and lexeme not in WORD_PREFIXES
    )


def _words_of(texts: Iterable[str]) -> Counter:
    """How often each word (and each part of a hyphenated word) appears, lower-cased."""
    counts = Counter()
    for text in texts:
        for word in re.findall(r"\w+(?:-\w+)*", (text or "").lower()):
            counts[word] += 1
            if "-" in word:
                counts.update(word.split("-"))
    return counts


def _word_for(lexeme: str, counts: Counter) -> str:
    """The paper's own word for a stemmed lexeme ("prove" -> "proving"): the lexeme if
    the paper writes it, else its most frequent word that starts with the lexeme (or
    with all of it but the last letter, for stems such as "studi"), else the lexeme."""
    if lexeme in counts:
        return lexeme
    prefixes = [lexeme] + ([lexeme[:-1]] if len(lexeme) > 4 else [])
    for prefix in prefixes:
        found = [word for word in counts if word.startswith(prefix)]
        if found:
            return min(found, key=lambda word: (-counts[word], len(word), word))
    return lexeme


class _PaperColumn(Expression):
    """A column of ``papers_paper`` that the model does not declare, aliased correctly."""

    def __init__(self, column, output_field):
        super().__init__(output_field=output_field)
        self.column = column

    def resolve_expression(
        self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False
    ):
        target = self.output_field.clone()
        target.set_attributes_from_name(self.column)
        from .models import Paper

        target.model = Paper
        return Col(query.get_initial_alias(), target)


class _PostgresEngine:
    CONFIG = "english"
    # ts_rank weights for D, C, B, A: title (A) beats authors and topics (B) beat abstract (C).
    WEIGHTS = [0.05, 0.2, 0.5, 1.0]

    def _tsquery(self, query):
        return SearchQuery(query.websearch(), search_type="websearch", config=self.CONFIG)

    def _vector(self):
        return _PaperColumn("search_vector", SearchVectorField())

    def filter(self, queryset, query):
        return queryset.alias(_search_vector=self._vector()).filter(
            _search_vector=self._tsquery(query)
        )

    def rank(self, query):
        # Normalisation 1 divides by 1 + log(length), so long abstracts do not win by volume.
        return SearchRank(
            self._vector(), self._tsquery(query.positive()), weights=self.WEIGHTS, normalization=1
        )

    def snippets(self, query, ids, using):
        from .models import Paper

        rows = (
            Paper.objects.using(using)
            .filter(pk__in=ids)
            .exclude(abstract="")
            .annotate(
                # ts_headline drops anything that looks like an HTML tag ("a<b and c>d"
                # in a formula too): hide the angle brackets from it, restore them after.
                snippet=SearchHeadline(
                    Replace(Replace("abstract", Value("<"), Value(LT)), Value(">"), Value(GT)),
                    self._tsquery(query),
                    config=self.CONFIG,
                    start_sel=START,
                    stop_sel=STOP,
                    max_words=SNIPPET_WORDS - 5,
                    min_words=SNIPPET_WORDS // 2,
                ),
                head=Left("abstract", 30),
                length=Length("abstract"),
            )
            .values_list("pk", "snippet", "head", "length")
        )
        result = {}
        for pk, snippet, head, length in rows:
            snippet = snippet.translate({ord(LT): "<", ord(GT): ">"})
            plain = re.sub(f"[{START}{STOP}{GAP}]", "", snippet)
            html = marked_html(snippet)
            if not plain.startswith(head[:20]):
                html = mark_safe("…" + html)
            if len(plain) < length - 1 and not head.endswith(plain[-20:]):
                html = mark_safe(html + "…")
            result[pk] = html
        return result

    # The paper's own text as the index reads it, without the author names.
    _OWN_VECTOR = """
        setweight(to_tsvector('pg_catalog.english', coalesce(p.title, '')), 'A') ||
        setweight(to_tsvector('pg_catalog.english', coalesce(p.topics_text, '')), 'B') ||
        setweight(to_tsvector('pg_catalog.english', coalesce(p.abstract, '')), 'C')
    """
    # ``most_common_elem_freqs`` lists the share of rows holding each common lexeme, then
    # the least and greatest of those shares and the share of empty rows. A lexeme not in
    # the list is rarer than the least common one listed: count it at half that share.
    _SIMILAR_TERMS_SQL = f"""
        WITH stats AS (
            SELECT most_common_elems::text::text[] AS elems, most_common_elem_freqs AS freqs
            FROM pg_stats
            WHERE schemaname = current_schema() AND tablename = 'papers_paper'
                AND attname = 'search_vector'
            LIMIT 1
        ), common AS (
            SELECT e.lexeme, e.share
            FROM stats, unnest(stats.elems, stats.freqs) AS e(lexeme, share)
            WHERE e.lexeme IS NOT NULL
        ), rare AS (
            SELECT coalesce(
                (SELECT freqs[cardinality(elems) + 1] FROM stats), %(unknown)s
            ) / 2 AS share
        ), own AS (
            SELECT t.lexeme, (
                SELECT sum(CASE w WHEN 'A' THEN %(title)s WHEN 'B' THEN %(topics)s
                    ELSE %(abstract)s END)
                FROM unnest(t.weights) AS w
            ) AS mentions
            FROM papers_paper p, unnest({_OWN_VECTOR}) AS t
            WHERE p.id = %(paper)s
        )
        SELECT own.lexeme, own.mentions, coalesce(common.share, rare.share) AS share,
            common.share IS NOT NULL AS counted,
            (SELECT greatest(reltuples, 1) FROM pg_class WHERE oid = 'papers_paper'::regclass)
        FROM own CROSS JOIN rare LEFT JOIN common ON common.lexeme = own.lexeme
        WHERE char_length(own.lexeme) >= 3
    """
    # The GIN index finds the papers with any of the terms (or all of the rarest:
    # ``_retrieval``), at most SIMILAR_MATCH_CAP; ``ts_rank_cd`` keeps the best
    # ``limit``; those are then scored by the weight of the terms they share (a rare term
    # of the title counts for more than a common one of the abstract).
    _SIMILAR_CANDIDATES_SQL = """
        WITH found AS MATERIALIZED (
            SELECT id, search_vector
            FROM papers_paper
            WHERE search_vector @@ %(find)s::tsquery AND status = %(status)s AND id <> %(paper)s
            LIMIT %(cap)s
        ), best AS (
            SELECT id, ts_rank_cd(%(weights)s::float4[], search_vector, %(query)s::tsquery, 1)
                AS rank
            FROM found
            ORDER BY rank DESC, id DESC
            LIMIT %(limit)s
        )
        SELECT best.id, best.rank, (
            SELECT coalesce(sum(t.weight * CASE
                WHEN p.search_vector @@ (quote_literal(t.lexeme) || ':A')::tsquery
                THEN %(title_match)s ELSE 1 END), 0)
            FROM unnest(%(lexemes)s::text[], %(term_weights)s::float8[]) AS t(lexeme, weight)
            WHERE p.search_vector @@ quote_literal(t.lexeme)::tsquery
        ) AS shared
        FROM best JOIN papers_paper p ON p.id = best.id
    """

    def similar_terms(self, paper, using, limit):
        with connections[using].cursor() as cursor:
            cursor.execute(
                self._SIMILAR_TERMS_SQL,
                {
                    "paper": paper.pk,
                    "unknown": 0.01,  # no statistics yet (never analysed): a guess
                    "title": SIMILAR_PLACE_WEIGHTS[0],
                    "topics": SIMILAR_PLACE_WEIGHTS[1],
                    "abstract": SIMILAR_PLACE_WEIGHTS[2],
                },
            )
            rows = cursor.fetchall()
        counts = _words_of([paper.title, paper.topics_text, paper.abstract])
        terms = [
            SimilarTerm(
                lexeme=lexeme,
                word=_word_for(lexeme, counts),
                weight=min(float(mentions), SIMILAR_MENTIONS_CAP) * -math.log(max(share, 1e-9)),
                share=share,
                rows=share * total,
                counted=counted,
            )
            for lexeme, mentions, share, counted, total in rows
            if _countable_term(lexeme) and _distinctive(share, share * total)
        ]
        return _heaviest(terms, [paper.title, paper.topics_text, paper.abstract], limit)

    @staticmethod
    def _tsquery_of(kind, terms) -> str:
        """A tsquery (input syntax, no stemming) for ``any`` or ``all`` of the terms."""
        return (" | " if kind == "any" else " & ").join(f"'{term.lexeme}'" for term in terms)

    def similar_candidates(self, paper, terms, using, limit):
        from .models import Paper

        with connections[using].cursor() as cursor:
            cursor.execute(
                self._SIMILAR_CANDIDATES_SQL,
                {
                    "weights": self.WEIGHTS,
                    "find": self._tsquery_of(*_retrieval(terms)),
                    "cap": SIMILAR_MATCH_CAP,
                    "query": self._tsquery_of("any", terms),
                    "status": Paper.Status.PUBLISHED,
                    "paper": paper.pk,
                    "limit": limit,
                    "lexemes": [term.lexeme for term in terms],
                    "term_weights": [term.weight for term in terms],
                    "title_match": SIMILAR_TITLE_MATCH,
                },
            )
            return _similarity_scores(cursor.fetchall(), terms)

    def terms_in_papers(self, ids, terms, using):
        by_lexeme = {term.lexeme: term for term in terms}
        with connections[using].cursor() as cursor:
            cursor.execute(
                "SELECT id, ARRAY(SELECT unnest(tsvector_to_array(search_vector)) "
                "INTERSECT SELECT unnest(%s::text[])) FROM papers_paper WHERE id = ANY(%s)",
                [list(by_lexeme), ids],
            )
            rows = cursor.fetchall()
        return {pk: [t for t in terms if t.lexeme in set(found)] for pk, found in rows}

    def similar_names(self, words, using, limit):
        from django.contrib.postgres.search import TrigramWordSimilarity

        from .models import Author, Topic

        found = {}
        for model in (Author, Topic):
            similarity = reduce(
                lambda a, b: _Greatest(a, b),
                [TrigramWordSimilarity(word, "name") for word in words],
            )
            condition = reduce(or_, [Q(name__trigram_word_similar=word) for word in words])
            found[model] = list(
                model.objects.using(using)
                .filter(condition)
                .annotate(similarity=similarity)
                .order_by("-similarity", "name")[:limit]
            )
        return {"authors": found[Author], "topics": found[Topic]}


class _Greatest(Expression):
    def __init__(self, *expressions):
        super().__init__(output_field=FloatField())
        self.expressions = expressions

    def get_source_expressions(self):
        return list(self.expressions)

    def set_source_expressions(self, exprs):
        self.expressions = exprs

    def resolve_expression(self, *args, **kwargs):
        clone = self.copy()
        clone.expressions = [e.resolve_expression(*args, **kwargs) for e in self.expressions]
        return clone

    def as_sql(self, compiler, connection):
        parts, params = [], []
        for expression in self.expressions:
            sql, sql_params = compiler.compile(expression)
            parts.append(sql)
            params.extend(sql_params)
        return f"GREATEST({', '.join(parts)})", params


class _FtsRank(Expression):
    """``-bm25`` of the paper's FTS5 row for a query: a correlated subquery."""

    output_field = FloatField()
    # bm25 column weights: title, authors, topics, abstract.
    WEIGHTS = (10.0, 4.0, 3.0, 1.0)

    def __init__(self, match, alias=None):
        super().__init__()
        self.match = match
        self.alias = alias

    def resolve_expression(self, query=None, *args, **kwargs):
        clone = self.copy()
        clone.alias = query.get_initial_alias()
        return clone

    def relabeled_clone(self, change_map):
        clone = self.copy()
        clone.alias = change_map.get(self.alias, self.alias)
        return clone

    def as_sql(self, compiler, connection):
        weights = ", ".join(str(w) for w in self.WEIGHTS)
        table = compiler.quote_name(self.alias)
        return (
            f"(SELECT -bm25(paper_search, {weights}) FROM paper_search "
            f"WHERE paper_search MATCH %s AND paper_search.rowid = {table}.id)",
            [self.match],
        )


class _SqliteEngine:
    def filter(self, queryset, query):
        from django.db.models.expressions import RawSQL

        return queryset.filter(
            pk__in=RawSQL(
                "SELECT rowid FROM paper_search WHERE paper_search MATCH %s", [query.fts5()]
            )
        )

    def rank(self, query):
        return _FtsRank(query.fts5())

    def snippets(self, query, ids, using):
        placeholders = ", ".join(["%s"] * len(ids))
        with connections[using].cursor() as cursor:
            cursor.execute(
                f"SELECT rowid, snippet(paper_search, 3, %s, %s, '…', %s) FROM paper_search "
                f"WHERE paper_search MATCH %s AND rowid IN ({placeholders})",
                [START, STOP, SNIPPET_WORDS, query.fts5(), *ids],
            )
            rows = cursor.fetchall()
        return {pk: marked_html(snippet) for pk, snippet in rows if snippet}

    # Stems whose document counts are looked up, at most (the most mentioned first).
    SIMILAR_LOOKUPS = 100

    def similar_terms(self, paper, using, limit):
        texts = [paper.title, paper.topics_text, paper.abstract]
        mentions, words = defaultdict(float), defaultdict(Counter)
        for place, pairs in zip(SIMILAR_PLACE_WEIGHTS, _INDEX_TOKENIZER.tokens(texts), strict=True):
            for word, stem in pairs:
                if _countable_term(word) and _countable_term(stem):
                    mentions[stem] += place
                    words[stem][word] += 1
        stems = sorted(mentions, key=lambda stem: (-mentions[stem], stem))[: self.SIMILAR_LOOKUPS]
        if not stems:
            return []
        placeholders = ", ".join(["%s"] * len(stems))
        with connections[using].cursor() as cursor:
            cursor.execute(
                "SELECT NULL, max(id) FROM papers_paper UNION ALL "
                f"SELECT term, doc FROM paper_search_terms WHERE term IN ({placeholders})",
                stems,
            )
            rows = cursor.fetchall()
        total = max(next((n for term, n in rows if term is None), 0) or 0, 1)
        documents = {term: n for term, n in rows if term is not None}
        terms = []
        for stem in stems:
            share = documents.get(stem, 0) / total
            if documents.get(stem, 0) <= 1 or not _distinctive(share, documents[stem]):
                continue  # in no other paper, or in too many to say anything
            terms.append(
                SimilarTerm(
                    lexeme=stem,
                    word=min(words[stem], key=lambda w: (-words[stem][w], len(w), w)),
                    weight=min(mentions[stem], SIMILAR_MENTIONS_CAP) * -math.log(share),
                    share=share,
                    rows=documents[stem],
                )
            )
        return _heaviest(terms, texts, limit)

    def similar_candidates(self, paper, terms, using, limit):
        from .models import Paper

        # The paper's own words, which the index stems back to the terms' lexemes; the
        # authors column is left out (as when choosing the terms). FTS5 finds the papers
        # with any of them (or all of the rarest: ``_retrieval``) and bm25 keeps the best
        # ``limit``; ``highlight`` then marks, in those only, the words that matched.
        def match(kind, terms):
            words = (" OR " if kind == "any" else " AND ").join(
                '"' + term.word.replace('"', '""') + '"' for term in terms
            )
            return f"{{title topics_text abstract}} : ({words})"

        weights = ", ".join(str(w) for w in _FtsRank.WEIGHTS)
        title = "highlight(paper_search, 0, %s, %s)"
        others = "highlight(paper_search, 2, %s, %s) || ' ' || highlight(paper_search, 3, %s, %s)"
        with connections[using].cursor() as cursor:
            cursor.execute(
                f"""
                WITH best AS (
                    SELECT paper_search.rowid AS id, -bm25(paper_search, {weights}) AS rank
                    FROM paper_search JOIN papers_paper p ON p.id = paper_search.rowid
                    WHERE paper_search MATCH %s AND p.status = %s AND p.id <> %s
                    ORDER BY rank DESC, paper_search.rowid DESC LIMIT %s
                )
                SELECT best.id, best.rank, {title}, {others}
                FROM best JOIN paper_search ON paper_search.rowid = best.id
                WHERE paper_search MATCH %s
                """,
                [
                    match(*_retrieval(terms)),
                    Paper.Status.PUBLISHED,
                    paper.pk,
                    limit,
                    *[START, STOP] * 3,
                    match("any", terms),
                ],
            )
            rows = cursor.fetchall()
        marked = {
            pk: [set(re.findall(f"{START}(.*?){STOP}", text or "")) for text in texts]
            for pk, _, *texts in rows
        }
        words = sorted({word for found in marked.values() for word in found[0] | found[1]})
        stem_of = {
            word: pairs[0][1]
            for word, pairs in zip(words, _INDEX_TOKENIZER.tokens(words), strict=True)
            if pairs
        }
        weight_of = {term.lexeme: term.weight for term in terms}
        shared = {}
        for pk, (in_title, elsewhere) in marked.items():
            title_stems = {stem_of.get(word) for word in in_title}
            stems = title_stems | {stem_of.get(word) for word in elsewhere}
            shared[pk] = sum(
                weight_of.get(stem, 0) * (SIMILAR_TITLE_MATCH if stem in title_stems else 1)
                for stem in stems
            )
        return _similarity_scores([(pk, rank, shared[pk]) for pk, rank, *_ in rows], terms)

    def terms_in_papers(self, ids, terms, using):
        from .models import Paper

        rows = list(
            Paper.objects.using(using)
            .filter(pk__in=ids)
            .values_list("pk", "title", "topics_text", "abstract")
        )
        tokens = _INDEX_TOKENIZER.tokens(["\n".join(texts) for _, *texts in rows])
        found = {}
        for (pk, *_), pairs in zip(rows, tokens, strict=True):
            stems = {stem for _, stem in pairs}
            found[pk] = [term for term in terms if term.lexeme in stems]
        return found

    def similar_names(self, words, using, limit):
        """Without trigrams: names sharing a word's first three letters, scored by difflib."""
        from .models import Author, Topic

        found = {}
        for model in (Author, Topic):
            prefixes = reduce(
                or_,
                [Q(name__istartswith=w[:3]) | Q(name__icontains=" " + w[:3]) for w in words],
            )
            scored = []
            for obj in model.objects.using(using).filter(prefixes).order_by("pk")[:2000]:
                tokens = [t.lower() for t in _WORD.findall(obj.name)]
                score = max(
                    difflib.SequenceMatcher(None, word, token).ratio()
                    for word in words
                    for token in tokens or [""]
                )
                if score >= 0.8:
                    obj.similarity = score
                    scored.append(obj)
            scored.sort(key=lambda obj: (-obj.similarity, obj.name))
            found[model] = scored[:limit]
        return {"authors": found[Author], "topics": found[Topic]}


class _IndexTokenizer:
    """The FTS5 index's own tokenizer, run on a private in-memory SQLite database (one
    per thread): the words of texts with the stems the index stores for them. It never
    touches the catalogue's database, so it costs no query."""

    TOKENIZE = "porter unicode61 remove_diacritics 2"  # as ``paper_search`` (SQLITE_SCHEMA)

    def __init__(self):
        self.local = threading.local()

    def _connection(self):
        connection = getattr(self.local, "connection", None)
        if connection is None:
            connection = sqlite3.connect(":memory:", isolation_level=None)
            connection.executescript(
                f"""
                CREATE VIRTUAL TABLE stems USING fts5(text, tokenize='{self.TOKENIZE}');
                CREATE VIRTUAL TABLE words USING fts5(
                    text, tokenize='unicode61 remove_diacritics 2'
                );
                CREATE VIRTUAL TABLE stem_tokens USING fts5vocab(stems, instance);
                CREATE VIRTUAL TABLE word_tokens USING fts5vocab(words, instance);
                """
            )
            self.local.connection = connection
        return connection

    def tokens(self, texts: list[str]) -> list[list[tuple[str, str]]]:
        """For each text, its ``(word, stem)`` pairs in order (words lower-cased)."""
        connection = self._connection()
        rows = [(n, text or "") for n, text in enumerate(texts, 1)]
        try:
            connection.executemany("INSERT INTO stems(rowid, text) VALUES (?, ?)", rows)
            connection.executemany("INSERT INTO words(rowid, text) VALUES (?, ?)", rows)
            stems = {
                (doc, offset): term
                for term, doc, offset in connection.execute(
                    "SELECT term, doc, offset FROM stem_tokens"
                )
            }
            words = connection.execute("SELECT term, doc, offset FROM word_tokens").fetchall()
        finally:
            connection.execute("DELETE FROM stems")
            connection.execute("DELETE FROM words")
        result = [[] for _ in texts]
        for word, doc, offset in sorted(words, key=lambda row: (row[1], row[2])):
            result[doc - 1].append((word, stems.get((doc, offset), word)))
        return result


_INDEX_TOKENIZER = _IndexTokenizer()


_POSTGRES = _PostgresEngine()
_SQLITE = _SqliteEngine()


# ---------------------------------------------------------------------------
# Time limits


class TimeLimit:
    """Run queries with a time limit each; a query over the limit returns ``None``.

    PostgreSQL: the queries run in a block of their own (a transaction, or a
    savepoint inside one) with ``SET LOCAL statement_timeout``. The block only
    reads and is always rolled back at the end, which also ends the time limit:
    no statement has to reset it, and no connection (persistent, or behind a
    pooler) keeps it. A cancelled query spoils the block, so the block is then
    rolled back and a fresh one opened for the queries that follow (no
    savepoint per query: the usual path costs one statement in all).
    Results must be fetched inside ``run`` (lists, not lazy querysets).
    SQLite: a progress handler that interrupts a statement past its deadline.
    """

    def __init__(self, using: str, milliseconds: int, *, budget_ms: int | None = None):
        """``milliseconds`` for each query; after ``budget_ms`` in all, skip the rest."""
        self.using = using
        self.connection = connections[using]
        self.milliseconds = max(int(milliseconds), 1)
        self.budget = (budget_ms if budget_ms is not None else 2 * self.milliseconds) / 1000
        self.started = time.monotonic()
        self.block = None
        self.deadline = 0.0
        self.timed_out: list[str] = []

    @property
    def _postgres(self):
        return self.connection.vendor == "postgresql"

    def __enter__(self):
        self.started = time.monotonic()
        self.connection.ensure_connection()
        if self._postgres:
            self._open_block()
        elif self.connection.vendor == "sqlite":
            self.connection.connection.set_progress_handler(self._past_deadline, 1000)
        return self

    def __exit__(self, exc_type, exc, tb):
        if self._postgres:
            self._close_block(exc_type, exc, tb)
        elif self.connection.vendor == "sqlite" and self.connection.connection:
            self.connection.connection.set_progress_handler(None, 0)
        return False

    def _open_block(self):
        self.block = transaction.atomic(using=self.using)
        self.block.__enter__()
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('statement_timeout', %s, true)", [f"{self.milliseconds}ms"]
            )

    def _close_block(self, exc_type=None, exc=None, tb=None):
        transaction.set_rollback(True, using=self.using)
        self.block.__exit__(exc_type, exc, tb)

    def _past_deadline(self):
        return 1 if time.monotonic() > self.deadline else 0

    def run(self, name, function):
        now = time.monotonic()
        if now - self.started > self.budget:
            self.timed_out.append(name)
            return None
        self.deadline = now + self.milliseconds / 1000
        try:
            return function()
        except OperationalError as error:
            logger.warning("query %s gave up after %s ms: %s", name, self.milliseconds, error)
            self.timed_out.append(name)
            if self._postgres:  # the block's transaction is aborted: start a new one
                self._close_block()
                self._open_block()
            return None


# ---------------------------------------------------------------------------
# The index: schema, refresh, rebuild

_POSTGRES_VECTOR = """
    setweight(to_tsvector('pg_catalog.english', coalesce({row}.title, '')), 'A') ||
    setweight(to_tsvector('pg_catalog.english', coalesce({row}.authors_text, '')), 'B') ||
    setweight(to_tsvector('pg_catalog.english', coalesce({row}.topics_text, '')), 'B') ||
    setweight(to_tsvector('pg_catalog.english', coalesce({row}.abstract, '')), 'C')
"""

POSTGRES_SCHEMA = [
    "ALTER TABLE papers_paper ADD COLUMN IF NOT EXISTS search_vector tsvector",
    f"""
    CREATE OR REPLACE FUNCTION papers_paper_search_vector_update() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        NEW.search_vector := {_POSTGRES_VECTOR.format(row="NEW")};
        RETURN NEW;
    END
    $$
    """,
    "DROP TRIGGER IF EXISTS papers_paper_search_vector ON papers_paper",
    """
    CREATE TRIGGER papers_paper_search_vector
    BEFORE INSERT OR UPDATE OF title, abstract, authors_text, topics_text ON papers_paper
    FOR EACH ROW EXECUTE FUNCTION papers_paper_search_vector_update()
    """,
    # fastupdate off: no pending list for searches to scan after a bulk import, so the
    # planner keeps choosing the index and latency stays even (inserts pay instead).
    "CREATE INDEX IF NOT EXISTS paper_search_vector_idx ON papers_paper "
    "USING gin (search_vector) WITH (fastupdate = off)",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS author_name_trgm_idx ON papers_author "
    "USING gin (name gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS topic_name_trgm_idx ON papers_topic USING gin (name gin_trgm_ops)",
]

POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS papers_paper_search_vector ON papers_paper",
    "DROP FUNCTION IF EXISTS papers_paper_search_vector_update()",
    "DROP INDEX IF EXISTS paper_search_vector_idx",
    "DROP INDEX IF EXISTS author_name_trgm_idx",
    "DROP INDEX IF EXISTS topic_name_trgm_idx",
    "ALTER TABLE papers_paper DROP COLUMN IF EXISTS search_vector",
]

_FTS_COLUMNS = "title, authors_text, topics_text, abstract"
_FTS_NEW = "new.id, new.title, new.authors_text, new.topics_text, new.abstract"
_FTS_OLD = "'delete', old.id, old.title, old.authors_text, old.topics_text, old.abstract"
SQLITE_TRIGGERS = {
    "paper_search_insert": f"""
        CREATE TRIGGER IF NOT EXISTS paper_search_insert AFTER INSERT ON papers_paper BEGIN
            INSERT INTO paper_search(rowid, {_FTS_COLUMNS}) VALUES ({_FTS_NEW});
        END""",
    "paper_search_delete": f"""
        CREATE TRIGGER IF NOT EXISTS paper_search_delete AFTER DELETE ON papers_paper BEGIN
            INSERT INTO paper_search(paper_search, rowid, {_FTS_COLUMNS}) VALUES ({_FTS_OLD});
        END""",
    "paper_search_update": f"""
        CREATE TRIGGER IF NOT EXISTS paper_search_update
        AFTER UPDATE OF {_FTS_COLUMNS} ON papers_paper BEGIN
            INSERT INTO paper_search(paper_search, rowid, {_FTS_COLUMNS}) VALUES ({_FTS_OLD});
            INSERT INTO paper_search(rowid, {_FTS_COLUMNS}) VALUES ({_FTS_NEW});
        END""",
}
SQLITE_SCHEMA = [
    f"""
    CREATE VIRTUAL TABLE IF NOT EXISTS paper_search USING fts5(
        {_FTS_COLUMNS},
        content='papers_paper', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2'
    )
    """,
    *SQLITE_TRIGGERS.values(),
    # Papers per term (read by "more like this" to tell distinctive terms from common ones).
    "CREATE VIRTUAL TABLE IF NOT EXISTS paper_search_terms USING fts5vocab(paper_search, row)",
]
SQLITE_DROP = [
    *(f"DROP TRIGGER IF EXISTS {name}" for name in SQLITE_TRIGGERS),
    "DROP TABLE IF EXISTS paper_search_terms",
    "DROP TABLE IF EXISTS paper_search",
]


def install_schema(connection) -> None:
    """Create (or repair) the search index's tables, triggers and indexes. Idempotent."""
    statements = POSTGRES_SCHEMA if connection.vendor == "postgresql" else SQLITE_SCHEMA
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and connection.in_atomic_block:
            # ALTER TABLE refuses to run while deferred foreign-key checks are pending.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for statement in statements:
            cursor.execute(statement)


def drop_schema(connection) -> None:
    statements = POSTGRES_DROP if connection.vendor == "postgresql" else SQLITE_DROP
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def schema_is_complete(connection) -> bool:
    """Whether the triggers that keep the index in step exist (SQLite loses them when
    Django rebuilds the papers table during a migration)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT count(*) FROM pg_trigger WHERE tgname = 'papers_paper_search_vector'"
            )
            return cursor.fetchone()[0] == 1
        cursor.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name IN (%s, %s, %s)",
            list(SQLITE_TRIGGERS),
        )
        return cursor.fetchone()[0] == len(SQLITE_TRIGGERS)


def _search_text(paper_ids, using):
    from .models import Authorship, Paper

    authors = defaultdict(list)
    for paper_id, name in (
        Authorship.objects.using(using)
        .filter(paper_id__in=paper_ids)
        .order_by("paper_id", "position")
        .values_list("paper_id", "author__name")
    ):
        authors[paper_id].append(name)
    topics = defaultdict(list)
    for paper_id, name in (
        Paper.topics.through.objects.using(using)
        .filter(paper_id__in=paper_ids)
        .order_by("paper_id", "topic__name")
        .values_list("paper_id", "topic__name")
    ):
        topics[paper_id].append(name)
    return authors, topics


def index_papers(paper_ids: Iterable[int], *, using: str | None = None) -> int:
    """Bring the search index up to date for these papers; returns how many changed.

    Call it after writing authors, topics or dates in bulk (``bulk_create``,
    ``QuerySet.update``, raw SQL): it refreshes each paper's denormalised
    ``authors_text``, ``topics_text`` and ``year``, and the database triggers
    re-index the rows that changed. Ordinary ORM saves do this on their own.
    Unknown ids are ignored. Three queries per 1,000 papers, plus the update.
    """
    from .models import Paper

    using = using or router.db_for_write(Paper)
    changed_total = 0
    for batch in batched(sorted(set(paper_ids)), INDEX_BATCH_SIZE):
        authors, topics = _search_text(batch, using)
        changed = []
        for paper in (
            Paper.objects.using(using)
            .filter(pk__in=batch)
            .only("pk", "authors_text", "topics_text", "year", "published", "arxiv_id")
        ):
            fresh = (
                ", ".join(authors.get(paper.pk, [])),
                ", ".join(topics.get(paper.pk, [])),
                paper.derive_year(),
            )
            if fresh != (paper.authors_text, paper.topics_text, paper.year):
                paper.authors_text, paper.topics_text, paper.year = fresh
                changed.append(paper)
        if changed:
            from .services import objects_update  # (services imports this module)

            with transaction.atomic(using=using):
                objects_update(Paper, changed, ["authors_text", "topics_text", "year"], using=using)
        changed_total += len(changed)
    return changed_total


def rebuild_index(*, using: str = "default", batch_size: int = 5000) -> dict:
    """Repair the schema, refresh every paper's search text and re-index every row."""
    from .models import Paper

    connection = connections[using]
    install_schema(connection)
    ids = list(Paper.objects.using(using).order_by("pk").values_list("pk", flat=True))
    refreshed = index_papers(ids, using=using)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for batch in batched(ids, batch_size):
                cursor.execute(
                    "UPDATE papers_paper SET title = title WHERE id >= %s AND id <= %s",
                    [batch[0], batch[-1]],
                )
        else:
            cursor.execute("INSERT INTO paper_search(paper_search) VALUES ('rebuild')")
    return {"papers": len(ids), "search text refreshed": refreshed}


class IndexDuringBulkLoad:
    """Keep indexing rows while a bulk loader skips ordinary triggers.

    On PostgreSQL, bulk loaders may set ``session_replication_role = replica`` to
    skip foreign-key checks; that also skips the search trigger unless it is
    marked ALWAYS for the duration. SQLite's triggers always fire: nothing to do.
    """

    def __init__(self, connection):
        self.connection = connection

    def __enter__(self):
        if self.connection.vendor == "postgresql":
            with self.connection.cursor() as cursor:
                cursor.execute(
                    "ALTER TABLE papers_paper ENABLE ALWAYS TRIGGER papers_paper_search_vector"
                )
        return self

    def __exit__(self, *exc_info):
        if self.connection.vendor == "postgresql":
            with self.connection.cursor() as cursor:
                cursor.execute("ALTER TABLE papers_paper ENABLE TRIGGER papers_paper_search_vector")
        return False


def ensure_schema(using: str = "default") -> bool:
    """Reinstall the index and rebuild it if its triggers are missing; True if it did."""
    connection = connections[using]
    if schema_is_complete(connection):
        return False
    rebuild_index(using=using)
    return True


__all__ = [
    "MAX_QUERY_LENGTH",
    "IndexDuringBulkLoad",
    "ParsedQuery",
    "SimilarTerm",
    "filter_matching",
    "index_papers",
    "marked_html",
    "parse_query",
    "rebuild_index",
    "refresh_statistics",
    "similar_candidates",
    "similar_names",
    "similar_terms",
    "snippets",
    "terms_in_papers",
    "with_rank",
]

# Kept for the ordering of relevance results.
RELEVANCE_ORDER = (F("search_rank").desc(), "-upvote_count", "-id")
