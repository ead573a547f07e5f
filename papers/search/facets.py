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

One grouped query per facet (``year`` and ``has_code`` share one, which also
gives the total), never one per option. Each asks for ``size + 1`` rows to know
whether there are more. Every facet query runs under a time limit
(``settings.SEARCH_FACET_TIME_LIMIT_MS``); a facet that runs out of time is
returned with ``available=False`` and the page says its counts are unavailable.

``Facet.as_dict()`` gives ``{"name", "label", "options": [{"value", "label",
"count"}], ...}`` for a JSON API.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q

from papers.core import degraded
from papers.core.models import Authorship, CodeLink, Paper
from papers.core.names import ascii_slug
from papers.core.timelimit import TimeLimit

DEFAULT_SIZE = 8
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
            **({"name_contains": self.name_contains} if self.name_contains else {}),
        }


@dataclass
class FacetResult:
    facets: list[Facet]
    total: int | None  # results of the whole search and filters; None if it timed out

    @property
    def complete(self) -> bool:
        """Every count was computed (none ran out of time)."""
        return self.total is not None and all(facet.available for facet in self.facets)

    def __getitem__(self, name) -> Facet:
        return next(facet for facet in self.facets if facet.name == name)


def facet_counts(selection, *, expanded=(), time_limit_ms: int | None = None) -> FacetResult:
    """Every facet of the catalogue for a ``Selection`` (papers/search/catalogue.py: a
    validated filter set over its base papers), and the total."""
    if time_limit_ms is None:
        time_limit_ms = settings.SEARCH_FACET_TIME_LIMIT_MS
    using = selection.base.db

    def size(name):
        return EXPANDED_SIZE if name in expanded else DEFAULT_SIZE

    year = selection.active("year")
    has_code = selection.active("has_code")
    has_code = None if has_code is None else has_code == "true"

    with TimeLimit(using, time_limit_ms, part=degraded.FACETS) as limit:
        cube = limit.run("year", lambda: _year_code_cube(selection))
        total = None
        if cube is not None:
            total = sum(
                n
                for (y, code), n in cube.items()
                if (year is None or y == year) and (has_code is None or code == has_code)
            )
        facets = [
            _topic_facet(selection, size("topic"), limit, total),
            _category_facet(selection, size("category"), limit, total),
            _year_facet(cube, year, has_code, size("year"), total),
            _has_code_facet(cube, year, has_code, total),
            _framework_facet(selection, size("framework"), limit, total),
            _author_facet(selection, size("author"), limit, total),
        ]
    return FacetResult(facets=facets, total=total)


def _year_code_cube(selection) -> dict:
    """``{(year, has_code): papers}`` over the search and the filters but these two."""
    base = selection.papers(exclude={"year", "has_code"})
    rows = base.order_by().values_list("year", "has_code").annotate(n=Count("*"))
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


def _options(rows, size, *, plus=0):
    return [
        FacetOption(str(value), label or str(value), n + plus) for value, label, n in rows[:size]
    ]


def _topic_facet(selection, size, limit, total) -> Facet:
    selected = selection.active("topic")
    facet = Facet(name="topic", label="Topic", multiple=True)
    facet.selected = [FacetOption(t.slug, t.name, total) for t in selected]
    results = selection.papers()
    rows = limit.run(
        "topic",
        lambda: _grouped(
            Paper.topics.through.objects.filter(paper__in=results).exclude(topic__in=selected),
            "topic__slug",
            "topic__name",
            size=size,
        ),
    )
    return _fill(facet, rows, size)


def _author_facet(selection, size, limit, total, name_contains="") -> Facet:
    selected = selection.active("author")
    facet = Facet(name="author", label="Author", multiple=True)
    facet.selected = [FacetOption(a.slug, a.name, total) for a in selected]
    results = selection.papers()
    authorships = Authorship.objects.filter(paper__in=results).exclude(author__in=selected)
    if name_contains:
        # "mutny" finds "Mojmír Mutný": the slug is the name without accents.
        condition = Q(author__name__icontains=name_contains)
        if slug := ascii_slug(name_contains, fallback=""):
            condition |= Q(author__slug__contains=slug)
        authorships = authorships.filter(condition)
    rows = limit.run(
        "author",
        lambda: _grouped(authorships, "author__name", "author__slug", size=size),
    )
    if rows is not None:
        rows = [(slug, name, n) for name, slug, n in rows]
    return _fill(facet, rows, size)


def author_facet_matching(
    selection, name_contains: str, total, *, time_limit_ms: int | None = None
) -> Facet:
    """The author facet narrowed to the authors whose name contains ``name_contains``
    (the catalogue's "find an author" box): up to ``EXPANDED_SIZE`` of them, most
    papers first, with the same counts as the whole facet."""
    if time_limit_ms is None:
        time_limit_ms = settings.SEARCH_FACET_TIME_LIMIT_MS
    with TimeLimit(selection.base.db, time_limit_ms, part=degraded.FACETS) as limit:
        facet = _author_facet(selection, EXPANDED_SIZE, limit, total, name_contains)
    facet.name_contains = name_contains
    return facet


def _category_facet(selection, size, limit, total) -> Facet:
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
    rows = limit.run(
        "category",
        lambda: _grouped(
            Paper.categories.through.objects.filter(paper__in=others),
            "category__code",
            size=size,
        ),
    )
    return _fill(facet, rows, size, plus=total if selected else 0)


def _framework_facet(selection, size, limit, total) -> Facet:
    selected = selection.active("framework")
    selected = selected.lower() if selected else None
    facet = Facet(name="framework", label="Framework", multiple=False)
    if selected:
        facet.selected = [FacetOption(selected, FRAMEWORK_LABELS.get(selected, selected), total)]
    others = selection.papers(exclude={"framework"})
    links = CodeLink.objects.filter(paper__in=others).exclude(repository__framework="")
    if selected:
        links = links.exclude(repository__framework=selected)
    rows = limit.run(
        "framework",
        lambda: _grouped(links, "repository__framework", size=size, distinct=True),
    )
    if rows is not None:
        rows = [(value, FRAMEWORK_LABELS.get(value, value), n) for value, _, n in rows]
    return _fill(facet, rows, size)


def _fill(facet, rows, size, *, plus=0) -> Facet:
    if rows is None:
        facet.available = False
        return facet
    facet.options = _options(rows, size, plus=plus)
    facet.truncated = len(rows) > size
    return facet
