"""Trending: the decay formula, the stored score, the sorts and the explanation."""

import datetime as dt
import math
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from papers.community import trending
from papers.core.models import Paper
from tests.factories import make_paper, make_upvote

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)


def votes(paper, *ages):
    """Upvotes on ``paper`` cast ``ages`` before NOW."""
    for age in ages:
        make_upvote(paper=paper, created_at=NOW - age)


class TestFormula:
    def test_a_vote_halves_every_half_life(self):
        assert trending.score_now([NOW], NOW) == pytest.approx(1)
        assert trending.score_now([NOW - DAY], NOW) == pytest.approx(0.5)
        assert trending.score_now([NOW - 2 * DAY], NOW) == pytest.approx(0.25)
        assert trending.score_now([NOW, NOW - DAY, NOW - 7 * DAY], NOW) == pytest.approx(
            1 + 0.5 + 0.5**7
        )

    def test_half_life_is_a_setting(self, settings):
        settings.TRENDING_HALF_LIFE_HOURS = 12
        assert trending.score_now([NOW - DAY], NOW) == pytest.approx(0.25)

    def test_votes_outside_the_window_do_not_count(self):
        assert trending.score_now([NOW - 31 * DAY], NOW) == 0
        assert trending.score_now([NOW + HOUR], NOW) == 0
        assert trending.stored_score([], NOW) == 0

    def test_stored_score_gives_back_the_score_at_any_later_time(self):
        times = [NOW - 3 * HOUR, NOW - 2 * DAY]
        stored = trending.stored_score(times, NOW)
        for later in [NOW, NOW + 5 * HOUR, NOW + 3 * DAY]:
            assert trending.score_from_stored(stored, later) == pytest.approx(
                trending.score_now(times, later), rel=1e-9
            )

    def test_stored_order_is_the_order_of_todays_scores(self):
        """The point of storing it this way: no job needs to decay old rows."""
        burst_last_week = [NOW - 7 * DAY] * 50  # 50 × 2^-7 ≈ 0.39 today
        one_vote_today = [NOW - HOUR]  # ≈ 0.97
        two_yesterday = [NOW - DAY, NOW - DAY]  # 1.0
        stored = {
            name: trending.stored_score(times, when)
            for name, times, when in [
                # Each computed when its last vote was cast, as the vote itself does.
                ("burst", burst_last_week, NOW - 7 * DAY),
                ("one", one_vote_today, NOW - HOUR),
                ("two", two_yesterday, NOW - DAY),
            ]
        }
        assert sorted(stored, key=stored.get, reverse=True) == ["two", "one", "burst"]
        assert trending.score_from_stored(stored["burst"], NOW) == pytest.approx(50 / 128)


class TestStoredScores:
    def test_refresh_all_and_the_command(self):
        hot, warm, cold, _quiet = (make_paper(title=t) for t in ["hot", "warm", "cold", "quiet"])
        votes(hot, HOUR, 2 * HOUR, 3 * HOUR)
        votes(warm, 1 * DAY, 2 * DAY, 3 * DAY, 4 * DAY)  # more votes, but older
        votes(cold, 40 * DAY)  # outside the window
        Paper.objects.filter(pk=cold.pk).update(trending_score=123.0)  # stale
        assert trending.refresh_all(now=NOW) == 3
        ranked = list(Paper.objects.sorted_by("trending").values_list("title", flat=True))
        assert ranked == ["hot", "warm", "cold", "quiet"]  # cold and quiet by upvotes, then id
        hot.refresh_from_db()
        expected = sum(0.5 ** (h / 24) for h in (1, 2, 3))
        assert trending.score_from_stored(hot.trending_score, NOW) == pytest.approx(expected)
        assert Paper.objects.get(pk=cold.pk).trending_score == 0
        assert trending.refresh_all(now=NOW) == 0  # nothing left to change

    def test_command_runs(self):
        paper = make_paper()
        votes(paper, HOUR)
        out = StringIO()
        call_command("refresh_trending", stdout=out)
        assert "1 paper(s)" in out.getvalue()
        paper.refresh_from_db()
        assert paper.trending_score > 0

    def test_the_vote_itself_updates_its_paper(self, client):
        from tests.factories import make_user

        paper = make_paper(arxiv_id="2306.14846")
        votes(paper, 2 * DAY)
        trending.paper_refresh_trending(paper_id=paper.pk)
        client.force_login(make_user())
        client.post("/papers/2306.14846/upvote/")
        paper.refresh_from_db()
        now = timezone.now()
        assert trending.score_from_stored(paper.trending_score, now) == pytest.approx(
            1 + 0.5 ** ((now - (NOW - 2 * DAY)) / DAY), rel=1e-3
        )


