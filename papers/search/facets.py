"""Facet counts for the catalogue: plain data, no templates.

The count beside an option is the number of results a reader gets by clicking
it, given the search and the other active filters:

* ``topic``, ``author`` (repeatable, AND): clicking adds a condition, so the
  count is grouped over the current results.
* ``category`` (repeatable, OR): clicking widens the set, so the count is the
  current total plus the papers that have the option but none of the selected
  categories.
* ``year``, ``has_code``, ``framework`` (one value): clicking replaces the value,
  so the count is grouped over the results without that filter.

The matching ids are fetched once per set of filters (papers/search/matches.py)
and every facet groups over them: one grouped query per facet (``year`` and
``has_code`` share one, which also gives the total), never one per option, and
the search itself is not run again per facet. Each asks for ``size + 1`` rows to
know whether there are more. When the matches are too many to count in a
reader's time, the counts come from a sample and are estimates
(``FacetResult.estimated``, ``Facet.estimated``): the page shows them as
"≈ 12,400". Such counts are a whole answer (cached like exact ones); counts
that fell back to a sample because the exact ones ran out of time
(``settings.SEARCH_FACET_TIME_LIMIT_MS``) are marked degraded and never cached.

``Facet.as_dict()`` gives ``{"name", "label", "options": [{"value", "label",
"count"}], ...}`` for a JSON API.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.db import connections
from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.expressions import RawSQL

from papers.core import degraded
from papers.core.models import Author, Authorship, CodeLink, Paper
from papers.core.names import ascii_slug
from papers.core.timelimit import TimeLimit

from .matches import Matches, fetch

DEFAULT_SIZE = 8
FALLBACK_SAMPLE_SIZE = 500  # a count that ran out of time is made again on this many
EXPANDED_SIZE = 50
FRAMEWORK_LABELS = {
    "pytorch": "PyTorch",
    "jax": "JAX",
    "tf": "TensorFlow",
    "tensorflow": "TensorFlow",
    "keras": "Keras",
    "mxnet": "MXNet",
    "paddle": "PaddlePaddle",
    "mindspore": "MindSpore",
}


@dataclass
class FacetOption:
    value: str
    label: str
    count: int | None

    def as_dict(self) -> dict:
        return {"value": self.value, "label": self.label, "count": self.count}


@dataclass
class Facet:
    name: str  # the query-string parameter
    label: str
    multiple: bool  # repeatable parameter: clicking adds a value; else it replaces it
    options: list[FacetOption] = field(default_factory=list)  # not selected, best first
    selected: list[FacetOption] = field(default_factory=list)
    truncated: bool = False  # more options exist than are listed
    available: bool = True  # False when the counts could not be computed in time
    estimated: bool = False  # the counts are estimates from a sample
    name_contains: str = ""  # the options are only those whose name has this text

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "label": self.label,
            "multiple": self.multiple,
            "options": [option.as_dict() for option in self.options],
            "selected": [option.as_dict() for option in self.selected],
            "truncated": self.truncated,
            "available": self.available,
            "estimated": self.estimated,
            **({"name_contains": self.name_contains} if self.name_contains else {}),
        }


@dataclass
class FacetResult:
    facets: list[Facet]
    total: int | None  # results of the whole search and filters; None if it timed out
    estimated: bool = False  # ``total`` (and some counts) are estimates from a sample
    fallback: bool = False  # some counts are estimates because exact ones ran out of time

    @property
    def complete(self) -> bool:
        """Every count was computed as planned (none ran out of time): the result may be
        cached."""
        return (
            self.total is not None
            and not self.fallback
            and all(facet.available for facet in self.facets)
        )

    def __getitem__(self, name) -> Facet:
        return next(facet for facet in self.facets if facet.name == name)


def facet_counts(
    selection, *, expanded=(), time_limit_ms: int | None = None, exact: bool = False
) -> FacetResult:
    """Every facet of the catalogue for a ``Selection`` (papers/search/catalogue.py: a
    validated filter set over its base papers), and the total.

    ``exact``: count every match however many (counting ahead of readers)."""
    if time_limit_ms is None:
        time_limit_ms = settings.SEARCH_FACET_TIME_LIMIT_MS
    using = selection.base.db

    def size(name):
        return EXPANDED_SIZE if name in expanded else DEFAULT_SIZE

    year = selection.active("year")
    has_code = selection.active("has_code")
    has_code = None if has_code is None else has_code == "true"

    with TimeLimit(using, time_limit_ms, part=degraded.FACETS) as limit:
        found: dict = {}

        def matches(*names) -> Matches | None:
            """The matches of the selection without the filters ``names`` (the active
            ones), fetched once however many facets ask."""
            left_out = frozenset(n for n in names if _is_active(selection.active(n)))
            if left_out not in found:
                label = "+".join(sorted(left_out)) or "all"
                found[left_out] = fetch(
                    selection.papers(exclude=left_out), limit, f"matches ({label})", exact=exact
                )
            return found[left_out]

        cube_matches = matches("year", "has_code")
        cube = None
        if cube_matches is not None:
            cube, cube_matches = _counted(
                limit, "year", cube_matches, lambda m: _year_code_cube(m, using)
            )
        total = None
        if cube is not None:
            total = cube_matches.count(
                sum(
                    n
                    for (y, code), n in cube.items()
                    if (year is None or y == year) and (has_code is None or code == has_code)
                )
            )
            cube = {key: cube_matches.count(n) for key, n in cube.items()}
        facets = [
            _topic_facet(selection, matches(), size("topic"), limit, total),
            _category_facet(selection, matches, size("category"), limit, total, exact=exact),
            _year_facet(cube, year, has_code, size("year"), total),
            _has_code_facet(cube, year, has_code, total),
            _framework_facet(selection, matches("framework"), size("framework"), limit, total),
            _author_facet(selection, matches(), size("author"), limit, total),
        ]
        for facet in facets[2:4]:
            facet.estimated = cube_matches is not None and cube_matches.estimated
        fallback = bool(limit.timed_out)
    estimated = any(m is not None and m.estimated for m in found.values())
    return FacetResult(facets=facets, total=total, estimated=estimated, fallback=fallback)


def _counted(limit, name, matches: Matches, count):
    """``(count(matches), matches)`` under the time limit. A count that runs out of
    time is made again on a thinner sample of the matches (an estimate, and a
    fallback: the time limit marks the request degraded, so it is not cached); only
    if that too runs out of time is the result ``None`` (counts unavailable)."""
    rows = limit.run(name, lambda: count(matches))
    if rows is None and len(matches.ids) > FALLBACK_SAMPLE_SIZE:
        matches = matches.thinned(FALLBACK_SAMPLE_SIZE)
        rows = limit.run(f"{name} (sample)", lambda: count(matches), within_budget=False)
    return rows, matches


def _is_active(value) -> bool:
    return value is not None and value != []


def _among(queryset, field: str, matches: Matches):
    """``queryset`` narrowed to rows whose ``field`` is one of the matches' ids."""
    if connections[queryset.db].vendor == "postgresql":
        # One array parameter, however many ids (not one placeholder each).
        ids = RawSQL("SELECT unnest(%s::bigint[])", [matches.ids])
        return queryset.filter(**{f"{field}__in": ids})
    return queryset.filter(**{f"{field}__in": matches.ids})


