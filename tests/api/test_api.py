"""The read-only JSON API under /api/v1/: shapes, filters, pagination, errors, caching."""

import datetime as dt

import pytest
from django.db import connection
from django.http import QueryDict
from django.test import Client
from django.test.utils import CaptureQueriesContext

from papers.core.models import Paper, Topic
from tests.factories import (
    make_author,
    make_category,
    make_paper,
    make_repository,
    make_topic,
    make_upvote,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    levine = make_author("Sergey Levine", slug="sergey-levine", affiliation="UC Berkeley")
    parent = make_topic("Robotics", slug="robotics")
    topic = make_topic("World Models", slug="world-models", parent=parent, description="*Hi*")
    repo = make_repository("robodhruv", "visualnav-transformer", stars=1234, framework="pytorch")
    vint = make_paper(
        title="ViNT: A Foundation Model for Visual Navigation",
        arxiv_id="2306.14846",
        authors=["Dhruv Shah", levine],
        topics=[topic, parent],
        repositories=[repo],
        categories=[make_category("cs.RO", "Robotics"), make_category("cs.LG")],
        primary_category=make_category("cs.RO", "Robotics"),
        listed_on=dt.date(2025, 6, 20),
        published=dt.date(2023, 6, 26),
        doi="10.1000/vint",
        hf_upvotes=40,
    )
    make_upvote(paper=vint)
    offline = make_paper(title="An Offline Paper", arxiv_id=None, authors=[levine])
    hidden = make_paper(title="Hidden", authors=[levine], status=Paper.Status.HIDDEN)
    return {"vint": vint, "offline": offline, "hidden": hidden, "levine": levine}


def get(client, url, status=200, **headers):
    response = client.get(url, headers=headers)
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    return response


def test_index_lists_the_endpoints(client):
    assert get(client, "/api/v1/").json() == {
        "papers": "http://testserver/api/v1/papers/",
        "topics": "http://testserver/api/v1/topics/",
        "authors": "http://testserver/api/v1/authors/",
    }


def test_paper_detail(client, catalogue):
    data = get(client, "/api/v1/papers/2306.14846/").json()
    vint = catalogue["vint"]
    assert data["id"] == vint.pk
    assert data["arxiv_id"] == "2306.14846"
    assert data["title"] == "ViNT: A Foundation Model for Visual Navigation"
    assert data["published"] == "2023-06-26"
    assert data["listed_on"] == "2025-06-20"
    assert data["primary_category"] == "cs.RO"
    assert [a["name"] for a in data["authors"]] == ["Dhruv Shah", "Sergey Levine"]
    assert data["authors"][1] == {
        "slug": "sergey-levine",
        "name": "Sergey Levine",
        "url": "http://testserver/authors/sergey-levine/",
        "affiliation": "UC Berkeley",
    }
    assert [t["slug"] for t in data["topics"]] == ["robotics", "world-models"]
    assert data["categories"] == [
        {"code": "cs.RO", "name": "Robotics", "primary": True},
        {"code": "cs.LG", "name": "Machine Learning", "primary": False},
    ]
    assert data["repositories"] == [
        {
            "url": "https://github.com/robodhruv/visualnav-transformer",
            "host": "github.com",
            "owner": "robodhruv",
            "name": "visualnav-transformer",
            "stars": 1234,
            "language": None,
            "framework": "pytorch",
            "is_official": True,
        }
    ]
    assert data["counts"] == {
        "upvotes": 1,
        "upvotes_last_day": 1,
        "upvotes_last_week": 1,
        "hf_upvotes": 40,
        "comments": 0,
        "authors": 2,
        "repositories": 1,
        "topics": 2,
    }
    assert data["has_code"] is True
    assert data["upvotes"] == 1
    assert data["doi"] == "10.1000/vint"
    assert data["links"] == {
        "page": "http://testserver/papers/2306.14846/",
        "api": "http://testserver/api/v1/papers/2306.14846/",
        "bibtex": "http://testserver/papers/2306.14846/bibtex/",
        "arxiv": "https://arxiv.org/abs/2306.14846",
        "pdf": "https://arxiv.org/pdf/2306.14846",
        "project_page": None,
        "doi": "https://doi.org/10.1000/vint",
        "comments": "http://testserver/api/v1/papers/2306.14846/comments/",
        "similar": "http://testserver/api/v1/papers/?like=2306.14846",
    }


def test_paper_without_arxiv_id_by_pk(client, catalogue):
    offline = catalogue["offline"]
    data = get(client, f"/api/v1/papers/id/{offline.pk}/").json()
    assert data["arxiv_id"] is None
    assert data["links"]["api"] == f"http://testserver/api/v1/papers/id/{offline.pk}/"
    assert data["links"]["arxiv"] is None


@pytest.mark.parametrize(
    "url",
    ["/api/v1/papers/9999.99999/", "/api/v1/papers/id/999999/", "/api/v1/topics/nope/"],
)
def test_unknown_objects_are_json_404s(client, url):
    body = get(client, url, status=404).json()
    assert body["error"] == "not_found"
    assert body["message"]


def test_hidden_papers_are_not_in_the_api(client, catalogue):
    assert get(client, f"/api/v1/papers/{catalogue['hidden'].arxiv_id}/", status=404)
    levine = get(client, "/api/v1/authors/sergey-levine/").json()
    assert levine["paper_count"] == 2  # ViNT and the offline paper, not the hidden one


def test_unknown_author_is_a_json_404(client):
    assert get(client, "/api/v1/authors/nobody/", status=404).json()["error"] == "not_found"


def test_topics(client, catalogue):
    data = get(client, "/api/v1/topics/").json()
    assert data["count"] == 2
    robotics, world = data["results"]
    assert robotics["slug"] == "robotics" and robotics["parent"] is None
    assert world == {
        "slug": "world-models",
        "name": "World Models",
        "url": "http://testserver/topics/world-models/",
        "description": "*Hi*",
        "parent": "robotics",
        "paper_count": 1,
        "links": {
            "papers": "http://testserver/api/v1/papers/?topic=world-models",
            "atom": "http://testserver/feeds/topics/world-models.atom",
            "rss": "http://testserver/feeds/topics/world-models.rss",
        },
    }
    assert get(client, "/api/v1/topics/world-models/").json() == world


def test_authors_search_and_pagination(client, catalogue):
    for n in range(3):
        make_paper(authors=[make_author(f"Zed Person{n}", slug=f"zed-{n}")])
    first = get(client, "/api/v1/authors/?per_page=2").json()
    assert first["count"] == 5
    assert first["previous"] is None
    assert first["next"] == "http://testserver/api/v1/authors/?per_page=2&page=2"
    assert first["results"][0]["slug"] == "sergey-levine"  # most papers first
    assert first["results"][0]["paper_count"] == 2
    last = get(client, "/api/v1/authors/?per_page=2&page=3").json()
    assert last["next"] is None
    assert len(last["results"]) == 1
    found = get(client, "/api/v1/authors/?q=zed").json()
    assert sorted(a["slug"] for a in found["results"]) == ["zed-0", "zed-1", "zed-2"]


@pytest.mark.parametrize(
    ("query", "parameter", "code"),
    [
        ("page=abc", "page", "invalid_parameter"),
        ("page=0", "page", "invalid_parameter"),
        ("per_page=1000", "per_page", "invalid_parameter"),
        ("per_page=-1", "per_page", "invalid_parameter"),
        ("colour=blue", "colour", "unknown_parameter"),
    ],
)
def test_bad_parameters_are_clear_400s(client, catalogue, query, parameter, code):
    body = get(client, f"/api/v1/authors/?{query}", status=400).json()
    assert body["error"] == code
    assert body["parameter"] == parameter
    assert parameter in body["message"]


def test_page_past_the_end_is_a_json_404(client, catalogue):
    body = get(client, "/api/v1/authors/?page=9", status=404).json()
    assert body == {
        "error": "page_not_found",
        "message": "There is no page 9: the results have 1 page.",
        "parameter": "page",
    }


def test_unknown_endpoint_is_a_json_404(client):
    body = get(client, "/api/v1/nothing/here/", status=404).json()
    assert body["error"] == "not_found"
    assert "/api/v1/" in body["message"]


def test_read_only(catalogue):
    client = Client(enforce_csrf_checks=True)  # as a browser or a script would be checked
    response = client.post("/api/v1/papers/2306.14846/")
    assert response.status_code == 405
    assert response.json()["error"] == "method_not_allowed"
    assert response["Allow"] == "GET, HEAD"


def test_cache_headers_etag_and_no_cors(client, catalogue):
    response = get(client, "/api/v1/papers/2306.14846/")
    assert "public" in response["Cache-Control"]
    assert "max-age=60" in response["Cache-Control"]
    assert response["ETag"]
    assert "Access-Control-Allow-Origin" not in response
    assert "Cookie" not in response.get("Vary", "")
    again = client.get(
        "/api/v1/papers/2306.14846/",
        headers={"if-none-match": response["ETag"], "origin": "https://elsewhere.example"},
    )
    assert again.status_code == 304
    assert "Access-Control-Allow-Origin" not in again
    make_upvote(paper=catalogue["vint"])
    changed = client.get("/api/v1/papers/2306.14846/", headers={"if-none-match": response["ETag"]})
    assert changed.status_code == 200


def test_errors_are_not_cached(client):
    response = get(client, "/api/v1/papers/9999.99999/", status=404)
    assert "public" not in response.get("Cache-Control", "")


def test_rate_limited_per_client(client, settings, catalogue):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api": {"ip": "2/m"}}
    get(client, "/api/v1/topics/")
    get(client, "/api/v1/topics/")
    body = get(client, "/api/v1/topics/", status=429).json()
    assert body["error"] == "rate_limited"


def test_unicode_is_sent_as_utf8(client):
    make_paper(title="Über Łódź", arxiv_id="2401.99999")
    response = get(client, "/api/v1/papers/2401.99999/")
    assert "Über Łódź".encode() in response.content


@pytest.mark.parametrize(
    "url", ["/api/v1/authors/", "/api/v1/topics/", "/api/v1/papers/2306.14846/"]
)
def test_query_count_does_not_grow(client, catalogue, url):
    def count():
        with CaptureQueriesContext(connection) as queries:
            get(client, url)
        return len(queries)

    small = count()
    for n in range(5):
        topic = make_topic()
        make_paper(
            title=f"Growth {n}",
            authors=[catalogue["levine"], make_author()],
            topics=[topic],
            repositories=[make_repository()],
        )
        make_topic()
    assert count() == small


# --- the papers list: the catalogue's search, filters, sorts and facets ----------------------


@pytest.fixture
def demo(db, demo_snapshot):
    demo_snapshot.restore()  # load_demo --anchor 2026-11-26 (tests/conftest.py)


def page_counts(client, query) -> dict:
    """What /papers/ shows beside each facet option for the same query string."""
    facets = client.get(f"/papers/?{query}").context["facets"]
    return {
        facet.name: {o.value: o.count for o in [*facet.selected, *facet.options]}
        for facet in facets
    }


def api_counts(data) -> dict:
    return {name: {o["value"]: o["count"] for o in options} for name, options in data.items()}


def test_papers_list_is_the_catalogue(client, demo):
    data = get(client, "/api/v1/papers/?per_page=5").json()
    page = client.get("/papers/").context
    assert data["count"] == page["catalogue"].total == Paper.objects.published().count()
    assert data["sort"] == "top"
    assert data["query"] is None
    assert data["page"] == 1 and data["per_page"] == 5
    assert [p["title"] for p in data["results"]] == [p.title for p in page["page_obj"]][:5]
    assert data["next"] == "http://testserver/api/v1/papers/?per_page=5&page=2"
    assert data["previous"] is None
    assert set(data["facets"]) == {"topic", "category", "year", "has_code", "framework", "author"}
    option = data["facets"]["topic"][0]
    assert set(option) == {"value", "label", "count", "selected"}
    assert api_counts(data["facets"]) == page_counts(client, "")


@pytest.mark.parametrize(
    "query",
    [
        "q=reasoning",
        "topic=reasoning&has_code=false",
        "q=model&category=cs.LG&category=cs.AI&sort=new",
        "author=noah-d-goodman&year=2025",
    ],
)
def test_papers_list_filters_and_counts_match_the_page(client, demo, query):
    data = get(client, f"/api/v1/papers/?{query}&per_page=100").json()
    page = client.get(f"/papers/?{query}").context
    assert data["count"] == page["catalogue"].total
    expected = [p.title for p in page["page_obj"]]
    assert [p["title"] for p in data["results"]][: len(expected)] == expected
    assert api_counts(data["facets"]) == page_counts(client, query)
    for name, values in QueryDict(query).lists():
        if name in data["facets"]:
            selected = [o["value"] for o in data["facets"][name] if o["selected"]]
            assert sorted(selected) == sorted(values)


def test_search_results_carry_highlighted_snippets(client, demo):
    data = get(client, "/api/v1/papers/?q=isabelle").json()
    assert data["query"] == "isabelle"
    assert data["sort"] == "relevance"
    first = data["results"][0]
    assert "<mark>" in first["snippet_html"].lower()
    plain = get(client, "/api/v1/papers/").json()
    assert plain["results"][0]["snippet_html"] is None


def test_more_lists_more_facet_options(client, demo):
    few = get(client, "/api/v1/papers/").json()
    assert "author" in few["facets_truncated"]
    assert len(few["facets"]["author"]) == 8
    more = get(client, "/api/v1/papers/?more=author").json()
    assert len(more["facets"]["author"]) > 8


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("topic=no-such-topic", "topic"),
        ("year=abc", "year"),
        ("sort=sideways", "sort"),
        ("has_code=maybe", "has_code"),
        ("more=colour", "more"),
        ("per_page=0", "per_page"),
    ],
)
def test_papers_list_bad_parameters_are_400s(client, demo, query, parameter):
    body = get(client, f"/api/v1/papers/?{query}", status=400).json()
    assert body["error"] == "invalid_parameter"
    assert body["parameter"] == parameter
    assert body["message"]


