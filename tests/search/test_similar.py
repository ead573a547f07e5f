"""'More like this': similar papers on a paper's page, ``/papers/?like=``, the API.

Run on SQLite and on PostgreSQL (DATABASE_URL): the ranking comes from each
database's own full-text index (papers/search/engines/).
"""

import pytest
from django.core.cache import cache
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext

from papers.core.models import Paper
from papers.search import engines, similar
from tests.factories import make_author, make_paper, make_topic

pytestmark = pytest.mark.engine  # each database ranks from its own full-text index
DINO_WM = "2411.04983"
WORLD_MODEL_PAPERS = {"2405.03520", "2411.02385"}  # Sora as world simulator; video as world model
SUBGOALXL = "2408.11172"
REASONING_PAPERS = {
    "2405.13144",  # Mamo: mathematical modelling benchmark
    "2501.11223",  # Reasoning language models: a blueprint
    "2503.01307",  # Cognitive behaviours of self-improving reasoners
    "2301.12726",  # Multi-step reasoning in smaller models
}


@pytest.fixture
def demo(db, demo_snapshot):
    demo_snapshot.restore()  # load_demo --anchor 2026-11-26 (tests/conftest.py)


@pytest.fixture
def similar_cache(settings):
    settings.SIMILAR_CACHE_SECONDS = 3600


def paper(arxiv_id) -> Paper:
    return Paper.objects.get(arxiv_id=arxiv_id)


def similar_ids(arxiv_id) -> list[str]:
    return [item.paper.arxiv_id for item in similar.similar_papers(paper(arxiv_id))]


def test_world_model_papers_list_each_other_first(demo):
    found = similar_ids(DINO_WM)
    assert set(found[:2]) == WORLD_MODEL_PAPERS
    for arxiv_id in WORLD_MODEL_PAPERS:
        assert DINO_WM in similar_ids(arxiv_id)


def test_subgoalxl_lists_reasoning_and_theorem_proving_papers(demo):
    found = similar_ids(SUBGOALXL)
    assert 3 <= len(found) <= similar.SECTION_SIZE
    assert len(REASONING_PAPERS & set(found)) >= 3
    assert found[0] == "2405.13144"  # the one other paper on theorem proving and maths


def test_weak_matches_are_left_out_rather_than_padding_the_list(demo):
    """DINO-WM shares only common words with a paper on commuter networks (Reconstructing
    commuters network...): it ranks it, but the page does not show it."""
    commuters = Paper.objects.get(title__startswith="Reconstructing commuters network")
    ranking = similar.paper_ranking(paper(DINO_WM))
    assert commuters.pk in ranking.ids
    found = similar_ids(DINO_WM)
    assert commuters.arxiv_id not in found
    assert len(found) < similar.SECTION_SIZE
    assert set(found[:2]) == WORLD_MODEL_PAPERS


def test_a_paper_never_lists_itself_and_lists_at_most_eight(demo):
    for arxiv_id in Paper.objects.exclude(arxiv_id=None).values_list("arxiv_id", flat=True):
        found = similar_ids(arxiv_id)
        assert arxiv_id not in found
        assert len(found) <= similar.SECTION_SIZE
        assert len(found) == len(set(found))


def test_hidden_papers_never_appear(demo, similar_cache):
    sora = paper("2405.03520")
    assert "2405.03520" in similar_ids(DINO_WM)  # (the ranking is now cached)
    sora.status = Paper.Status.HIDDEN
    sora.save()
    assert "2405.03520" not in similar_ids(DINO_WM)
    cache.clear()  # a fresh ranking leaves it out too
    assert "2405.03520" not in similar_ids(DINO_WM)


def test_reasons_say_why_in_a_few_words(demo):
    items = {item.paper.arxiv_id: item.reasons for item in similar.similar_papers(paper(DINO_WM))}
    sora = items["2405.03520"]
    assert "Shared topic: World Models & Video Generation" in sora
    terms = next(reason for reason in sora if reason.startswith("Terms: "))
    assert "world" in terms.removeprefix("Terms: ").split(", ")


def test_a_shared_author_is_a_reason(db):
    lecun = make_author("Yann Lecun", slug="yann-lecun")
    first = make_paper(
        title="Joint embedding predictive architectures for video",
        abstract="Self-supervised joint embedding predictive architectures learn video features.",
        authors=[lecun, make_author()],
    )
    second = make_paper(
        title="Predictive architectures with joint embeddings for images",
        abstract="Joint embedding predictive architectures learn image features without labels.",
        authors=[make_author(), lecun],
    )
    for n in range(6):
        make_paper(title=f"Unrelated gardening notes {n}", abstract="Tomatoes need sun and water.")
    items = similar.similar_papers(first)
    assert [item.paper for item in items] == [second]
    assert "Same author: Yann Lecun" in items[0].reasons


