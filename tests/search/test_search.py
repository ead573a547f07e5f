"""Search and faceted filtering: /papers/ and /topics/<slug>/ (issue 3).

Runs on SQLite (FTS5) and PostgreSQL (tsvector + GIN) alike; the few tests that
only make sense on one database say so.
"""

import datetime as dt
import io
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from papers.core import derived
from papers.core.models import Author, Authorship, Paper, Topic
from papers.core.timelimit import TimeLimit
from papers.search import engines, highlight, schema
from papers.search import query as search_query
from tests.factories import (
    make_author,
    make_category,
    make_paper,
    make_repository,
    make_topic,
    make_user,
)

pytestmark = [pytest.mark.django_db, pytest.mark.engine]  # FTS5 and tsvector
POSTGRES = connection.vendor == "postgresql"
only_postgres = pytest.mark.skipif(not POSTGRES, reason="PostgreSQL only")


def text(response):
    return response.content.decode()


def titles(response):
    return [paper.title for paper in response.context["page_obj"]]


def found(q, **params):
    """Titles of the published papers matching ``q``, best first."""
    query = search_query.parse_query(q)
    papers = engines.with_rank(engines.filter_matching(Paper.objects.published(), query), query)
    return list(papers.order_by(*engines.RELEVANCE_ORDER).values_list("title", flat=True))


@pytest.fixture
def demo(db, demo_snapshot):
    demo_snapshot.restore()  # load_demo --anchor 2026-11-26 (tests/conftest.py)


# ---------------------------------------------------------------------------
# The query language (no database)


class TestParseQuery:
    def test_words_phrases_exclusions_and_or(self):
        query = search_query.parse_query('world "model based" -survey sora or video')
        assert query.websearch() == 'world "model based" sora or video -survey'
        assert query.fts5() == '("world" AND "model based" AND ("sora" OR "video")) NOT ("survey")'
        assert query.has_quotes

    def test_stop_words_are_not_searched(self):
        assert search_query.parse_query("theorem proving in Isabelle").websearch() == (
            "theorem proving isabelle"
        )
        # ...but they stay inside a phrase.
        assert search_query.parse_query('"proving in isabelle"').fts5() == '"proving in isabelle"'

    def test_unbalanced_quote_runs_to_the_end(self):
        query = search_query.parse_query('"world model')
        assert query.websearch() == '"world model"'
        assert any("quotation mark" in notice for notice in query.notices)

    def test_long_query_is_capped(self):
        query = search_query.parse_query("word " * 200)
        assert len(query.text) <= search_query.MAX_QUERY_LENGTH
        assert sum(len(group) for group in query.groups) <= search_query.MAX_TERMS
        assert query.notices

    def test_sql_and_html_are_just_words(self):
        query = search_query.parse_query("'; DROP TABLE core_paper; -- <script>alert(1)</script>")
        assert '"' not in query.fts5().replace('" AND "', "").strip('"()')
        assert "drop" in query.websearch()
        assert "<" not in query.websearch()

    def test_null_bytes_and_control_characters_are_dropped(self):
        assert search_query.parse_query("wor\x00ld\x1f model").websearch() == "wor ld model"

    @pytest.mark.parametrize("q", ["-survey", "the", "-", '""', "or", "   "])
    def test_nothing_to_search_for(self, q):
        assert not search_query.parse_query(q)

    def test_punctuated_word_is_a_phrase(self):
        assert search_query.parse_query("GPT-4").fts5() == '"gpt 4"'


def test_marked_html_escapes_before_marking():
    html = highlight.marked_html(
        f"<b>{highlight.START}x&y{highlight.STOP}</b>{highlight.START}open"
    )
    assert html == "&lt;b&gt;<mark>x&amp;y</mark>&lt;/b&gt;<mark>open</mark>"


# ---------------------------------------------------------------------------
# Ranking on the demo data


