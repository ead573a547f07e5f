"""Relevance: phrases and words typed side by side rank above scattered words, a
phrase in the title above one elsewhere; quoted phrases match only the phrase.

Runs on both engines (SQLite FTS5 by default, PostgreSQL with DATABASE_URL).
"""

import io
import re

import pytest
from django.core.management import call_command
from django.db import connection

from papers.core.models import Paper
from papers.search import engines
from papers.search.query import parse_query
from tests.factories import make_paper, make_topic

pytestmark = [pytest.mark.django_db, pytest.mark.engine]


def ranked(q):
    """The published papers matching ``q``, best first."""
    query = parse_query(q)
    papers = engines.with_rank(engines.filter_matching(Paper.objects.published(), query), query)
    return list(papers.order_by(*engines.RELEVANCE_ORDER))


def titles(q):
    return [paper.title for paper in ranked(q)]


def tier(paper, phrase):
    """2: the phrase is in the title; 1: in the topics or the abstract; 0: nowhere."""
    if re.search(phrase, paper.title, re.IGNORECASE):
        return 2
    if re.search(phrase, f"{paper.topics_text}\n{paper.abstract}", re.IGNORECASE):
        return 1
    return 0


@pytest.fixture
def demo(db):
    call_command("load_demo", anchor="2026-11-26", stdout=io.StringIO())


class TestPhrasesOfAQuery:
    @pytest.mark.parametrize(
        ("q", "phrases"),
        [
            ("world model", [("world", "model")]),
            ('"world model"', [("world", "model")]),
            ("diffusion policy planning", [("diffusion", "policy"), ("policy", "planning")]),
            # The common words typed between two words stay between them.
            (
                "theorem proving in Isabelle",
                [("theorem", "proving"), ("proving", "in", "isabelle")],
            ),
            ("GPT-4 model", [("gpt", "4")]),  # a written phrase; nothing typed beside it
            ("sora or hypergraph video", []),  # words joined by "or" are alternatives
            ("world -survey model", []),  # not typed side by side
            ("learning", []),
        ],
    )
    def test_phrases(self, q, phrases):
        assert list(parse_query(q).phrases()) == phrases


class TestDemoData:
    WORLD_MODEL = r"\bworld\W+model(s|ing|ling)?\b"

    def test_world_model_papers_come_first_with_the_phrase_in_the_title_first(self, demo):
        papers = ranked("world model")
        tiers = [tier(paper, self.WORLD_MODEL) for paper in papers]
        # Three papers say "world model(s)", all in their titles: they lead, and every
        # paper that only says "modeling" or "real-world" comes after them.
        assert tiers[:3] == [2, 2, 2]
        assert set(tiers[3:]) == {0}
        assert len(papers) > 3
        assert {paper.title.split(":")[0] for paper in papers[:3]} == {
            "Is Sora a World Simulator? A Comprehensive Survey on General World Models and Beyond",
            "How Far is Video Generation from World Model",
            "DINO-WM",
        }

    @pytest.mark.parametrize(
        ("q", "phrase"),
        [
            ("world model", WORLD_MODEL),
            ("machine learning", r"\bmachine\W+learn\w*"),
            ("reinforcement learning", r"\breinforcement\W+learn\w*"),
            ("language models", r"\blanguage\W+model\w*"),
            ("neural networks", r"\bneural\W+network\w*"),
        ],
    )
    def test_title_phrase_then_phrase_then_scattered_words(self, demo, q, phrase):
        tiers = [tier(paper, phrase) for paper in ranked(q)]
        assert tiers == sorted(tiers, reverse=True), tiers
        assert tiers[0] == 2  # the demo has each phrase in some title

    def test_quoted_phrase_matches_only_the_phrase(self, demo):
        quoted = ranked('"world model"')
        assert len(quoted) == 3
        assert all(tier(paper, self.WORLD_MODEL) for paper in quoted)
        everything = ranked("world model")
        assert len(everything) > len(quoted)

    def test_theorem_proving_in_isabelle(self, demo):
        assert titles("theorem proving in Isabelle")[0].startswith("SubgoalXL")


