"""The ids of the papers a facet counts over: all of them, or a sample when there
are too many to count in a reader's time.

Facet counts (papers/search/facets.py) work from an id list fetched once per
set of filters, instead of running the search again in every facet's query.
Up to ``settings.SEARCH_FACET_EXACT_LIMIT`` matches the list is complete and
the counts are exact. Above it (the planner's estimate says so, or the list
comes back longer), the counts are worked out on a sample of the catalogue and
scaled up: ``Matches.scale`` > 1, and the page marks them as estimates
("≈ 12,400"). The sample holds about ``settings.SEARCH_FACET_SAMPLE_SIZE``
matches:

* PostgreSQL: ``TABLESAMPLE SYSTEM (p) REPEATABLE (seed)`` on ``core_paper``
  (whole pages of the table, the same ones each time for the same ``p``: the
  estimates do not jump between requests; ``BERNOULLI``, row by row, when the
  table is small). Only the sampled rows are tested against the search, so a
  word that most papers have costs no more than a rarer one.
* Other databases: every k-th id (``id % k = 0``).
"""

import json
import math
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import F

SAMPLE_SEED = 17
MIN_PERCENT = 0.05
SYSTEM_MIN_PAGES = 1000  # smaller tables are sampled row by row
MAX_SAMPLED_ROWS = 20_000  # a sample reads at most about this many rows of the table
FEW = 10  # a sample this small means the planner's estimate was far too high


@dataclass(frozen=True)
class Matches:
    ids: list[int]
    scale: float = 1.0  # each id stands for this many papers (1: the list is complete)

    @property
    def estimated(self) -> bool:
        return self.scale != 1.0

    def count(self, n: int) -> int:
        return estimate(n * self.scale) if self.estimated else n

    @property
    def total(self) -> int:
        return self.count(len(self.ids))

    def thinned(self, size: int) -> "Matches":
        """About ``size`` of these ids (every k-th), each standing for k times more."""
        step = max(1, math.ceil(len(self.ids) / max(size, 1)))
        return Matches(self.ids[::step], scale=self.scale * step) if step > 1 else self


def estimate(value: float) -> int:
    """A scaled count, rounded to three significant figures (12,437 → 12,400)."""
    value = round(value)
    if value < 1000:
        return value
    step = 10 ** (len(str(value)) - 3)
    return round(value / step) * step


def planned_rows(queryset) -> int | None:
    """The planner's estimate of the rows ``queryset`` returns (PostgreSQL), else None."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


def fetch(queryset, limit, name: str, *, exact: bool = False) -> Matches | None:
    """The matches of ``queryset`` (a ``Paper`` queryset), under ``limit`` (a TimeLimit).

    ``exact``: never sample (counting ahead of readers, with time to spare).
    None when even the sample ran out of time.
    """
    cap = settings.SEARCH_FACET_EXACT_LIMIT
    try:
        planned = None if exact else planned_rows(queryset)
    except EmptyResultSet:  # a condition nothing can meet (``none()``, an empty list)
        return Matches([])
    if planned is None or planned <= cap:
        bound = None if exact else cap + 1
        ids = limit.run(name, lambda: list(_ids(queryset)[:bound]))
        if ids is not None and (exact or len(ids) <= cap):
            return Matches(ids)
        # Too many (or too slow: the answer is then a fallback, marked degraded by
        # the time limit): count a sample.
        planned = max(planned or 0, len(ids or ()), cap + 1)
    timed_out = bool(limit.timed_out)
    return limit.run(
        f"{name} (sample)",
        lambda: _sample(queryset, planned, recheck=not timed_out),
        within_budget=False,  # a sample, however long the exact attempts took
    )


def _ids(queryset):
    return queryset.order_by().values_list("pk", flat=True)


def _sample(queryset, planned: int, *, recheck: bool = True) -> Matches:
    target = settings.SEARCH_FACET_SAMPLE_SIZE
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        total = queryset.order_by().count()
        step = max(1, math.ceil(total / target))
        if step == 1:
            return Matches(list(_ids(queryset)))
        ids = list(_ids(queryset.alias(_sample=F("pk") % step).filter(_sample=0)))
        return Matches(ids, scale=float(step))
    percent = min(100.0, max(MIN_PERCENT, 100.0 * target / max(planned, 1)))
    table = queryset.model._meta.db_table
    sql, params = _ids(queryset).query.sql_with_params()
    source = f"FROM {connection.ops.quote_name(table)}"
    if source not in sql:
        raise ValueError("the sampled query does not read the papers' table")
    with connection.cursor() as cursor:
        cursor.execute("SELECT relpages, reltuples FROM pg_class WHERE oid = %s::regclass", [table])
        pages, rows = cursor.fetchone()
        if rows and rows > 0:
            # The sample's cost is the rows it reads and tests, whatever they match.
            percent = max(MIN_PERCENT, min(percent, 100.0 * MAX_SAMPLED_ROWS / rows))
        # Whole pages of a large table; rows of a small one (a page holds many rows).
        method = "SYSTEM" if pages >= SYSTEM_MIN_PAGES else "BERNOULLI"
        tablesample = f"TABLESAMPLE {method} ({percent:.4f}) REPEATABLE ({SAMPLE_SEED})"
        cursor.execute(sql.replace(source, f"{source} {tablesample}", 1), params)
        ids = [row[0] for row in cursor.fetchall()]
        scale = 100.0 / percent
        if rows and rows > 0 and percent < 100:
            # Pages hold different numbers of rows: scale by the rows the sample read
            # (the same pages again, in memory now) against the table's.
            cursor.execute(f"SELECT count(*) {source} {tablesample}")
            read = cursor.fetchone()[0]
            if read:
                scale = max(1.0, rows / read)
    if recheck and len(ids) < FEW and percent < 100:
        # Far fewer than planned (the planner overestimated): count them all if few.
        every = list(_ids(queryset)[: settings.SEARCH_FACET_EXACT_LIMIT + 1])
        if len(every) <= settings.SEARCH_FACET_EXACT_LIMIT:
            return Matches(every)
    return Matches(ids, scale=scale)