def _year_code_cube(matches: Matches | None, using) -> dict | None:
    """``{(year, has_code): papers}`` (in the sample, when it is one) over the search and
    the filters but these two."""
    if matches is None:
        return None
    papers = _among(Paper.objects.using(using), "pk", matches)
    rows = papers.order_by().values_list("year", "has_code").annotate(n=Count("*"))
    return {(y, code): n for y, code, n in rows}


def _year_facet(cube, year, has_code, size, total) -> Facet:
    facet = Facet(name="year", label="Year", multiple=False)
    if year is not None:
        facet.selected = [FacetOption(str(year), str(year), total)]
    if cube is None:
        facet.available = False
        return facet
    counts = {}
    for (y, code), n in cube.items():
        if y is not None and y != year and (has_code is None or code == has_code):
            counts[y] = counts.get(y, 0) + n
    years = sorted(counts, reverse=True)
    facet.options = [FacetOption(str(y), str(y), counts[y]) for y in years[:size]]
    facet.truncated = len(years) > size
    return facet


def _has_code_facet(cube, year, has_code, total) -> Facet:
    facet = Facet(name="has_code", label="Code", multiple=False)
    labels = {True: ("true", "With code"), False: ("false", "Without code")}
    if has_code is not None:
        facet.selected = [FacetOption(*labels[has_code], total)]
    if cube is None:
        facet.available = False
        return facet
    counts = {True: 0, False: 0}
    for (y, code), n in cube.items():
        if year is None or y == year:
            counts[code] += n
    facet.options = [
        FacetOption(*labels[code], counts[code])
        for code in (True, False)
        if code != has_code and counts[code]
    ]
    return facet


def _grouped(queryset, value, label=None, size=DEFAULT_SIZE, distinct=False):
    """``size + 1`` rows of ``(value, label, n)``, most papers first, then by label."""
    fields = [value, label] if label else [value]
    rows = (
        queryset.order_by()
        .values_list(*fields)
        .annotate(n=Count("paper_id", distinct=distinct))
        .order_by("-n", *fields)[: size + 1]
    )
    return [(row[0], row[1], row[-1]) if label else (row[0], row[0], row[1]) for row in rows]


def _options(rows, size, *, plus=0, matches=None):
    count = matches.count if matches is not None else (lambda n: n)
    return [
        FacetOption(str(value), label or str(value), count(n) + plus)
        for value, label, n in rows[:size]
    ]


def _topic_facet(selection, matches, size, limit, total) -> Facet:
    selected = selection.active("topic")
    facet = Facet(name="topic", label="Topic", multiple=True)
    facet.selected = [FacetOption(t.slug, t.name, total) for t in selected]
    if matches is None:
        return _fill(facet, None, size)
    rows, matches = _counted(
        limit,
        "topic",
        matches,
        lambda m: _grouped(
            _among(Paper.topics.through.objects, "paper_id", m).exclude(topic__in=selected),
            "topic__slug",
            "topic__name",
            size=size,
        ),
    )
    return _fill(facet, rows, size, matches=matches)


