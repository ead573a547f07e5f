"""The SQLite engine: an FTS5 table ``paper_search`` (porter stemming) ranked with
``bm25`` column weights, ``snippet()`` snippets, approximate names by prefix and
difflib, and "more like this" terms counted exactly in the FTS5 vocabulary table."""

import difflib
import math
import re
import sqlite3
import threading
from collections import Counter, defaultdict
from functools import reduce
from operator import or_

from django.db import connections
from django.db.models import Expression, FloatField, Q
from django.db.models.expressions import RawSQL

from papers.core.models import Author, Paper, Topic

from ..highlight import SNIPPET_WORDS, START, STOP, marked_html
from ..query import WORD
from ..terms import (
    SIMILAR_MENTIONS_CAP,
    SIMILAR_PLACE_WEIGHTS,
    SIMILAR_TITLE_MATCH,
    SimilarTerm,
    countable_term,
    distinctive,
    heaviest,
    retrieval,
    similarity_scores,
)


class _FtsRank(Expression):
    """The relevance of the paper's FTS5 row to a query (higher is better): correlated
    subqueries on ``paper_search``, each a lookup of one row.

    * 1 shared by the query's phrases (``ParsedQuery.phrases()``: those quoted and the
      words typed side by side) found side by side in a column, and 1 more shared by
      those found in the title;
    * plus ``-bm25`` with column weights, scaled to below 1 (``b / (1 + b)``), so it
      orders papers within a tier.
    """

    output_field = FloatField()
    # bm25 column weights: title, authors, topics, abstract.
    WEIGHTS = (10.0, 4.0, 3.0, 1.0)

    def __init__(self, match, phrases=(), alias=None):
        super().__init__()
        self.match = match
        self.phrases = tuple(phrases)
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
        row = f"paper_search.rowid = {compiler.quote_name(self.alias)}.id"
        parts = [
            f"(SELECT b / (1 + b) FROM (SELECT -bm25(paper_search, {weights}) AS b "
            f"FROM paper_search WHERE paper_search MATCH %s AND {row}))"
        ]
        params = [self.match]
        found = f"EXISTS (SELECT 1 FROM paper_search WHERE paper_search MATCH %s AND {row})"
        for words in self.phrases:
            phrase = '"' + " ".join(words) + '"'
            parts.append(
                f"(CASE WHEN {found} THEN 1 + {found} ELSE 0 END) * 1.0 / {len(self.phrases)}"
            )
            params += [phrase, f"title : {phrase}"]
        return "(" + " + ".join(parts) + ")", params


class SqliteEngine:
    def filter(self, queryset, query):
        return queryset.filter(
            pk__in=RawSQL(
                "SELECT rowid FROM paper_search WHERE paper_search MATCH %s", [query.fts5()]
            )
        )

    def rank(self, query):
        return _FtsRank(query.fts5(), query.phrases())

    def candidates(self, queryset, limit):
        """The ids of the ``limit`` most upvoted papers of ``queryset``."""
        return queryset.order_by("-upvote_count", "-id").values("pk")[:limit]

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
                if countable_term(word) and countable_term(stem):
                    mentions[stem] += place
                    words[stem][word] += 1
        stems = sorted(mentions, key=lambda stem: (-mentions[stem], stem))[: self.SIMILAR_LOOKUPS]
        if not stems:
            return []
        placeholders = ", ".join(["%s"] * len(stems))
        with connections[using].cursor() as cursor:
            cursor.execute(
                "SELECT NULL, max(id) FROM core_paper UNION ALL "
                f"SELECT term, doc FROM paper_search_terms WHERE term IN ({placeholders})",
                stems,
            )
            rows = cursor.fetchall()
        total = max(next((n for term, n in rows if term is None), 0) or 0, 1)
        documents = {term: n for term, n in rows if term is not None}
        terms = []
        for stem in stems:
            share = documents.get(stem, 0) / total
            if documents.get(stem, 0) <= 1 or not distinctive(share, documents[stem]):
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
        return heaviest(terms, texts, limit)

    def similar_candidates(self, paper, terms, using, limit):

        # The paper's own words, which the index stems back to the terms' lexemes; the
        # authors column is left out (as when choosing the terms). FTS5 finds the papers
        # with any of them (or all of the rarest: ``retrieval``) and bm25 keeps the best
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
                    FROM paper_search JOIN core_paper p ON p.id = paper_search.rowid
                    WHERE paper_search MATCH %s AND p.status = %s AND p.id <> %s
                    ORDER BY rank DESC, paper_search.rowid DESC LIMIT %s
                )
                SELECT best.id, best.rank, {title}, {others}
                FROM best JOIN paper_search ON paper_search.rowid = best.id
                WHERE paper_search MATCH %s
                """,
                [
                    match(*retrieval(terms)),
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
        return similarity_scores([(pk, rank, shared[pk]) for pk, rank, *_ in rows], terms)

    def terms_in_papers(self, ids, terms, using):

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

        found = {}
        for model in (Author, Topic):
            prefixes = reduce(
                or_,
                [Q(name__istartswith=w[:3]) | Q(name__icontains=" " + w[:3]) for w in words],
            )
            scored = []
            for obj in _public(model.objects.using(using)).filter(prefixes).order_by("pk")[:2000]:
                tokens = [t.lower() for t in WORD.findall(obj.name)]
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


def _public(queryset):
    """Authors of published papers only: names a visitor may be shown."""
    return queryset.public() if queryset.model is Author else queryset
