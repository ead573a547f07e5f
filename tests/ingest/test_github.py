"""``refresh_repos``: GitHub's repository API, faked with recorded answers and headers
(tests/fixtures/github/): fields, ETag/304, 404 = gone, rate limit stop and resume,
framework only where the topics say so."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import CommandError, call_command

from papers.core.models import CodeLink, Repository
from papers.ingest.fetchers.github import infer_framework
from papers.ingest.models import FetchStatus, RequestSlot
from tests.factories import make_paper, make_repository

from .upstream import Reply, github_reply

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.UTC)  # the fixtures' limit resets at 10:00
RESET = dt.datetime(2026, 11, 26, 10, 0, tzinfo=dt.UTC)
PLANNER = "/repos/example-lab/latent-planner"
ROUTERS = "/repos/example-lab/sparse-routers"
PLAIN = "/repos/example-lab/plain-python"


@pytest.fixture
def repositories():
    planner = make_repository("example-lab", "latent-planner", stars=1204)
    routers = make_repository("example-lab", "sparse-routers")
    plain = make_repository("example-lab", "plain-python")
    paper = make_paper(repositories=[planner])
    return planner, routers, plain, paper


def refresh(*args):
    out = io.StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("refresh_repos", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_a_refresh_stores_what_github_says(upstream, repositories, settings):
    planner, *_ = repositories
    settings.GITHUB_TOKEN = "ghp_test_token_not_real"
    upstream.route(PLANNER, github_reply("latent-planner"))

    out = refresh("example-lab/latent-planner")

    assert "updated: 1" in out
    planner.refresh_from_db()
    assert planner.stars == 1342
    assert planner.language == "Python"
    assert planner.description.startswith("Latent Planners: world models")
    assert planner.topics == ["world-models", "planning", "pytorch", "robotics"]
    assert planner.framework == "pytorch"  # the topics name it
    assert planner.archived is False
    assert planner.pushed_at == dt.datetime(2026, 11, 20, 8, 15, 31, tzinfo=dt.UTC)
    assert planner.etag == 'W/"7d1c6f5b2a9e4c3d8b0a1f2e3d4c5b6a"'
    assert planner.last_synced == NOW and planner.gone_at is None
    headers = upstream.requests[0].headers
    assert headers["Authorization"] == "Bearer ghp_test_token_not_real"
    assert headers["Accept"] == "application/vnd.github+json"
    assert headers["X-GitHub-Api-Version"] == "2022-11-28"
    assert "If-None-Match" not in headers
    assert FetchStatus.objects.get(repository=planner).state == "ok"


def test_the_etag_goes_back_and_a_304_changes_nothing_but_the_sync_time(upstream, repositories):
    planner, *_ = repositories
    upstream.route(PLANNER, github_reply("latent-planner"))
    refresh("example-lab/latent-planner")
    upstream.route(PLANNER, github_reply("latent-planner", headers="latent-planner.not-modified"))

    with time_machine.travel(NOW + dt.timedelta(days=2), tick=False):
        out = io.StringIO()
        call_command("refresh_repos", "example-lab/latent-planner", stdout=out)

    assert "unchanged: 1" in out.getvalue()
    assert upstream.requests[1].headers["If-None-Match"] == 'W/"7d1c6f5b2a9e4c3d8b0a1f2e3d4c5b6a"'
    planner.refresh_from_db()
    assert planner.stars == 1342 and planner.last_synced == NOW + dt.timedelta(days=2)
    status = FetchStatus.objects.get(repository=planner)
    assert (status.state, status.message) == ("unchanged", "not modified (304)")


def test_a_404_marks_the_repository_gone_and_deletes_nothing(upstream, repositories):
    planner, _, _, paper = repositories
    upstream.route(PLANNER, github_reply("not_found"))

    out = refresh("example-lab/latent-planner")

    assert "updated: 1" in out
    planner.refresh_from_db()
    assert planner.gone_at == NOW and planner.stars == 1204
    assert CodeLink.objects.filter(paper=paper, repository=planner).exists()
    assert FetchStatus.objects.get(repository=planner).state == "gone"
    # Back again later: the mark goes.
    upstream.route(PLANNER, github_reply("latent-planner"))
    refresh("example-lab/latent-planner")
    planner.refresh_from_db()
    assert planner.gone_at is None


def test_the_rate_limit_stops_the_run_and_resumes_after_the_reset(upstream, repositories):
    planner, routers, _plain, _ = repositories
    upstream.route(ROUTERS, github_reply("sparse-routers"))  # X-RateLimit-Remaining: 0
    upstream.route(PLANNER, github_reply("latent-planner"))
    upstream.route(PLAIN, github_reply("plain-python"))
    Repository.objects.filter(pk=routers.pk).update(last_synced=NOW - dt.timedelta(days=9))
    Repository.objects.filter(pk=planner.pk).update(last_synced=NOW - dt.timedelta(days=5))

    out = refresh()  # the stale ones, stalest first: plain (never), routers, planner

    assert [r.path for r in upstream.requests] == [PLAIN, ROUTERS]
    assert "stopped: GitHub rate limit reached: 1 repository left for 2026-11-26 10:00 UTC" in out
    assert RequestSlot.objects.get(name="github").not_before == RESET
    assert FetchStatus.objects.get(repository=planner).state == "waiting"

    refresh()  # before the reset: no request at all
    assert len(upstream.requests) == 2

    with time_machine.travel(RESET + dt.timedelta(minutes=1), tick=False):
        call_command("refresh_repos", stdout=io.StringIO())
    assert [r.path for r in upstream.requests[2:]] == [PLANNER]
    planner.refresh_from_db()
    assert planner.stars == 1342


def test_a_rate_limited_403_stops_without_failing_the_repository(upstream, repositories):
    planner, _routers, *_ = repositories
    upstream.route(PLANNER, github_reply("rate_limited"))
    upstream.route(ROUTERS, github_reply("sparse-routers"))

    out = refresh("example-lab/latent-planner", "example-lab/sparse-routers")

    assert "failed: 0" in out and "stopped: GitHub rate limit reached: 2" in out
    assert len(upstream.requests) == 1
    planner.refresh_from_db()
    assert planner.last_synced is None and planner.stars == 1204


def test_the_framework_is_never_guessed(upstream, repositories):
    _, routers, plain, _ = repositories
    upstream.route(ROUTERS, github_reply("sparse-routers"))
    upstream.route(PLAIN, github_reply("plain-python"))
    refresh("example-lab/plain-python")
    refresh("example-lab/sparse-routers")
    routers.refresh_from_db()
    plain.refresh_from_db()
    # jax and pytorch both named: not ours to pick; Python alone names no framework.
    assert (routers.framework, routers.archived) == ("", True)
    assert (plain.framework, plain.language, plain.description) == ("", "Python", "")
    assert infer_framework(["flax", "jax"]) == "jax"
    assert infer_framework(["tensorflow"]) == "tf"
    assert infer_framework(["python", "deep-learning"]) == ""


def test_a_curators_framework_is_kept(upstream, repositories):
    planner, *_ = repositories
    Repository.objects.filter(pk=planner.pk).update(framework="jax")
    upstream.route(PLANNER, github_reply("latent-planner"))
    refresh("example-lab/latent-planner")
    planner.refresh_from_db()
    assert planner.framework == "jax" and planner.stars == 1342


def test_malformed_json_is_a_failure_with_its_reason(upstream, repositories):
    planner, *_ = repositories
    upstream.route(PLANNER, Reply(200, b'{"id": 1, "stargazers_count": ', {"ETag": '"x"'}))
    out = refresh("example-lab/latent-planner")
    assert "failed: 1" in out and "not a GitHub repository JSON" in out
    planner.refresh_from_db()
    assert planner.stars == 1204 and planner.last_synced is None


def test_the_cards_show_fresh_stars(upstream, repositories, client):
    _planner, _, _, paper = repositories
    assert "★ 1,204" in client.get(paper.get_absolute_url()).content.decode()
    upstream.route(PLANNER, github_reply("latent-planner"))
    refresh("example-lab/latent-planner")
    page = client.get(paper.get_absolute_url()).content.decode()
    assert "★ 1,342" in page and "pytorch" in page


def test_unknown_repositories_are_refused():
    with pytest.raises(CommandError, match="Not in the catalogue: someone/else"):
        refresh("someone/else")
    with pytest.raises(CommandError, match="is not OWNER/NAME"):
        refresh("just-a-name")