def _author_facet(selection, matches, size, limit, total, name_contains="") -> Facet:
    selected = selection.active("author")
    facet = Facet(name="author", label="Author", multiple=True)
    facet.selected = [FacetOption(a.slug, a.name, total) for a in selected]
    if matches is None:
        return _fill(facet, None, size)
    rows, matches = _counted(
        limit, "author", matches, lambda m: _top_authors(m, selected, size, name_contains)
    )
    return _fill(facet, rows, size, matches=matches)


def _top_authors(matches, selected, size, name_contains="") -> list:
    """The authors with most matches: grouped by id first, then only the first
    ``size + 1`` are joined to their names (not every authorship)."""
    if not matches.ids:
        return []
    authorships = _among(Authorship.objects, "paper_id", matches).exclude(author__in=selected)
    if name_contains:
        # "mutny" finds "Mojmír Mutný": the slug is the name without accents.
        condition = Q(author__name__icontains=name_contains)
        if slug := ascii_slug(name_contains, fallback=""):
            condition |= Q(author__slug__contains=slug)
        authorships = authorships.filter(condition)
    grouped = (
        authorships.order_by()
        .values_list("author_id")
        .annotate(n=Count("paper_id"))
        .order_by("-n", "author_id")[: size + 1]
    )
    sql, params = grouped.query.sql_with_params()
    connection = connections[grouped.db]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT a.{quote('slug')}, a.{quote('name')}, g.n FROM ({sql}) g "
            f"JOIN {quote(Author._meta.db_table)} a ON a.{quote('id')} = g.{quote('author_id')} "
            f"ORDER BY g.n DESC, a.{quote('name')}, a.{quote('slug')}",
            params,
        )
        return [tuple(row) for row in cursor.fetchall()]


def author_facet_matching(
    selection, name_contains: str, total, *, time_limit_ms: int | None = None
) -> Facet:
    """The author facet narrowed to the authors whose name contains ``name_contains``
    (the catalogue's "find an author" box): up to ``EXPANDED_SIZE`` of them, most
    papers first, with the same counts as the whole facet."""
    if time_limit_ms is None:
        time_limit_ms = settings.SEARCH_FACET_TIME_LIMIT_MS
    with TimeLimit(selection.base.db, time_limit_ms, part=degraded.FACETS) as limit:
        matches = fetch(selection.papers(), limit, "matches (all)")
        facet = _author_facet(selection, matches, EXPANDED_SIZE, limit, total, name_contains)
    facet.name_contains = name_contains
    return facet


def _category_facet(selection, shared, size, limit, total, *, exact=False) -> Facet:
    selected = selection.active("category")
    facet = Facet(name="category", label="arXiv category", multiple=True)
    facet.selected = [FacetOption(c.code, c.code, total) for c in selected]
    others = selection.papers(exclude={"category"})
    if selected:
        # Clicking another category widens the results: count what it would add.
        others = others.exclude(
            Exists(
                Paper.categories.through.objects.filter(
                    paper_id=OuterRef("pk"), category__in=selected
                )
            )
        )
        if total is None:
            facet.available = False
            return facet
    if selected:
        matches = fetch(others, limit, "matches (other categories)", exact=exact)
    else:  # the same papers as the other facets count
        matches = shared("category")
    if matches is None:
        return _fill(facet, None, size)
    rows, matches = _counted(
        limit,
        "category",
        matches,
        lambda m: _grouped(
            _among(Paper.categories.through.objects, "paper_id", m), "category__code", size=size
        ),
    )
    return _fill(facet, rows, size, plus=total if selected else 0, matches=matches)


def _framework_facet(selection, matches, size, limit, total) -> Facet:
    selected = selection.active("framework")
    selected = selected.lower() if selected else None
    facet = Facet(name="framework", label="Framework", multiple=False)
    if selected:
        facet.selected = [FacetOption(selected, FRAMEWORK_LABELS.get(selected, selected), total)]
    if matches is None:
        return _fill(facet, None, size)

    def count(m):
        links = _among(CodeLink.objects, "paper_id", m).exclude(repository__framework="")
        if selected:
            links = links.exclude(repository__framework=selected)
        return _grouped(links, "repository__framework", size=size, distinct=True)

    rows, matches = _counted(limit, "framework", matches, count)
    if rows is not None:
        rows = [(value, FRAMEWORK_LABELS.get(value, value), n) for value, _, n in rows]
    return _fill(facet, rows, size, matches=matches)


def _fill(facet, rows, size, *, plus=0, matches=None) -> Facet:
    if rows is None:
        facet.available = False
        return facet
    facet.options = _options(rows, size, plus=plus, matches=matches)
    facet.truncated = len(rows) > size
    facet.estimated = matches is not None and matches.estimated
    return facet