def test_phrase_in_title_then_phrase_then_scattered_words(db):
    # The scattered paper has both words in its title, many times in its abstract and
    # the most votes: with the words apart it still comes last.
    scattered = make_paper(
        title="Modeling the Real World",
        abstract="Real-world data needs modeling. We model the world; the world is modeled by us.",
        upvote_count=50,
    )
    in_abstract = make_paper(
        title="Planning in Latent Space",
        abstract="A long abstract. " * 30 + "We learn a world model of the environment.",
    )
    in_title = make_paper(title="World Models for Robots", abstract="Robots act.")
    assert titles("world model") == [in_title.title, in_abstract.title, scattered.title]
    assert titles("world models") == [in_title.title, in_abstract.title, scattered.title]


def test_more_of_the_typed_phrases_rank_higher(db):
    none = make_paper(title="Planning", abstract="Diffusion, and a policy.")
    one = make_paper(title="Steering", abstract="Diffusion of a policy planning method.")
    both = make_paper(title="Steering Two", abstract="A diffusion policy planning method.")
    assert titles("diffusion policy planning") == [both.title, one.title, none.title]


def test_common_words_typed_between_stay_between(db):
    apart = make_paper(title="Isabelle", abstract="Proving theorems, in a way: isabelle.")
    together = make_paper(title="Provers", abstract="Proving in Isabelle, with hammers.")
    assert titles("proving in isabelle") == [together.title, apart.title]


def test_a_topic_with_the_phrase_counts_as_the_phrase(db):
    apart = make_paper(title="Model Based", abstract="The world, and a model of it.")
    topical = make_paper(
        title="Video Prediction",
        abstract="We model the world.",
        topics=[make_topic("World Models & Video Generation")],
    )
    assert titles("world model") == [topical.title, apart.title]


class TestQuotedPhrases:
    def test_only_the_phrase_matches(self, db):
        make_paper(title="Modeling the Real World", abstract="Modeling real-world data.")
        make_paper(title="A Model of the World", abstract="The model and the world.")
        phrase = make_paper(title="Planning", abstract="We learn world models.")
        hyphen = make_paper(title="Dreaming", abstract="A world-model approach.")
        assert sorted(titles('"world model"')) == sorted([phrase.title, hyphen.title])

    def test_a_phrase_does_not_run_from_one_field_into_the_next(self, db):
        # "...Real World" ends the title and "Models..." starts the abstract: the words
        # are next to each other in the index but not in any text a reader sees.
        make_paper(title="Robots in the Real World", abstract="Models are compressed.")
        make_paper(title="Learning World", topics=[make_topic("Models of Mind")])
        inside = make_paper(title="Dreamer", abstract="It learns a world model.")
        assert titles('"world model"') == [inside.title]
        assert len(titles("world model")) == 3  # the words alone still find all three

    def test_excluding_a_phrase_excludes_only_the_phrase(self, db):
        crossing = make_paper(title="Robots in the Real World", abstract="Models are compressed.")
        make_paper(title="Dreamer", abstract="It learns a world model.")
        apart = make_paper(title="A Model of the World", abstract="Nothing else.")
        assert sorted(titles('world model -"world model"')) == sorted([crossing.title, apart.title])

    def test_or_between_a_phrase_and_a_word(self, db):
        phrase = make_paper(title="Dreamer", abstract="It learns a world model.")
        sora = make_paper(title="Sora", abstract="Video.")
        make_paper(title="Robots in the Real World", abstract="Models are compressed.")
        assert sorted(titles('"world model" or sora')) == sorted([phrase.title, sora.title])


# ---------------------------------------------------------------------------
# A bounded number of matches is scored


@pytest.fixture
def many(db):
    """Seven papers saying "zorblax", by votes: the best matches have the fewest votes."""
    papers = [
        make_paper(title=f"Zorblax {n}" if n >= 4 else f"Paper {n}", abstract="About zorblax.")
        for n in range(7)
    ]
    for votes, paper in enumerate(papers):  # Paper 0 has 0 votes ... Zorblax 6 has 6
        Paper.objects.filter(pk=paper.pk).update(upvote_count=votes)
    make_paper(title="Other", abstract="Nothing to see.")
    return papers


