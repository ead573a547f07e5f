"""The PostgreSQL engine: a weighted ``tsvector`` column with a GIN index, ranked
``websearch_to_tsquery`` matches, ``ts_headline`` snippets, trigram name matches, and
"more like this" terms whose rarity comes from the planner's statistics."""

import json
import math
import re
from functools import reduce
from operator import or_

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchVectorField,
    TrigramWordSimilarity,
)
from django.db import connections
from django.db.models import BooleanField, Expression, F, FloatField, Q, Value
from django.db.models.expressions import Col
from django.db.models.functions import Left, Length, Replace
from django.utils.safestring import mark_safe

from papers.core.models import Author, Paper, Topic

from ..highlight import GAP, GT, LT, SNIPPET_WORDS, START, STOP, marked_html
from ..terms import (
    SIMILAR_MATCH_CAP,
    SIMILAR_MENTIONS_CAP,
    SIMILAR_PLACE_WEIGHTS,
    SIMILAR_TITLE_MATCH,
    SimilarTerm,
    countable_term,
    distinctive,
    heaviest,
    retrieval,
    similarity_scores,
    word_for,
    words_of,
)


class _PaperColumn(Expression):
    """A column of ``core_paper`` that the model does not declare, aliased correctly."""

    def __init__(self, column, output_field):
        super().__init__(output_field=output_field)
        self.column = column

    def resolve_expression(
        self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False
    ):
        target = self.output_field.clone()
        target.set_attributes_from_name(self.column)

        target.model = Paper
        return Col(query.get_initial_alias(), target)


class _VectorSQL(Expression):
    """SQL over the paper's ``search_vector`` (written ``{vector}`` in ``template``)."""

    def __init__(self, template, params, output_field):
        super().__init__(output_field=output_field)
        self.template, self.params = template, list(params)
        self.vector = _PaperColumn("search_vector", SearchVectorField())

    def get_source_expressions(self):
        return [self.vector]

    def set_source_expressions(self, exprs):
        (self.vector,) = exprs

    def as_sql(self, compiler, connection):
        vector, _ = compiler.compile(self.vector)
        return self.template.replace("{vector}", vector), self.params