def test_the_ranking_is_cached_until_the_text_changes(demo, similar_cache, monkeypatch):
    calls = []
    rank = similar._rank
    monkeypatch.setattr(similar, "_rank", lambda *a: calls.append(1) or rank(*a))
    dino = paper(DINO_WM)
    first = similar.similar_papers(dino)
    assert similar.similar_papers(paper(DINO_WM)) == first
    assert len(calls) == 1
    # A new abstract: a new ranking, at once (no waiting for the cache to expire).
    dino.title = "Formal theorem proving with subgoals in Isabelle"
    dino.abstract = "Theorem proving with formal proofs, subgoals and Isabelle; miniF2F."
    dino.save()
    changed = similar.similar_papers(paper(DINO_WM))
    assert len(calls) == 2
    assert changed[0].paper.arxiv_id in {SUBGOALXL, "2405.13144"}


def test_out_of_time_shows_the_page_without_the_section(client, demo, monkeypatch, caplog):
    def cancelled(*args, **kwargs):
        raise OperationalError("canceling statement due to statement timeout")

    monkeypatch.setattr(engines, "similar_candidates", cancelled)
    response = client.get(f"/papers/{DINO_WM}/")
    assert response.status_code == 200
    assert response.context["similar_papers"] == []
    assert b"Similar papers" not in response.content
    listing = client.get(f"/papers/?like={DINO_WM}")
    assert listing.status_code == 200
    assert "took too long" in " ".join(listing.context["catalogue"].notices)


def test_paper_page_shows_the_section(client, demo):
    response = client.get(f"/papers/{DINO_WM}/")
    body = response.content.decode()
    assert "Similar papers" in body
    assert f'href="/papers/?like={DINO_WM}"' in body and "More papers like this" in body
    shown = [item.paper.arxiv_id for item in response.context["similar_papers"]]
    assert set(shown[:2]) == WORLD_MODEL_PAPERS
    assert "Shared topic: World Models &amp; Video Generation" in body


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_sections_query_count_is_constant(client, demo, settings):
    url = f"/papers/{DINO_WM}/"
    cold = count_queries(client, url)
    world = make_topic("World dynamics", slug="world-dynamics")
    for n in range(12):
        make_paper(
            title=f"World models for visual planning {n}",
            abstract="World models of visual features enable zero-shot planning.",
            authors=[make_author(), make_author()],
            topics=[world],
        )
    assert count_queries(client, url) == cold
    # With the ranking cached, the section costs one query (its papers).
    settings.SIMILAR_CACHE_SECONDS = 3600
    count_queries(client, url)
    warm = count_queries(client, url)
    settings.SIMILAR_CACHE_SECONDS = 0
    without = count_queries(client, url)
    assert warm < without
    assert cold <= without


# --- /papers/?like= ------------------------------------------------------------------


def test_like_lists_the_similar_papers_with_facets(client, demo):
    response = client.get(f"/papers/?like={DINO_WM}")
    assert response.status_code == 200
    catalogue = response.context["catalogue"]
    assert catalogue.sort == "similar"
    assert catalogue.like.arxiv_id == DINO_WM
    listed = [p.arxiv_id for p in response.context["page_obj"]]
    assert set(listed[:2]) == WORLD_MODEL_PAPERS
    assert DINO_WM not in listed
    assert "Papers like" in response.content.decode()
    assert catalogue.total == len(similar.paper_ranking(paper(DINO_WM)).ids)
    topics = catalogue.facets["topic"].options
    assert topics and all(0 < o.count <= catalogue.total for o in topics)


def test_like_narrows_by_topic(client, demo):
    response = client.get(f"/papers/?like={DINO_WM}&topic=world-models-video-generation")
    listed = {p.arxiv_id for p in response.context["page_obj"]}
    assert listed == WORLD_MODEL_PAPERS


@pytest.mark.parametrize("value", ["9999.99999", "not-an-id", "2405.03520"])
def test_like_unknown_or_hidden_paper_is_a_400(client, demo, value):
    if value == "2405.03520":
        Paper.objects.filter(arxiv_id=value).update(status=Paper.Status.HIDDEN)
    response = client.get(f"/papers/?like={value}")
    assert response.status_code == 400
    assert f"There is no paper “{value}”" in response.content.decode()


# --- the API --------------------------------------------------------------------------


def test_api_paper_detail_lists_similar_papers(client, demo):
    data = client.get(f"/api/v1/papers/{DINO_WM}/").json()
    assert {item["arxiv_id"] for item in data["similar"][:2]} == WORLD_MODEL_PAPERS
    first = data["similar"][0]
    assert set(first) == {"id", "arxiv_id", "title", "reasons", "links"}
    assert first["reasons"]
    assert data["links"]["similar"] == f"http://testserver/api/v1/papers/?like={DINO_WM}"


def test_api_list_accepts_like(client, demo):
    data = client.get(f"/api/v1/papers/?like={DINO_WM}").json()
    assert data["like"] == DINO_WM
    assert data["sort"] == "similar"
    assert {item["arxiv_id"] for item in data["results"][:2]} == WORLD_MODEL_PAPERS


def test_api_list_unknown_like_is_a_400(client, demo):
    response = client.get("/api/v1/papers/?like=9999.99999")
    assert response.status_code == 400
    body = response.json()
    assert body["parameter"] == "like"
    assert "9999.99999" in body["message"]