def full_order(q):
    return [paper.title for paper in ranked(q)]


def bounded(q, monkeypatch, bound, total):
    monkeypatch.setattr(engines, "RANK_CANDIDATES", bound)
    query = parse_query(q)
    return engines.ranked(
        engines.filter_matching(Paper.objects.published(), query), query, total=total
    )


def test_the_most_upvoted_matches_are_scored_then_the_rest_by_votes(many, monkeypatch):
    order = bounded("zorblax", monkeypatch, bound=3, total=7)
    assert isinstance(order, engines.BoundedRanking)
    # The three most upvoted (Zorblax 6, 5, 4: titles with the word) best first, then
    # the other matches most upvoted first.
    first = [paper.title for paper in order[0:3]]
    assert sorted(first) == ["Zorblax 4", "Zorblax 5", "Zorblax 6"]
    assert all(paper.search_rank > 0 for paper in order[0:3])
    assert [paper.title for paper in order[3:7]] == ["Paper 3", "Paper 2", "Paper 1", "Paper 0"]
    # A page across the two parts, and the whole, list every match once.
    assert [paper.title for paper in order[2:5]] == [first[2], "Paper 3", "Paper 2"]
    assert len(order[2:5]) == 3
    every = [paper.title for paper in order[0:7]]
    assert sorted(every) == sorted(full_order("zorblax"))


def test_a_search_within_the_bound_is_ranked_as_without_one(many, monkeypatch):
    order = bounded("zorblax", monkeypatch, bound=7, total=7)
    assert not isinstance(order, engines.BoundedRanking)
    assert [paper.title for paper in order] == full_order("zorblax")
    assert full_order("zorblax")[:4] == ["Zorblax 6", "Zorblax 5", "Zorblax 4", "Paper 3"]


def test_the_page_ranks_within_the_bound_and_is_not_degraded(client, settings, many, monkeypatch):
    monkeypatch.setattr(engines, "RANK_CANDIDATES", 3)
    settings.PAPERS_PER_PAGE = 2
    first = client.get("/papers/", {"q": "zorblax"})
    second = client.get("/papers/", {"q": "zorblax", "page": 2})
    last = client.get("/papers/", {"q": "zorblax", "page": 4})
    for response in (first, second, last):
        assert response.status_code == 200
        assert "X-Degraded" not in response.headers
        assert not any("most upvoted first" in n for n in response.context["catalogue"].notices)
    pages = [[paper.title for paper in r.context["page_obj"]] for r in (first, second, last)]
    assert sorted(pages[0]) == ["Zorblax 5", "Zorblax 6"]
    assert pages[1] == ["Zorblax 4", "Paper 3"]  # across the bound
    assert pages[2] == ["Paper 0"]
    assert first.context["catalogue"].total == 7


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner")
@pytest.mark.parametrize("common", [True, False])
def test_candidates_are_read_the_cheaper_way(many, monkeypatch, common):
    """A common word: down the index of the most upvoted; a rarer one: from the full-text
    index, sorted by an expression no index gives. The same papers either way."""
    engine = engines.POSTGRES
    # The planner's estimates: papers published, then papers matching.
    estimates = iter([1000, 1000] if common else [1_000_000, 10])
    monkeypatch.setattr(type(engine), "_estimated_rows", staticmethod(lambda qs: next(estimates)))
    query = parse_query("zorblax")
    candidates = engine.candidates(engines.filter_matching(Paper.objects.published(), query), 3)
    sql = str(candidates.query)
    assert ('"upvote_count" + 0' in sql) is not common, sql
    assert list(candidates.values_list("pk", flat=True)) == [p.pk for p in reversed(many[-3:])]


def test_estimated_rows_reads_the_plan(many):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's planner")
    assert engines.POSTGRES._estimated_rows(Paper.objects.published()) >= 1
