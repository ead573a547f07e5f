"""The catalogue's author facet: most papers first, and a "find an author" box
(a plain GET field, so it works without JavaScript) that narrows the options."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import make_author, make_paper, make_topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def authors():
    """Eleven authors: two with three papers, one with two, eight with one."""
    topic = make_topic("World Models", slug="world-models")
    prolific = make_author("Zoe Prolific", slug="zoe-prolific")
    busy = make_author("Adam Busy", slug="adam-busy")
    mutny = make_author("Mojmír Mutný", slug="mojmir-mutny")
    singles = [make_author(f"Single Author {n}", slug=f"single-author-{n}") for n in range(8)]
    papers = []
    for n in range(3):
        others = [mutny] if n < 2 else []
        papers.append(
            make_paper(title=f"Paper {n}", authors=[prolific, busy, *others], topics=[topic])
        )
    for n, single in enumerate(singles):
        make_paper(title=f"Lone paper {n}", authors=[single])
    return {"topic": topic, "prolific": prolific, "busy": busy, "mutny": mutny}


def author_facet(response):
    return next(f for f in response.context["facets"] if f.name == "author")


def options(facet):
    return [(option.label, option.count) for option in facet.options]


def find_form(response):
    page = response.content.decode()
    start = page.index('<form class="facet-find"')
    return page[start : page.index("</form>", start)]


def test_authors_are_ordered_by_papers_then_name(client, authors):
    facet = author_facet(client.get("/papers/"))
    assert options(facet)[:4] == [
        ("Adam Busy", 3),
        ("Zoe Prolific", 3),
        ("Mojmír Mutný", 2),
        ("Single Author 0", 1),
    ]
    assert facet.truncated  # eleven authors, eight shown


def test_the_find_box_shows_when_there_are_more_authors_than_listed(client, authors):
    page = client.get("/papers/").content.decode()
    assert 'name="find_author"' in page
    assert "Find an author" in page
    # Few authors: every one is listed already, no box.
    few = client.get("/topics/world-models/").content.decode()
    assert 'name="find_author"' not in few


def test_finding_narrows_the_options_and_keeps_their_counts(client, authors):
    response = client.get("/papers/?find_author=single+author")
    facet = author_facet(response)
    assert options(facet) == [(f"Single Author {n}", 1) for n in range(8)]
    assert not facet.truncated
    page = response.content.decode()
    assert 'value="single author"' in page  # the box keeps what was typed
    assert "Authors whose name has “single author”" in page
    # The other facets and the results are those of the whole catalogue.
    assert response.context["catalogue"].total == 11
    # Choosing an author ends the finding.
    assert 'href="/papers/?author=single-author-3"' in page


def test_finding_ignores_case_and_accents(client, authors):
    for text in ("MUTNÝ", "mutny", "Mojmir"):
        facet = author_facet(client.get("/papers/", {"find_author": text}))
        assert options(facet) == [("Mojmír Mutný", 2)], text


def test_finding_counts_over_the_search_and_the_other_filters(client, authors):
    response = client.get(
        "/papers/", {"find_author": "m", "topic": "world-models", "author": "zoe-prolific"}
    )
    facet = author_facet(response)
    assert options(facet) == [("Adam Busy", 3), ("Mojmír Mutný", 2)]
    assert [option.label for option in facet.selected] == ["Zoe Prolific"]
    form = find_form(response)
    # The box sends the filters again, so a second search keeps them.
    assert '<input type="hidden" name="topic" value="world-models">' in form
    assert '<input type="hidden" name="author" value="zoe-prolific">' in form


def test_on_a_topic_page_the_box_stays_on_the_topic(client, authors):
    response = client.get("/topics/world-models/", {"find_author": "busy"})
    assert options(author_facet(response)) == [("Adam Busy", 3)]
    form = find_form(response)
    assert 'action="/topics/world-models/#facet-author"' in form
    assert 'name="topic"' not in form  # the topic is in the path


def test_on_a_phone_the_folded_filters_open_to_show_the_authors_found(client, authors):
    folded = client.get("/papers/").content.decode()
    assert '<details class="facets-toggle">' in folded
    found = client.get("/papers/?find_author=busy").content.decode()
    assert '<details class="facets-toggle" open>' in found
    assert 'action="/papers/#facet-author"' in found  # and the page lands on them


def test_no_author_matches(client, authors):
    response = client.get("/papers/?find_author=nobody")
    assert response.status_code == 200
    assert author_facet(response).options == []
    page = response.content.decode()
    assert "No author of these papers has “nobody” in their name" in page
    assert 'value="nobody"' in page  # the box is still there to try again


@pytest.mark.parametrize(
    "text", ["\x00", "a\x00b", "x" * 5000, "%", "_", "'; drop table", "   ", "-", "é" * 200]
)
def test_odd_input_never_fails(client, authors, text):
    response = client.get("/papers/", {"find_author": text})
    assert response.status_code == 200
    assert len(response.context["catalogue"].find_author) <= 100


def test_like_wildcards_are_taken_literally(client, authors):
    assert author_facet(client.get("/papers/?find_author=%25")).options == []
    assert author_facet(client.get("/papers/?find_author=_")).options == []


def test_finding_costs_one_query_more(client, authors):
    """One grouped query over the authorships (on PostgreSQL under its own time limit,
    which adds the statements that set and reset it)."""

    def grouped_author_queries(url):
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return [q for q in queries if "core_authorship" in q["sql"] and "GROUP BY" in q["sql"]]

    plain = grouped_author_queries("/papers/")
    finding = grouped_author_queries("/papers/?find_author=busy")
    assert len(finding) == len(plain) + 1


def test_the_address_with_a_finding_is_not_indexed(client, authors):
    page = client.get("/papers/?find_author=busy").content.decode()
    assert '<meta name="robots" content="noindex, follow">' in page
