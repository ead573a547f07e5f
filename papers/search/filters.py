"""The catalogue's filters: what ``/papers/?q=&topic=&category=&year=...`` mean.

``PaperFilterSet`` validates the query string (django-filter) and filters papers;
nothing more (ranking, similar papers and approximate names are the catalogue
query's: papers/search/catalogue.py). Each filter is a plain condition on the
paper (an ``EXISTS`` for related rows), so filters combine without duplicate
rows, and ``filter_queryset(exclude=...)`` can leave some out: facets count over
"the search and the other filters".

| parameter | meaning |
| --- | --- |
| ``q`` | full-text search (papers/search/query.py syntax) |
| ``topic`` | topic slug; repeatable, a paper must have all of them |
| ``category`` | arXiv category code; repeatable, a paper needs any of them |
| ``year`` | the paper's year (see ``Paper.year``) |
| ``has_code`` | ``true`` or ``false`` |
| ``framework`` | framework of a linked code repository (``pytorch``, ``jax``...) |
| ``author`` | author slug; repeatable, a paper must have all of them |
| ``like`` | arXiv id of a published paper: the papers most like it (the catalogue |
| | query narrows to them: papers/search/catalogue.py) |
| ``sort`` | ``similar`` (default with ``like``), ``relevance`` (default with ``q``), |
| | ``trending``, ``top``, ``new`` |
"""

import re

import django_filters as filters
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db.models import Exists, OuterRef
from django.http import QueryDict
from django.utils.functional import cached_property

from papers.core.models import Author, Authorship, Category, CodeLink, Paper, Topic

from . import engines
from .query import ParsedQuery, parse_query, strip_control_characters

SORTS = {
    "similar": "Most similar",
    "relevance": "Best match",
    "trending": "Trending",
    "top": "Most upvoted",
    "new": "Newest",
}
DEFAULT_SORT = "top"
DEFAULT_SEARCH_SORT = "relevance"
DEFAULT_LIKE_SORT = "similar"
MAX_VALUES = 10  # values of one repeatable parameter
MAX_VALUE_LENGTH = 200
FRAMEWORK_PATTERN = re.compile(r"^[\w.+-]{1,50}$")
MULTI_VALUED = ("topic", "category", "author")
FILTER_NAMES = ("topic", "category", "year", "has_code", "framework", "author")


class YearFilter(filters.Filter):
    field_class = forms.IntegerField


class KnownValuesField(filters.fields.ModelMultipleChoiceField):
    """Keeps the values that exist, in the order given; remembers the unknown ones,
    which the page reports without dropping the rest of the filter."""

    def clean(self, value):
        values = [str(v) for v in value or []]
        self.unknown = []
        if not values:
            return []
        key = self.to_field_name
        found = {str(getattr(o, key)): o for o in self.queryset.filter(**{f"{key}__in": values})}
        self.unknown = [v for v in values if v not in found]
        return [found[v] for v in values if v in found]


class KnownValuesFilter(filters.ModelMultipleChoiceFilter):
    field_class = KnownValuesField


class LikeField(forms.CharField):
    """The arXiv id of a published paper; cleans to the paper (hidden ones are unknown)."""

    default_error_messages = {
        "unknown": "There is no paper “%(value)s” in the catalogue to find papers like.",
    }

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        paper = Paper.objects.published().filter(arxiv_id=value).first()
        if paper is None:
            raise ValidationError(
                self.error_messages["unknown"], code="unknown", params={"value": value[:50]}
            )
        return paper


class LikeFilter(filters.Filter):
    field_class = LikeField