class PostgresEngine:
    CONFIG = "english"
    # ts_rank weights for D, C, B, A: title (A) beats authors and topics (B) beat abstract (C).
    WEIGHTS = [0.05, 0.2, 0.5, 1.0]
    # The index's fields (tsvector weights): title, authors and topics, abstract.
    FIELDS = ("A", "B", "C")
    # Label every lexeme of a phrase's tsquery (text form) with a weight: 'a' <-> 'b'
    # becomes 'a':X <-> 'b':X. Searched words are \w+ runs: their lexemes have no quote.
    _LABEL = (
        "regexp_replace(phraseto_tsquery('english', %s)::text, "
        r"""'''(\s|$)', ''':{}\1', 'g')"""
    )

    def _tsquery(self, query):
        return SearchQuery(query.websearch(), search_type="websearch", config=self.CONFIG)

    def _vector(self):
        return _PaperColumn("search_vector", SearchVectorField())

    def _phrase_sql(self, words, fields=FIELDS, *, prefixes=False) -> tuple[str, list]:
        """A tsquery for ``words`` side by side inside one of ``fields``: a phrase must not
        run from the end of the title into the abstract, as it cannot on SQLite.

        ``prefixes``: each word may also begin a hyphenated word. The english parser
        gives "model-based" a position of its own before "model" and "based", so
        "language model-based" has no 'languag' <-> 'model' but has 'languag' <-> 'model':*
        (ranking uses this; a quoted phrase keeps to the words)."""
        label = "*{}" if prefixes else "{}"
        parts = [self._LABEL.format(label.format(field)) + "::tsquery" for field in fields]
        return "(" + " || ".join(parts) + ")", [" ".join(words)] * len(fields)

    def _term_sql(self, term) -> tuple[str, list]:
        if len(term.words) == 1:
            return f"plainto_tsquery('{self.CONFIG}', %s)", [term.words[0]]
        return self._phrase_sql(term.words)

    def _query_sql(self, query) -> tuple[str, list]:
        """The tsquery of ``query``: ``websearch_to_tsquery`` of it, or when it has a
        phrase the same built term by term with each phrase kept inside one field."""
        terms = [term for group in query.groups for term in group] + list(query.excluded)
        if not any(len(term.words) > 1 for term in terms):
            return f"websearch_to_tsquery('{self.CONFIG}', %s)", [query.websearch()]
        parts, params = [], []
        for group in query.groups:
            sqls = []
            for term in group:
                sql, term_params = self._term_sql(term)
                sqls.append(sql)
                params += term_params
            parts.append("(" + " || ".join(sqls) + ")")
        for term in query.excluded:
            sql, term_params = self._term_sql(term)
            parts.append(f"!!{sql}")
            params += term_params
        return "(" + " && ".join(parts) + ")", params

    def filter(self, queryset, query):
        sql, params = self._query_sql(query)
        return queryset.filter(_VectorSQL("{vector} @@ " + sql, params, BooleanField()))

    def rank(self, query):
        """Higher is better: phrases first, then how well the words match.

        * 1 shared by the query's phrases (``query.phrases()``: those quoted and the words
          typed side by side) found side by side in a field, and 1 more shared by those
          found in the title;
        * plus ``ts_rank_cd`` (cover density: the closer the words, the higher) with the
          field weights, normalisation 1 (divided by 1 + log(length): long abstracts do
          not win by volume) and 32 (scaled to below 1, so it orders papers within a tier).
        """
        sql, params = self._query_sql(query.positive())
        weights = "'{" + ", ".join(str(w) for w in self.WEIGHTS) + "}'::float4[]"
        parts = [f"ts_rank_cd({weights}, {{vector}}, {sql}, 1|32)"]
        phrases = query.phrases()
        for words in phrases:
            anywhere, anywhere_params = self._phrase_sql(words, prefixes=True)
            title, title_params = self._phrase_sql(words, ("A",), prefixes=True)
            parts.append(
                f"(CASE WHEN {{vector}} @@ {anywhere} "
                f"THEN 1 + ({{vector}} @@ {title})::int ELSE 0 END)::float8 / {len(phrases)}"
            )
            params += anywhere_params + title_params
        return _VectorSQL(" + ".join(parts), params, FloatField())

    # Reading a paper down the index of the most upvoted costs about twice as much as
    # reading it from a bitmap of the full-text index's matches: the walk must read
    # each paper's search vector (out of line, compressed) to test it.
    WALK_COST = 2

    def candidates(self, queryset, limit):
        """The ids of the ``limit`` most upvoted papers of ``queryset`` (matches), read
        the cheaper of two ways, as the planner's estimates tell: down ``paper_top_idx``
        testing each paper until ``limit`` match (papers / matches * limit papers read:
        a common word), or every match from the full-text index, then the top ``limit``
        (a rarer one). The planner, left to itself, walks the index for both."""
        papers = self._estimated_rows(Paper.objects.using(queryset.db).published())
        matches = max(self._estimated_rows(queryset), 1)
        order = ("-upvote_count", "-id")
        if self.WALK_COST * limit * papers / matches > matches:
            # Sorted by an expression: no index gives this order, so the matches come
            # from the full-text index (a bitmap) and are sorted in memory.
            order = ((F("upvote_count") + 0).desc(), F("id").desc())
        return queryset.order_by(*order).values("pk")[:limit]

    @staticmethod
    def _estimated_rows(queryset) -> float:
        plan = json.loads(queryset.order_by().explain(format="json"))
        return float(plan[0]["Plan"]["Plan Rows"])

    def snippets(self, query, ids, using):

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
            WHERE schemaname = current_schema() AND tablename = 'core_paper'
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
            FROM core_paper p, unnest({_OWN_VECTOR}) AS t
            WHERE p.id = %(paper)s
        )
        SELECT own.lexeme, own.mentions, coalesce(common.share, rare.share) AS share,
            common.share IS NOT NULL AS counted,
            (SELECT greatest(reltuples, 1) FROM pg_class WHERE oid = 'core_paper'::regclass)
        FROM own CROSS JOIN rare LEFT JOIN common ON common.lexeme = own.lexeme
        WHERE char_length(own.lexeme) >= 3
    """
    # The GIN index finds the papers with any of the terms (or all of the rarest:
    # ``retrieval``), at most SIMILAR_MATCH_CAP; ``ts_rank_cd`` keeps the best
    # ``limit``; those are then scored by the weight of the terms they share (a rare term
    # of the title counts for more than a common one of the abstract).
    _SIMILAR_CANDIDATES_SQL = """
        WITH found AS MATERIALIZED (
            SELECT id, search_vector
            FROM core_paper
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
        FROM best JOIN core_paper p ON p.id = best.id
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
        counts = words_of([paper.title, paper.topics_text, paper.abstract])
        terms = [
            SimilarTerm(
                lexeme=lexeme,
                word=word_for(lexeme, counts),
                weight=min(float(mentions), SIMILAR_MENTIONS_CAP) * -math.log(max(share, 1e-9)),
                share=share,
                rows=share * total,
                counted=counted,
            )
            for lexeme, mentions, share, counted, total in rows
            if countable_term(lexeme) and distinctive(share, share * total)
        ]
        return heaviest(terms, [paper.title, paper.topics_text, paper.abstract], limit)

    @staticmethod
    def _tsquery_of(kind, terms) -> str:
        """A tsquery (input syntax, no stemming) for ``any`` or ``all`` of the terms."""
        return (" | " if kind == "any" else " & ").join(f"'{term.lexeme}'" for term in terms)

    def similar_candidates(self, paper, terms, using, limit):

        with connections[using].cursor() as cursor:
            cursor.execute(
                self._SIMILAR_CANDIDATES_SQL,
                {
                    "weights": self.WEIGHTS,
                    "find": self._tsquery_of(*retrieval(terms)),
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
            return similarity_scores(cursor.fetchall(), terms)

    def terms_in_papers(self, ids, terms, using):
        by_lexeme = {term.lexeme: term for term in terms}
        with connections[using].cursor() as cursor:
            cursor.execute(
                "SELECT id, ARRAY(SELECT unnest(tsvector_to_array(search_vector)) "
                "INTERSECT SELECT unnest(%s::text[])) FROM core_paper WHERE id = ANY(%s)",
                [list(by_lexeme), ids],
            )
            rows = cursor.fetchall()
        return {pk: [t for t in terms if t.lexeme in set(found)] for pk, found in rows}

    def similar_names(self, words, using, limit):
        found = {}
        for model in (Author, Topic):
            similarity = reduce(
                lambda a, b: _Greatest(a, b),
                [TrigramWordSimilarity(word, "name") for word in words],
            )
            condition = reduce(or_, [Q(name__trigram_word_similar=word) for word in words])
            found[model] = list(
                _public(model.objects.using(using))
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


def _public(queryset):
    """Authors of published papers only: names a visitor may be shown."""
    return queryset.public() if queryset.model is Author else queryset