def test_papers_list_page_past_the_end_is_404(client, demo):
    body = get(client, "/api/v1/papers/?page=999", status=404).json()
    assert body["error"] == "page_not_found"
    assert "There is no page 999" in body["message"]


def test_papers_list_query_count_does_not_grow(client, demo, settings):
    settings.SEARCH_FACET_CACHE_SECONDS = 0
    url = "/api/v1/papers/?q=reasoning&topic=reasoning&has_code=false&sort=new"

    def count():
        with CaptureQueriesContext(connection) as queries:
            get(client, url)
        return len(queries)

    before = count()
    reasoning = Topic.objects.get(slug="reasoning")
    for n in range(10):
        make_paper(
            title=f"Reasoning growth {n}",
            abstract="Reasoning about things.",
            authors=[make_author(), make_author()],
            topics=[reasoning, make_topic()],
            categories=[make_category("cs.LG")],
        )
    assert count() == before


def test_catalogue_pages_link_their_exports(client, demo):
    body = client.get("/papers/?q=reasoning&has_code=false").content.decode()
    assert 'href="/papers/bibtex/?q=reasoning&amp;has_code=false"' in body
    assert 'href="/api/v1/papers/?q=reasoning&amp;has_code=false"' in body
    topic = client.get("/topics/reasoning/?has_code=false").content.decode()
    assert 'href="/papers/bibtex/?topic=reasoning&amp;has_code=false"' in topic
    assert 'href="/api/v1/papers/?topic=reasoning&amp;has_code=false"' in topic
