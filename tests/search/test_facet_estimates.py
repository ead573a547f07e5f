"""Facet counts never give up: above ``SEARCH_FACET_EXACT_LIMIT`` matches they are
estimates from a sample, shown as "≈ 1,200"; exact counts that run out of time fall
back to the sample too, but such an answer is degraded and never cached."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.http import QueryDict

from papers.core import degraded
from papers.core.models import Paper
from papers.core.timelimit import TimeLimit
from papers.search import catalogue, facets, matches
from tests.factories import make_author, make_category, make_paper, make_topic

pytestmark = pytest.mark.django_db
POSTGRES = connection.vendor == "postgresql"
PAPERS = 24


@pytest.fixture
def many(settings):
    """``PAPERS`` papers about graphs by Ada (a third with Bo), in one topic, two years."""
    settings.SEARCH_FACET_EXACT_LIMIT = 5
    # SQLite: every 4th id; PostgreSQL: a third of the rows (known only as "more than 5").
    settings.SEARCH_FACET_SAMPLE_SIZE = 2 if POSTGRES else 6
    topic = make_topic("Graphs")
    category = make_category("cs.LG")
    ada, bo = make_author("Ada Lovelace"), make_author("Bo Peep")
    for n in range(PAPERS):
        make_paper(
            title=f"Graph learning, part {n}",
            abstract="We learn on graphs.",
            authors=[ada, bo] if n % 3 == 0 else [ada],
            topics=[topic],
            categories=[category],
            year=2024 + n % 2,
        )
    # The planner's estimate decides exact or sampled: let it see these papers, not the
    # statistics an earlier test on this database left behind.
    if POSTGRES:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return topic


def count_facet_counts(monkeypatch) -> list:
    """A list that grows by one each time the facets are counted (not read from cache)."""
    calls = []
    counts = facets.facet_counts
    monkeypatch.setattr(
        catalogue, "facet_counts", lambda *a, **k: calls.append(1) or counts(*a, **k)
    )
    return calls


def search(q, **params):
    data = QueryDict(mutable=True)
    data.update({"q": q, **params})
    return catalogue.catalogue_search(data)


def test_small_match_sets_are_counted_exactly(settings, many):
    settings.SEARCH_FACET_EXACT_LIMIT = 1000
    result = search("graph")
    assert result.total == PAPERS and not result.total_is_estimate
    assert not result.facets.estimated
    counts = {o.label: o.count for o in result.facets["author"].options}
    assert counts == {"Ada Lovelace": PAPERS, "Bo Peep": PAPERS // 3}
    assert all(not facet.estimated for facet in result.facets.facets)


@pytest.mark.skipif(POSTGRES, reason="every k-th id: the sample SQLite takes")
def test_huge_match_sets_are_estimated_from_a_sample(many):
    with degraded.tracking() as parts:
        result = search("graph")
    assert parts == set()  # an estimate is a whole answer, not a fallback
    # 24 matches, a sample of about 6: every 4th id, each standing for 4 papers.
    assert result.facets.estimated and result.total_is_estimate
    assert result.total == PAPERS
    assert all(facet.available for facet in result.facets.facets)
    author = result.facets["author"]
    assert author.estimated
    assert {o.label for o in author.options} == {"Ada Lovelace", "Bo Peep"}
    assert all(o.count % 4 == 0 for o in author.options)
    year = result.facets["year"]
    assert year.estimated and sum(o.count for o in year.options) == PAPERS
    assert result.facets.complete  # may be cached


def test_the_page_marks_estimates_and_never_says_unavailable(client, many):
    response = client.get("/papers/", {"q": "graph"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "unavailable" not in body
    assert "facet-estimate" in body and "≈" in body
    assert "X-Degraded" not in response.headers


def test_timed_out_exact_counts_fall_back_to_the_sample_and_are_not_cached(
    client, settings, many, monkeypatch
):
    settings.SEARCH_FACET_EXACT_LIMIT = 1000  # exact counts are planned...
    settings.SEARCH_FACET_SAMPLE_SIZE = 600 if POSTGRES else 6  # (60 % of "more than 1000")
    settings.SEARCH_FACET_CACHE_SECONDS = 60
    run = TimeLimit.run

    def slow_exact(self, name, function, **options):  # ...but the exact lists run out of time
        if name.startswith("matches (") and not name.endswith("(sample)"):
            self._gave_up(name)
            return None
        return run(self, name, function, **options)

    monkeypatch.setattr(TimeLimit, "run", slow_exact)
    cache.clear()
    calls = count_facet_counts(monkeypatch)
    for _ in range(2):
        response = client.get("/papers/", {"q": "graph"})
        body = response.content.decode()
        assert "unavailable" not in body and "facet-estimate" in body
        assert response.headers["X-Degraded"] == "facets"
    assert len(calls) == 2  # counted afresh each time: a fallback is never cached


def test_estimates_are_cached_briefly(client, settings, many, monkeypatch):
    settings.SEARCH_FACET_CACHE_SECONDS = 60
    cache.clear()
    calls = count_facet_counts(monkeypatch)
    for _ in range(2):
        assert client.get("/papers/", {"q": "graph"}).status_code == 200
    assert len(calls) == 1


def test_warm_facets_counts_exactly_however_many(settings, many):
    settings.SEARCH_FACET_CACHE_SECONDS = 60
    cache.clear()
    catalogue.warm_facet_cache()
    result = search("")
    assert result.total == PAPERS and not result.total_is_estimate


def test_an_empty_condition_counts_nothing(many):
    with TimeLimit("default", 1000) as limit:
        found = matches.fetch(Paper.objects.none(), limit, "nothing")
    assert found.ids == [] and found.total == 0


def test_estimates_are_rounded_to_three_figures():
    assert matches.estimate(987.4) == 987
    assert matches.estimate(12_437) == 12_400
    assert matches.estimate(1_234_567) == 1_230_000


@pytest.mark.skipif(not POSTGRES, reason="TABLESAMPLE: PostgreSQL")
def test_postgres_samples_pages_of_the_table(settings):
    settings.SEARCH_FACET_EXACT_LIMIT = 100
    settings.SEARCH_FACET_SAMPLE_SIZE = 500
    Paper.objects.bulk_create(
        Paper(
            title=f"Paper {n}",
            abstract="Words.",
            arxiv_id=f"2501.{n:05d}",
            listed_on=dt.date(2026, 11, 20),
        )
        for n in range(3000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE core_paper")
    papers = Paper.objects.published()
    every = set(papers.values_list("pk", flat=True))
    with TimeLimit("default", 5000) as limit:
        found = matches.fetch(papers, limit, "all")
    assert found.estimated and 0 < len(found.ids) < len(every)
    assert set(found.ids) <= every
    assert 1000 <= found.total <= 9000
    with TimeLimit("default", 5000) as limit:  # the same pages each time
        assert matches.fetch(papers, limit, "all").ids == found.ids


def test_a_count_that_runs_out_of_time_is_made_again_on_a_thinner_sample(
    settings, many, monkeypatch
):
    settings.SEARCH_FACET_EXACT_LIMIT = 1000  # every match listed: exact counts planned
    monkeypatch.setattr(facets, "FALLBACK_SAMPLE_SIZE", 4)
    run = TimeLimit.run

    def slow_authors(self, name, function, **options):
        if name == "author":
            self._gave_up(name)
            return None
        return run(self, name, function, **options)

    monkeypatch.setattr(TimeLimit, "run", slow_authors)
    with degraded.tracking() as parts:
        result = search("graph")
    assert parts == {"facets"}  # a fallback: not cached, X-Degraded
    author = result.facets["author"]
    assert author.available and author.estimated
    assert author.options[0].label == "Ada Lovelace"
    assert author.options[0].count == PAPERS  # every 6th of 24 matches, each counting 6
    assert not result.facets["topic"].estimated and result.total == PAPERS
    assert not result.facets.complete


def test_the_sample_is_taken_even_when_the_time_budget_is_spent(many, monkeypatch):
    """The budget of the whole block skips further exact counts, never the sample."""
    with TimeLimit("default", 1000, budget_ms=0) as limit:
        found = matches.fetch(Paper.objects.published(), limit, "all")
    assert found is not None and found.ids


def test_the_api_says_which_counts_are_estimates(client, many):
    body = client.get("/api/v1/papers/", {"q": "graph"}).json()
    assert body["count_is_estimate"] is True
    assert "author" in body["facets_estimated"] and body["facets_unavailable"] == []
