"""manage.py warm_facets: the heaviest facet counts are in the cache before readers ask."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = [pytest.mark.django_db, pytest.mark.engine]


@pytest.fixture
def demo(settings, demo_snapshot):
    settings.SEARCH_FACET_CACHE_SECONDS = 60
    demo_snapshot.restore()  # load_demo --anchor 2026-11-26 (tests/conftest.py)


def facet_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    grouped = [q["sql"] for q in queries.captured_queries if "GROUP BY" in q["sql"]]
    return response, grouped


def test_warmed_pages_count_nothing_and_show_the_same_counts(client, demo):
    cold, cold_grouped = facet_queries(client, "/topics/reasoning/")
    assert cold_grouped  # counted live
    from django.core.cache import cache

    cache.clear()
    out = io.StringIO()
    call_command("warm_facets", stdout=out)
    assert "(everything)" in out.getvalue()
    assert "topic=reasoning" in out.getvalue()
    assert "INCOMPLETE" not in out.getvalue()
    for url in ["/papers/", "/topics/reasoning/"]:
        warm, grouped = facet_queries(client, url)
        assert grouped == []  # the counts came from the cache
    warm, _ = facet_queries(client, "/topics/reasoning/")
    as_dicts = [facet.as_dict() for facet in warm.context["facets"]]
    assert as_dicts == [facet.as_dict() for facet in cold.context["facets"]]


def test_all_adds_categories_and_years(demo):
    out = io.StringIO()
    call_command("warm_facets", "--all", stdout=out)
    assert "category=cs.LG" in out.getvalue()
    assert "year=2024" in out.getvalue()


def test_author_directory_ranking_is_warmed_and_pages_count_only_their_authors(client, demo):
    from django.core.cache import cache

    cold = client.get("/authors/")
    cold_names = [a.name for a in cold.context["page_obj"]]
    counts = [a.paper_count for a in cold.context["page_obj"]]
    assert counts == sorted(counts, reverse=True) and counts[0] > 1
    cache.clear()
    out = io.StringIO()
    call_command("warm_facets", stdout=out)
    assert "(author ranking)" in out.getvalue()
    with CaptureQueriesContext(connection) as queries:
        warm = client.get("/authors/")
    assert [a.name for a in warm.context["page_obj"]] == cold_names
    assert "most papers first" in warm.content.decode()
    # With the ranking cached, counting is limited to the page's own authors.
    counting = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    assert counting and all(" IN (" in sql for sql in counting), counting


def test_author_directory_is_alphabetical_when_the_ranking_times_out(client, demo, monkeypatch):
    from django.core.cache import cache

    from papers.core.timelimit import TimeLimit

    cache.clear()
    # The database gives up on the ranking query (as it would past the time limit).
    monkeypatch.setattr(TimeLimit, "run", lambda self, name, function, **options: None)
    response = client.get("/authors/")
    assert response.status_code == 200
    names = [a.name for a in response.context["page_obj"]]
    assert names == sorted(names)
    assert "alphabetical order" in response.content.decode()
    assert client.get("/authors/?page=2").status_code == 200


def test_topic_directory_is_cached_and_warmed(client, demo):
    from django.core.cache import cache

    cache.clear()
    call_command("warm_facets", stdout=io.StringIO())
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/topics/")
    assert response.status_code == 200
    assert not [q for q in queries.captured_queries if "core_topic" in q["sql"]]
    assert "World Models" in response.content.decode()


def test_repository_list_counts_only_its_page(client, demo):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/repos/")
    assert response.status_code == 200
    repos = list(response.context["page_obj"])
    stars = [r.stars for r in repos if r.stars is not None]
    assert repos and stars == sorted(stars, reverse=True)
    assert all(r.paper_count >= 1 for r in repos[:3])
    counting = [q["sql"] for q in queries.captured_queries if "core_codelink" in q["sql"]]
    assert counting and all(" IN (" in sql for sql in counting), counting
