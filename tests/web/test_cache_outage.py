"""The site without its cache: Redis configured but not answering (a closed port).

Every page renders (uncached), every write is saved and acknowledged, /healthz
says "degraded" with 200, and the outage is logged once, not per request.
Runs on SQLite and PostgreSQL (marked ``engine``).
"""

import io
import logging

import pytest
from django.core.management import call_command
from django.test import Client

from papers.community.models import Upvote
from papers.core.models import Paper
from papers.digest.models import Subscription
from papers.web import cache as failopen
from tests.factories import arxiv_entry, arxiv_feed, make_user
from tests.urlmap import every_path, site_world

pytestmark = [pytest.mark.django_db, pytest.mark.engine]
DEAD_REDIS = "redis://127.0.0.1:6399/0"  # nothing listens there


@pytest.fixture
def cache_down(settings):
    failopen._breakers.clear()
    settings.CACHES = {
        "default": {
            "BACKEND": "papers.web.cache.FailOpenRedisCache",
            "LOCATION": DEAD_REDIS,
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    # Every cache the site has, switched on.
    settings.PAGE_CACHE_SECONDS = 300
    settings.CARD_CACHE_SECONDS = 3600
    settings.SEARCH_FACET_CACHE_SECONDS = 60
    settings.SIMILAR_CACHE_SECONDS = 3600
    settings.RATE_LIMITS_ENABLED = True
    yield
    failopen._breakers.clear()


@pytest.fixture
def world(db):
    return site_world()


PUBLIC_PAGES = [
    "/",
    "/papers/",
    "/papers/?q=study&topic=vision",
    "/papers/?like=2401.00001",
    "/papers/2401.00001/",
    "/papers/date/2026-11-20/",
    "/papers/week/2026-W47/",
    "/papers/month/2026-11/",
    "/authors/",
    "/authors/ada-lovelace/",
    "/topics/",
    "/topics/vision/",
    "/repos/",
    "/repos/ada/engine/",
    "/users/member/",
    "/papers/bibtex/?q=study",
    "/papers/2401.00001/bibtex/",
    "/feeds/latest.atom",
    "/feeds/topics/vision.rss",
    "/sitemap.xml",
    "/robots.txt",
    "/api/v1/",
    "/api/v1/papers/",
    "/api/v1/papers/2401.00001/",
    "/api/v1/authors/",
    "/api/v1/topics/",
    "/subscribe/",
    "/accounts/login/",
    "/accounts/signup/",
]


@pytest.mark.parametrize("who", ["visitor", "member"])
def test_every_public_page_renders_without_the_cache(client, world, cache_down, who):
    if who == "member":
        client.force_login(world["member"])
    for path in PUBLIC_PAGES:
        if who == "member" and path.startswith("/accounts/"):
            continue  # (members are sent on from the log-in and sign-up pages)
        first = client.get(path)
        assert first.status_code == 200, path
        assert client.get(path).status_code == 200, path  # no half-cached second try


def test_every_get_route_answers_without_the_cache(client, world, cache_down):
    """Every URL pattern (the admin's too, as staff): no 5xx while the cache is down."""
    client.force_login(make_user(is_staff=True, is_superuser=True))
    failures = []
    for route in every_path(world):
        response = client.get(route.path)
        if response.status_code >= 500:
            failures.append(f"{route.path}: {response.status_code}")
    assert not failures


def test_writes_are_saved_and_acknowledged_without_the_cache(
    client, world, cache_down, tmp_path, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # the after-commit work too
        _write_everything(client, world, tmp_path)


def _write_everything(client, world, tmp_path):
    paper, member = world["paper"], world["member"]
    client.force_login(make_user("voter"))
    response = client.post(f"/papers/{paper.arxiv_id}/upvote/", {"vote": "up"})
    assert response.status_code == 302
    assert Upvote.objects.filter(paper=paper, user__username="voter").exists()
    assert Paper.objects.get(pk=paper.pk).upvote_count == 2

    response = client.post("/submit/", {"paper": "2311.00001"})
    assert response.status_code == 302, response.content.decode()[:500]
    assert Paper.objects.filter(arxiv_id="2311.00001", status="pending").exists()

    visitor = Client()
    response = visitor.post("/subscribe/", {"email": "new@example.org", "frequency": "daily"})
    assert response.status_code == 302
    assert Subscription.objects.filter(email="new@example.org").exists()

    response = visitor.post(
        "/accounts/signup/",
        {
            "username": "newcomer",
            "email": "newcomer@example.org",
            "password1": "a long enough passphrase 1",
            "password2": "a long enough passphrase 1",
        },
    )
    assert response.status_code == 302
    response = Client().post(
        "/accounts/login/",
        {"username": member.username, "password": "correct horse battery staple"},
    )
    assert response.status_code == 302

    feed = tmp_path / "feed.xml"
    feed.write_bytes(arxiv_feed([arxiv_entry("2311.00002", title="Imported Offline")]))
    call_command("import_arxiv", str(feed), stdout=io.StringIO())
    assert Paper.objects.filter(arxiv_id="2311.00002", title="Imported Offline").exists()

    curator = Client()
    curator.force_login(make_user(is_staff=True, is_superuser=True))
    response = curator.post(
        "/admin/core/paper/", {"action": "hide", "_selected_action": [paper.pk]}
    )
    assert response.status_code == 302
    assert Paper.objects.get(pk=paper.pk).status == "hidden"


def test_healthz_says_degraded_but_alive(client, world, cache_down):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "database": "ok", "cache": "unavailable"}


def test_the_outage_is_logged_once(client, world, cache_down, caplog):
    with caplog.at_level(logging.WARNING, logger="papers.web.cache"):
        for path in ["/", "/papers/", "/papers/2401.00001/", "/authors/", "/topics/"]:
            assert client.get(path).status_code == 200
    warnings = [r for r in caplog.records if r.name == "papers.web.cache"]
    assert len(warnings) == 1
    assert "cache unavailable" in warnings[0].getMessage()
    assert not any(r.exc_info for r in caplog.records)  # no traceback per request


def test_the_cache_is_used_again_once_it_answers(settings, world, client):
    """Against the real Redis: the breaker lets requests through again after an outage."""
    failopen._breakers.clear()
    settings.CACHES = {
        "default": {
            "BACKEND": "papers.web.cache.FailOpenRedisCache",
            "LOCATION": "redis://127.0.0.1:6379/9",
            "KEY_PREFIX": "outage-test",
        }
    }
    from django.core.cache import cache

    cache.clear()
    breaker = failopen._breaker("redis://127.0.0.1:6379/9")
    breaker.failed(ConnectionError("simulated"))
    assert not cache.available
    breaker.down_until = 0  # the retry delay has passed
    cache.set("probe", 1)
    assert cache.get("probe") == 1
    assert cache.available
    cache.clear()
    failopen._breakers.clear()