class PaperFilterSet(filters.FilterSet):
    q = filters.CharFilter(method="filter_q", label="Search", strip=True)
    topic = KnownValuesFilter(
        queryset=Topic.objects.all(),
        to_field_name="slug",
        method="filter_topic",
        label="Topic",
        error_messages={"invalid_choice": "There is no topic “%(value)s”."},
    )
    category = KnownValuesFilter(
        queryset=Category.objects.all(),
        to_field_name="code",
        method="filter_category",
        label="arXiv category",
        error_messages={"invalid_choice": "There is no arXiv category “%(value)s” here."},
    )
    year = YearFilter(
        method="filter_year",
        label="Year",
        min_value=1900,
        max_value=2100,
        error_messages={"invalid": "The year must be a number such as 2024."},
    )
    has_code = filters.ChoiceFilter(
        choices=[("true", "With code"), ("false", "Without code")],
        method="filter_has_code",
        label="Code",
        empty_label=None,
        error_messages={"invalid_choice": "Code can be “true” or “false”."},
    )
    framework = filters.CharFilter(
        method="filter_framework",
        label="Framework",
        validators=[
            RegexValidator(FRAMEWORK_PATTERN, "A framework is a short name such as “pytorch”.")
        ],
    )
    author = KnownValuesFilter(
        queryset=Author.objects.public(),
        to_field_name="slug",
        method="filter_author",
        label="Author",
        error_messages={"invalid_choice": "There is no author “%(value)s”."},
    )
    like = LikeFilter(method="filter_nothing", label="Papers like", strip=True)
    sort = filters.ChoiceFilter(
        choices=list(SORTS.items()),
        method="filter_nothing",
        label="Sort",
        empty_label=None,
        error_messages={
            "invalid_choice": "Sort can be " + ", ".join(f"“{key}”" for key in SORTS) + "."
        },
    )

    class Meta:
        model = Paper
        fields = []

    def __init__(self, data=None, *args, **kwargs):
        self.input_errors: list[str] = []
        if data is not None:
            data = self._sanitise(data)
        super().__init__(data, *args, **kwargs)

    def _sanitise(self, data: QueryDict) -> QueryDict:
        """Drop values no filter could use (null bytes, huge values), dedupe, cap counts."""
        clean = QueryDict(mutable=True)
        for name in self.base_filters:
            values = data.getlist(name)
            if not values:
                continue
            if name == "q":
                clean[name] = strip_control_characters(values[-1])
                continue
            kept = []
            for value in values:
                value = value.strip()
                if "\x00" in value or len(value) > MAX_VALUE_LENGTH:
                    self.input_errors.append(
                        f"A {self.base_filters[name].label.lower()} value in the address was "
                        "not valid and was ignored."
                    )
                elif value and value not in kept:
                    kept.append(value)
            if name not in MULTI_VALUED:
                kept = kept[-1:]  # a repeated single-valued parameter: the last one wins
            elif len(kept) > MAX_VALUES:
                self.input_errors.append(
                    f"At most {MAX_VALUES} {name} values can be combined; the rest were ignored."
                )
                kept = kept[:MAX_VALUES]
            if kept:
                clean.setlist(name, kept)
        return clean

    # -- what the request asked for ------------------------------------------

    @property
    def cleaned(self) -> dict:
        """The valid filter values (call ``is_valid()`` first)."""
        return self.form.cleaned_data

    @cached_property
    def search_query(self) -> ParsedQuery:
        return parse_query(self.data.get("q", "") if self.data else "")

    @property
    def error_messages(self) -> list[str]:
        messages = list(self.input_errors)
        for name in MULTI_VALUED:
            field = self.form.fields[name]
            for value in getattr(field, "unknown", []):
                messages.append(field.error_messages["invalid_choice"] % {"value": value})
        for errors in self.form.errors.values():
            messages.extend(errors)
        return messages

    @property
    def sort_order(self) -> str:
        """The sort to apply: the chosen one, else most similar for ``like``, else
        relevance for a search, else top."""
        sort = self.cleaned.get("sort") or ""
        if sort == "relevance" and not self.search_query:
            sort = ""
        if sort == "similar" and not self.like_paper:
            sort = ""
        if sort:
            return sort
        if self.like_paper:
            return DEFAULT_LIKE_SORT
        return DEFAULT_SEARCH_SORT if self.search_query else DEFAULT_SORT

    @property
    def like_paper(self) -> Paper | None:
        """The paper of a valid ``like``."""
        return self.cleaned.get("like") or None

    def active(self, name):
        """The cleaned value of one filter: a list for repeatable ones, else a value or None."""
        value = self.cleaned.get(name)
        if name in MULTI_VALUED:
            return list(value or [])
        return value if value not in (None, "") else None

    @property
    def has_filters(self) -> bool:
        return self.like_paper is not None or any(self.active(name) for name in FILTER_NAMES)

    # -- filtering -------------------------------------------------------------

    def filter_queryset(self, queryset, *, exclude=()):
        for name, value in self.form.cleaned_data.items():
            if name not in exclude:
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    def filter_q(self, queryset, name, value):
        if not self.search_query:
            return queryset
        return engines.filter_matching(queryset, self.search_query)

    def filter_topic(self, queryset, name, topics):
        for topic in topics:
            queryset = queryset.filter(
                Exists(Paper.topics.through.objects.filter(paper_id=OuterRef("pk"), topic=topic))
            )
        return queryset

    def filter_category(self, queryset, name, categories):
        categories = list(categories)
        if not categories:
            return queryset
        return queryset.filter(has_category(categories))

    def filter_year(self, queryset, name, year):
        return queryset.filter(year=year)

    def filter_has_code(self, queryset, name, value):
        return queryset.filter(has_code=value == "true")

    def filter_framework(self, queryset, name, framework):
        return queryset.filter(
            Exists(
                CodeLink.objects.filter(
                    paper_id=OuterRef("pk"), repository__framework=framework.lower()
                )
            )
        )

    def filter_author(self, queryset, name, authors):
        for author in authors:
            queryset = queryset.filter(
                Exists(Authorship.objects.filter(paper_id=OuterRef("pk"), author=author))
            )
        return queryset

    def filter_nothing(self, queryset, name, value):
        return queryset  # sort and like: applied by the catalogue query


def has_category(categories):
    return Exists(
        Paper.categories.through.objects.filter(paper_id=OuterRef("pk"), category__in=categories)
    )