@pytest.fixture
def trending_catalogue():
    """Three papers of one day: ``top`` has the most votes, ``rising`` the most recent ones."""
    day = dt.date(2026, 11, 25)
    top = make_paper(title="Top but old news", listed_on=day)
    rising = make_paper(title="Rising now", listed_on=day)
    quiet = make_paper(title="Quiet", listed_on=day)
    votes(top, 5 * DAY, 5 * DAY, 6 * DAY, 6 * DAY, 6 * DAY)
    votes(rising, HOUR, 2 * HOUR)
    votes(quiet, 10 * DAY)
    trending.refresh_all(now=NOW)
    return day


def titles(response):
    if "days" in response.context:  # a week or a month: each day's best, newest day first
        return [p.title for day in response.context["days"] for p in day.papers]
    return [p.title for p in response.context["page_obj"]]


class TestSorts:
    def test_front_page_sorts_by_top_or_trending(self, client, trending_catalogue):
        assert titles(client.get("/")) == ["Top but old news", "Rising now", "Quiet"]
        response = client.get("/?sort=trending")
        assert titles(response) == ["Rising now", "Top but old news", "Quiet"]
        assert response.context["sort"] == "trending"
        body = response.content.decode()
        assert 'href="?sort=trending" aria-current="true"' in body
        assert "trending first" in body

    def test_editions_sort_too_and_bad_sorts_fall_back(self, client, trending_catalogue):
        response = client.get("/papers/week/2026-W48/?sort=trending")
        assert titles(response)[0] == "Rising now"
        response = client.get("/papers/date/2026-11-25/?sort=<script>")
        assert response.status_code == 200
        assert titles(response)[0] == "Top but old news"

    def test_catalogue_sorts_by_trending(self, client, trending_catalogue):
        response = client.get("/papers/?sort=trending")
        assert titles(response) == ["Rising now", "Top but old news", "Quiet"]


class TestExplanation:
    def test_paper_page_explains_why_it_is_trending(self, client):
        paper = make_paper(arxiv_id="2306.14846")
        now = timezone.now()
        for age in [HOUR, 3 * DAY, 20 * DAY]:
            make_upvote(paper=paper, created_at=now - age)
        trending.refresh_all(now=now)
        response = client.get("/papers/2306.14846/")
        explanation = response.context["trending"]
        assert (explanation.votes_last_day, explanation.votes_last_week) == (1, 2)
        expected = 0.5 ** (1 / 24) + 0.5**3 + 0.5**20
        assert explanation.score == pytest.approx(expected, rel=1e-3)
        body = response.content.decode()
        assert "Why this is trending" in body
        assert f"{expected:.2f}" in body
        assert "loses half its weight every day" in body

    def test_explanation_costs_one_query(self, django_assert_num_queries):
        paper = make_paper()
        with django_assert_num_queries(1):
            trending.explain(paper)

    def test_score_is_never_negative_or_nan(self):
        assert trending.score_from_stored(0, NOW) == 0
        assert not math.isnan(trending.stored_score([NOW - 29 * DAY], NOW))


def test_incremental_updates_match_a_full_recompute():
    """Votes and unvotes update the stored score from itself alone; after any sequence
    of them it equals the score computed from the rows."""
    import random

    from papers.community import services
    from tests.factories import make_user

    rng = random.Random(4)
    paper = make_paper()
    members = [make_user() for _ in range(6)]
    for _ in range(40):
        services.paper_upvote(paper=paper, user=rng.choice(members))
        paper.refresh_from_db()
        incremental = paper.trending_score
        recomputed = trending.paper_refresh_trending(paper_id=paper.pk)
        assert incremental == pytest.approx(recomputed, abs=1e-6)
        Paper.objects.filter(pk=paper.pk).update(trending_score=incremental)


@pytest.mark.parametrize("added", [True, False])
def test_incremental_formula(added):
    now = NOW
    times = [now - HOUR, now - DAY, now - 3 * DAY]
    stored = trending.stored_score(times, now)
    if added:
        expected = trending.stored_score([*times, now - 2 * HOUR], now)
        result = trending.stored_after_vote(stored, vote_at=now - 2 * HOUR, added=True, now=now)
    else:
        expected = trending.stored_score(times[1:], now)
        result = trending.stored_after_vote(stored, vote_at=times[0], added=False, now=now)
    assert result == pytest.approx(expected, abs=1e-9)


def test_removing_the_last_vote_asks_for_a_recount():
    stored = trending.stored_score([NOW - HOUR], NOW)
    assert trending.stored_after_vote(stored, vote_at=NOW - HOUR, added=False, now=NOW) is None