class TestRankingOnDemoData:
    def test_theorem_proving_in_isabelle_finds_subgoalxl_first(self, demo):
        assert found("theorem proving in Isabelle")[0].startswith("SubgoalXL")

    def test_world_model_puts_the_three_world_model_papers_on_top(self, demo):
        top = found("world model")[:3]
        assert {title.split(":")[0] for title in top} == {
            "Is Sora a World Simulator? A Comprehensive Survey on General World Models and Beyond",
            "How Far is Video Generation from World Model",
            "DINO-WM",
        }

    def test_phrase_and_exclusion(self, demo):
        assert len(found('"world model"')) == 3
        without_surveys = found('"world model" -survey')
        assert len(without_surveys) == 2
        assert not any("Survey" in title for title in without_surveys)

    def test_or(self, demo):
        either = found("sora or hypergraph")
        assert set(found("sora")) | set(found("hypergraph")) == set(either)
        assert len(either) > len(found("sora"))

    def test_author_and_topic_names_are_searched(self, demo):
        assert found("Levine") == ["ViNT: A Foundation Model for Visual Navigation"]
        assert "Submodular Reinforcement Learning" in found('"combinatorial optimization"')

    def test_relevance_is_the_default_sort_of_a_search(self, demo, client):
        response = client.get("/papers/", {"q": "theorem proving in Isabelle"})
        assert response.context["catalogue"].sort == "relevance"
        assert titles(response)[0].startswith("SubgoalXL")


def test_title_beats_author_beats_abstract(db):
    abstract = make_paper(title="Third", abstract="We study the zorblax method in depth.")
    author = make_paper(title="Second", authors=["Ada Zorblax"])
    title = make_paper(title="Zorblax Networks")
    for paper in (abstract, author, title):  # popularity must not decide
        Paper.objects.filter(pk=paper.pk).update(upvote_count=100 - len(paper.title))
    assert found("zorblax") == ["Zorblax Networks", "Second", "Third"]


# ---------------------------------------------------------------------------
# The index follows edits


class TestIndexFollowsEdits:
    def test_new_edited_and_deleted_papers(self):
        paper = make_paper(title="Quasar Lensing")
        assert found("quasar") == ["Quasar Lensing"]
        paper.title = "Pulsar Timing"
        paper.save()
        assert found("quasar") == []
        assert found("pulsar") == ["Pulsar Timing"]
        Paper.objects.filter(pk=paper.pk).update(abstract="About magnetars.")
        assert found("magnetars") == ["Pulsar Timing"]
        paper.delete()
        assert found("pulsar") == []

    def test_admin_author_edits(self, client, django_capture_on_commit_callbacks):
        client.force_login(make_user(is_staff=True, is_superuser=True))
        paper = make_paper(title="Some Paper", authors=["Grace Hopper", "Alan Turing"])
        turing = Author.objects.get(name="Alan Turing")
        response = client.post(
            f"/admin/core/author/{turing.pk}/change/",
            {
                "name": "Alan M. Turingson",
                "slug": turing.slug,
                "aliases-TOTAL_FORMS": "0",
                "aliases-INITIAL_FORMS": "0",
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        assert found("turingson") == ["Some Paper"]
        hopper = Author.objects.get(name="Grace Hopper")
        response = client.post(f"/admin/core/author/{hopper.pk}/delete/", {"post": "yes"})
        assert response.status_code == 302
        assert found("hopper") == []
        assert found("turingson") == [paper.title]

    def test_admin_topic_edits(self, client):
        client.force_login(make_user(is_staff=True, is_superuser=True))
        topic = make_topic("Quantum Widgets")
        make_paper(title="Some Paper", topics=[topic])
        assert found("widgets") == ["Some Paper"]
        response = client.post(
            f"/admin/core/topic/{topic.pk}/change/",
            {"name": "Quantum Gadgets", "slug": topic.slug, "description": ""},
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        assert found("widgets") == []
        assert found("gadgets") == ["Some Paper"]
        response = client.post(f"/admin/core/topic/{topic.pk}/delete/", {"post": "yes"})
        assert response.status_code == 302
        assert found("gadgets") == []

    def test_every_writer_calls_papers_changed(self):
        """Writers outside the services (here the ORM by hand) say which papers they
        changed; until then the search text is stale, after it is fresh."""
        paper = make_paper(title="Some Paper", authors=["Grace Hopper"])
        Authorship.objects.create(paper=paper, author=make_author("Ada Lovelace"), position=2)
        assert found("lovelace") == []
        derived.papers_changed(paper_ids=[paper.pk])
        assert found("lovelace") == ["Some Paper"]

    def test_admin_edit(self, client):
        client.force_login(make_user(is_staff=True, is_superuser=True))
        paper = make_paper(title="Walrus Tusks", authors=["Old Name"])
        authorship = paper.authorships.get()
        newcomer = make_author("Ferdinand Newcomer")
        topic = make_topic("Admin Topic")
        response = client.post(
            f"/admin/core/paper/{paper.pk}/change/",
            {
                "title": "Narwhal Tusks",
                "abstract": "Edited in the admin.",
                "status": "published",
                "listed_on": paper.listed_on.isoformat(),
                "arxiv_id": paper.arxiv_id,
                "topics": [topic.pk],
                "authorships-TOTAL_FORMS": "1",
                "authorships-INITIAL_FORMS": "1",
                "authorships-0-id": authorship.pk,
                "authorships-0-paper": paper.pk,
                "authorships-0-position": "1",
                "authorships-0-author": newcomer.pk,
                "code_links-TOTAL_FORMS": "0",
                "code_links-INITIAL_FORMS": "0",
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        assert found("narwhal") == ["Narwhal Tusks"]
        assert found("walrus") == []
        assert found("newcomer") == ["Narwhal Tusks"]
        assert found("old name") == []
        assert found('"admin topic"') == ["Narwhal Tusks"]

    def test_bulk_writers_refresh_the_papers_they_wrote(self):
        papers = Paper.objects.bulk_create(
            [Paper(title=f"Bulk Paper {n}", arxiv_id=f"2402.{n:05d}") for n in range(3)]
        )
        author = make_author("Bulky Writer")
        Authorship.objects.bulk_create(
            Authorship(paper=paper, author=author, position=1) for paper in papers
        )
        assert found("bulky") == []  # not yet...
        assert derived.refresh_papers([p.pk for p in papers]) == 3  # ...the writer says so
        assert len(found("bulky")) == 3
        assert derived.refresh_papers([p.pk for p in papers]) == 0  # nothing left to change
        assert Paper.objects.get(pk=papers[0].pk).year == 2024

    def test_rebuild_command_repairs_the_index(self):
        make_paper(title="Rebuilt Paper", authors=["Rita Rebuild"])
        Paper.objects.update(authors_text="")
        assert found("rita") == []
        call_command("rebuild_search_index", stdout=io.StringIO())
        assert found("rita") == ["Rebuilt Paper"]

    def test_schema_repair_after_the_triggers_are_lost(self):
        if POSTGRES:
            with connection.cursor() as cursor:
                cursor.execute("DROP TRIGGER core_paper_search_vector ON core_paper")
        else:
            with connection.cursor() as cursor:
                for name in schema.SQLITE_TRIGGERS:
                    cursor.execute(f"DROP TRIGGER {name}")
        assert not schema.schema_is_complete(connection)
        make_paper(title="Written While Broken")
        assert schema.ensure_schema() is True
        assert found("broken") == ["Written While Broken"]
        assert schema.ensure_schema() is False


def test_year_comes_from_the_published_date_or_the_arxiv_id(db):
    assert make_paper(published=dt.date(2021, 5, 1), arxiv_id="2306.00001").year == 2021
    assert make_paper(published=None, arxiv_id="2306.00002").year == 2023
    assert make_paper(published=None, arxiv_id="hep-th/9901001").year == 1999
    assert make_paper(published=None, arxiv_id="math/0211159").year == 2002
    assert make_paper(published=None, arxiv_id=None).year is None
    paper = make_paper(published=None, arxiv_id="2306.00003")
    paper.published = dt.date(2020, 1, 1)
    paper.save(update_fields=["published"])
    paper.refresh_from_db()
    assert paper.year == 2020


# ---------------------------------------------------------------------------
# Facets


def _click(catalogue, facet, option):
    """The query string that clicking ``option`` gives (what the template links to)."""
    params = catalogue.params.copy()
    if facet.multiple:
        params.setlist(facet.name, [*params.getlist(facet.name), option.value])
    else:
        params[facet.name] = option.value
    return params.urlencode()


FACET_STATES = [
    "",
    "q=model",
    "q=language+models&topic=large-language-models",
    "category=cs.LG",
    "category=cs.LG&category=cs.CL",
    "year=2024&has_code=true",
    "q=graph&has_code=false",
    "framework=pytorch",
    "author=noah-d-goodman",
]


@pytest.fixture
def demo_with_frameworks(demo):
    from papers.core.models import Repository

    repositories = list(Repository.objects.order_by("pk"))
    for n, repository in enumerate(repositories):
        repository.framework = ["pytorch", "jax", ""][n % 3]
        repository.save()


@pytest.mark.parametrize("state", FACET_STATES)
def test_each_facet_count_equals_the_results_after_clicking(client, demo_with_frameworks, state):
    response = client.get(f"/papers/?{state}")
    assert response.status_code == 200
    catalogue = response.context["catalogue"]
    assert catalogue.total == catalogue.page_obj.paginator.count
    clicked = 0
    for facet in catalogue.facets.facets:
        assert facet.available
        for option in facet.options:
            after = client.get(f"/papers/?{_click(catalogue, facet, option)}")
            assert after.status_code == 200
            assert after.context["catalogue"].total == option.count, (facet.name, option)
            clicked += 1
    assert clicked >= 5


def test_facet_total_matches_a_plain_count(client, demo):
    response = client.get("/papers/", {"q": "model", "has_code": "true"})
    expected = engines.filter_matching(
        Paper.objects.published().filter(has_code=True), search_query.parse_query("model")
    ).count()
    assert response.context["catalogue"].total == expected


def test_facets_list_top_options_then_more(client, db):
    topics = [make_topic(f"Topic {n:02d}", slug=f"t-{n:02d}") for n in range(12)]
    for n, topic in enumerate(topics):
        for _ in range(n + 1):
            make_paper(topics=[topic])
    response = client.get("/papers/")
    facet = response.context["catalogue"].facets["topic"]
    assert [o.value for o in facet.options] == [f"t-{n:02d}" for n in range(11, 3, -1)]
    assert facet.truncated
    assert "?more=topic" in text(response)
    facet = client.get("/papers/?more=topic").context["catalogue"].facets["topic"]
    assert len(facet.options) == 12
    assert not facet.truncated


def test_selected_options_show_first_as_removable_chips(client, demo):
    response = client.get(
        "/papers/", {"q": "reasoning", "topic": ["reasoning", "large-language-models"]}
    )
    facet = response.context["catalogue"].facets["topic"]
    assert [o.value for o in facet.selected] == ["large-language-models", "reasoning"] or [
        o.value for o in facet.selected
    ] == ["reasoning", "large-language-models"]
    assert all(o.value not in {"reasoning", "large-language-models"} for o in facet.options)
    body = text(response)
    assert 'href="/papers/?q=reasoning&amp;topic=large-language-models"' in body  # drop one
    assert 'href="/papers/?q=reasoning"' in body  # clear all keeps the search
    assert "Clear all" in body


def test_topic_filter_is_and_category_filter_is_or(client, db):
    a, b = make_topic("A", slug="a"), make_topic("B", slug="b")
    lg, cl = make_category("cs.LG"), make_category("cs.CL", "Computation and Language")
    make_paper(title="Both", topics=[a, b], categories=[lg])
    make_paper(title="Only A", topics=[a], categories=[cl])
    make_paper(title="Neither")
    assert titles(client.get("/papers/?topic=a&topic=b")) == ["Both"]
    assert sorted(titles(client.get("/papers/?category=cs.LG&category=cs.CL"))) == [
        "Both",
        "Only A",
    ]


def test_facets_as_plain_data_for_an_api(client, demo):
    facets = client.get("/papers/", {"q": "graph"}).context["catalogue"].facets
    data = [facet.as_dict() for facet in facets.facets]
    topic = next(facet for facet in data if facet["name"] == "topic")
    assert set(topic["options"][0]) == {"value", "label", "count"}
    assert isinstance(topic["options"][0]["count"], int)


def test_a_facet_that_runs_out_of_time_says_so(client, demo, monkeypatch):
    from django.db import OperationalError

    from papers.search import facets

    def too_slow(*args, **kwargs):
        raise OperationalError("canceling statement due to statement timeout")

    monkeypatch.setattr(facets, "_grouped", too_slow)
    response = client.get("/papers/", {"q": "graph"})
    assert response.status_code == 200
    catalogue = response.context["catalogue"]
    assert not catalogue.facets["topic"].available
    assert catalogue.facets["year"].available  # the others still count
    assert "Counts are unavailable right now" in text(response)
    assert catalogue.total == len(found("graph"))


def test_time_limit_interrupts_a_slow_query(db):
    slow = (
        "SELECT pg_sleep(2)"
        if POSTGRES
        else "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c) "
        "SELECT count(*) FROM c"
    )

    def run(sql):
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchone()

    # (A generous budget: this checks the interruption, not the budget, on a busy machine.)
    with TimeLimit("default", 50, budget_ms=10_000) as limit:
        assert limit.run("slow", lambda: run(slow)) is None
        assert limit.run("fast", lambda: run("SELECT 1")) == (1,)
    assert limit.timed_out == ["slow"]
    assert Paper.objects.count() == 0  # the connection still works afterwards


# ---------------------------------------------------------------------------
# The page: sorts, pagination, topic pages, highlighting, no dead ends


def test_sorts(client, db):
    old = make_paper(title="Old Popular", listed_on=dt.date(2025, 1, 1), upvote_count=9)
    new = make_paper(title="New Quiet", listed_on=dt.date(2025, 6, 1), upvote_count=1)
    hot = make_paper(title="Hot Topic", listed_on=dt.date(2025, 3, 1), upvote_count=3)
    Paper.objects.filter(pk=hot.pk).update(trending_score=5.0)
    assert titles(client.get("/papers/?sort=top")) == [old.title, hot.title, new.title]
    assert titles(client.get("/papers/?sort=new")) == [new.title, hot.title, old.title]
    assert titles(client.get("/papers/?sort=trending"))[0] == hot.title
    # Relevance needs a search; without one the default sort is used.
    response = client.get("/papers/?sort=relevance")
    assert response.status_code == 200
    assert response.context["catalogue"].sort == "top"
    sorts = [key for key, _ in response.context["catalogue"].sorts]
    assert "relevance" not in sorts


def test_pagination_with_total(client, settings, db):
    settings.PAPERS_PER_PAGE = 5
    for n in range(12):
        make_paper(title=f"Paged paper {n}", upvote_count=n)
    first = client.get("/papers/", {"q": "paged"})
    assert first.context["page_obj"].paginator.count == 12
    assert first.context["page_obj"].paginator.num_pages == 3
    assert "12 papers" in text(first)
    third = client.get("/papers/", {"q": "paged", "page": 3})
    assert len(third.context["page_obj"]) == 2
    assert 'href="?q=paged&amp;page=2"' in text(third)


def test_results_window_caps_deep_pages(client, settings, db):
    settings.PAPERS_PER_PAGE = 2
    settings.SEARCH_MAX_RESULTS_WINDOW = 4
    for n in range(7):
        make_paper(title=f"Deep paper {n}")
    response = client.get("/papers/?page=2")
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.num_pages == 2
    assert response.context["catalogue"].total == 7
    response = client.get("/papers/?page=3")
    assert response.status_code == 404
    assert "Only the first 4 results" in text(response)


def test_changing_a_filter_drops_the_page(client, settings, db):
    settings.PAPERS_PER_PAGE = 1
    topic = make_topic("Paged", slug="paged")
    for _ in range(3):
        make_paper(topics=[topic])
    body = text(client.get("/papers/?page=2"))
    assert 'href="/papers/?topic=paged"' in body
    assert "page=2&amp;topic" not in body and "topic=paged&amp;page" not in body


def test_topic_page_is_the_catalogue_with_the_topic_chosen(client, demo):
    response = client.get("/topics/world-models-video-generation/", {"q": "video"})
    assert response.status_code == 200
    catalogue = response.context["catalogue"]
    assert [o.value for o in catalogue.facets["topic"].selected] == [
        "world-models-video-generation"
    ]
    everywhere = client.get(
        "/papers/", {"q": "video", "topic": "world-models-video-generation"}
    ).context["catalogue"]
    assert catalogue.total == everywhere.total > 0
    body = text(response)
    assert "World Models &amp; Video Generation</h1>" in body or "World Models &amp; Video" in body
    # Removing the topic leaves the topic page for the catalogue; adding one stays here.
    assert 'href="/papers/?q=video"' in body
    assert 'href="/topics/world-models-video-generation/?q=video&amp;topic=' in body


def test_snippets_are_highlighted_and_escaped(client, db):
    make_paper(
        title="Escaping Test",
        abstract='We <script>alert("x")</script> study the zorblax & friends where a<b and c>d.',
    )
    response = client.get("/papers/", {"q": "zorblax"})
    body = text(response)
    snippet = str(response.context["page_obj"][0].search_snippet)
    assert "<mark>zorblax</mark>" in snippet
    assert "&amp; friends" in snippet
    assert "a&lt;b and c&gt;d" in snippet
    assert "&lt;script&gt;alert(" in snippet
    assert "<script>alert" not in body
    assert snippet in body


def test_search_box_in_the_header_searches_from_every_page(client, demo):
    home = text(client.get("/"))
    assert 'action="/papers/"' in home and 'name="q"' in home
    response = client.get("/papers/", {"q": "sora"})
    assert 'value="sora"' in text(response)


def test_zero_results_offer_ways_out(client, demo):
    response = client.get(
        "/papers/", {"q": '"world model" -survey zzzqqq', "topic": "reasoning", "year": "2019"}
    )
    assert response.status_code == 200
    assert response.context["catalogue"].total == 0
    body = text(response)
    assert "No papers match" in body
    assert "Remove topic “Reasoning”" in body
    assert "Remove year “2019”" in body
    assert "Search without quotes" in body
    assert "Search without the excluded words" in body
    assert "Match any of the words" in body
    assert "Search all papers for" in body


def test_approximate_author_names(client, db):
    make_paper(title="Long Short-Term Memory", authors=["Jürgen Schmidhuber"])
    make_paper(title="Unrelated")
    response = client.get("/papers/", {"q": "schmidhubr"})
    assert titles(response) == ["Long Short-Term Memory"]
    assert "similar name" in text(response)
    assert response.context["catalogue"].approximate["authors"][0].name == "Jürgen Schmidhuber"


# ---------------------------------------------------------------------------
# Bad input: a clear message or a 400/404, never a 500


BAD_INPUTS = [
    ("topic=no-such-topic", 400, "There is no topic"),
    ("topic=reasoning&topic=no-such-topic", 400, "There is no topic"),
    ("category=xx.YY", 400, "There is no arXiv category"),
    ("author=nobody-at-all", 400, "There is no author"),
    ("year=abc", 400, "The year must be a number"),
    ("year=99999", 400, "less than or equal to 2100"),
    ("year=2024.5", 400, "The year must be a number"),
    ("has_code=maybe", 400, "Code can be"),
    ("framework=../../etc/passwd", 400, "A framework is a short name"),
    ("sort=bogus", 400, "Sort can be"),
    ("page=abc", 404, "whole number"),
    ("page=99999", 404, "There is no page 99999"),
    ("page=0", 404, "There is no page 0"),
    ("page=-1", 404, "There is no page"),
    ("q=" + "a" * 5000, 200, "limited to 200 characters"),
    ("q=%22unbalanced+quote", 200, "not closed"),
    ("q=%27%3B+DROP+TABLE+core_paper%3B+--", 200, "No papers match"),
    ("q=%3Cscript%3Ealert(1)%3C%2Fscript%3E", 200, "&lt;script&gt;"),
    ("q=%00world%00", 200, "papers"),
    ("topic=%00", 200, "papers"),  # NUL is dropped on the way in: no filter left
    ("year=%00", 200, "papers"),
    ("q=-survey", 200, "Add a word to search for"),
    ("q=the", 200, "Add a word to search for"),
    ("q=sora&q=hypergraph", 200, "hypergraph"),
    ("year=2023&year=2024", 200, "2024"),
    ("topic=reasoning&topic=reasoning", 200, "Reasoning"),
    ("&".join(f"topic=t{n}" for n in range(30)), 400, "At most 10 topic values"),
    ("more=topic&more=bogus&more=topic", 200, "papers"),
    ("q=%E2%80%AE%F0%9F%98%80+model", 200, "papers"),
    ("q=a%20or%20or%20-", 200, "papers"),
]


@pytest.mark.parametrize(("query", "status", "message"), BAD_INPUTS)
def test_bad_input(client, demo, query, status, message):
    response = client.get(f"/papers/?{query}")
    assert response.status_code == status
    assert message in text(response)
    assert Paper.objects.exists()  # and nothing was dropped


def test_bad_input_on_topic_pages(client, demo):
    assert client.get("/topics/no-such-topic/").status_code == 404
    assert client.get("/topics/reasoning/?year=abc").status_code == 400
    assert client.get("/topics/reasoning/?page=99999").status_code == 404


def test_links_are_built_from_the_valid_request_only(client, demo):
    body = text(client.get("/papers/?topic=no-such-topic&q=graph"))
    assert "There is no topic “no-such-topic”" in body
    assert "topic=no-such-topic" not in body


# ---------------------------------------------------------------------------
# Query count and the index


def _grow(count):
    topic = Topic.objects.get(slug="reasoning")
    for n in range(count):
        make_paper(
            title=f"Reasoning growth paper {n}",
            abstract="Reasoning about world models.",
            authors=[make_author(), make_author()],
            topics=[topic, make_topic()],
            repositories=[make_repository(framework="pytorch")],
            categories=[make_category("cs.LG")],
        )


@pytest.mark.parametrize(
    "url",
    [
        "/papers/?q=reasoning",
        "/papers/?q=reasoning&topic=reasoning&category=cs.LG&has_code=true&sort=new",
        "/papers/?q=reasoning&author=noah-d-goodman&year=2025&framework=pytorch",
        "/topics/reasoning/?q=reasoning",
    ],
)
def test_query_count_is_constant(client, demo, url):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    before = count()
    _grow(15)
    assert count() == before
    # At most: topic page (2), filter validation (1-3), facets (6, over the matching
    # ids fetched once: the planner's estimate and the ids), results (1 + 3
    # prefetches), snippets (1); on PostgreSQL also the time limits around the facets
    # and the ranking (2 each, plus a savepoint each inside the test's transaction).
    assert before <= 24


@only_postgres
def test_postgres_uses_the_gin_index_for_search(db):
    Paper.objects.bulk_create(
        Paper(title=f"Filler paper {n}", abstract=f"About ordinary things, number {n}.")
        for n in range(3000)
    )
    make_paper(title="Zorblax Networks")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE core_paper")
    query = search_query.parse_query("zorblax networks")
    papers = engines.filter_matching(Paper.objects.published(), query)
    plan = papers.explain()
    assert "Bitmap Index Scan on paper_search_vector_idx" in plan, plan
    assert list(papers.values_list("title", flat=True)) == ["Zorblax Networks"]


def test_canonical_params_keep_only_valid_values(client, demo):
    response = client.get("/papers/?q=graph&topic=reasoning&topic=nope&year=x&sort=new&utm=1")
    params = response.context["catalogue"].params
    assert params == QueryDict(urlencode({"q": "graph", "topic": "reasoning", "sort": "new"}))


def test_facet_counts_are_cached_briefly(client, demo, settings):
    settings.SEARCH_FACET_CACHE_SECONDS = 60

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/papers/", {"q": "graph", "has_code": "true"})
        return len(queries), response.context["catalogue"]

    cold, first = count()
    warm, second = count()
    assert warm <= cold - 5  # no facet queries the second time
    assert [f.as_dict() for f in second.facets.facets] == [f.as_dict() for f in first.facets.facets]
    assert second.total == first.total


def test_relevance_that_runs_out_of_time_falls_back_to_top(client, demo, monkeypatch):
    from papers.search import catalogue as catalogue_search

    monkeypatch.setattr(catalogue_search, "_load_in_time", lambda page: False)
    response = client.get("/papers/", {"q": "graph"})
    assert response.status_code == 200
    assert "shown most upvoted first rather than by relevance" in text(response)
    papers = list(response.context["page_obj"])
    assert [p.upvote_count for p in papers] == sorted(
        (p.upvote_count for p in papers), reverse=True
    )
    assert len(papers) == response.context["catalogue"].total


def test_ranking_that_runs_out_of_time_falls_back_to_most_upvoted(client, demo, monkeypatch):
    from papers.search import catalogue as catalogue_search

    monkeypatch.setattr(catalogue_search, "_load_in_time", lambda page: False)
    response = client.get("/papers/", {"q": "graph"})
    assert response.status_code == 200
    assert "shown most upvoted first rather than by relevance" in text(response)
    shown = [paper.upvote_count for paper in response.context["page_obj"]]
    assert shown == sorted(shown, reverse=True)
    assert response.context["catalogue"].total == len(found("graph"))
