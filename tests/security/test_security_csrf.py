"""Cross-site request forgery and authorisation, over every URL pattern of the site.

The patterns come from the resolver (tests/urlmap.py), so a view added later is
covered without editing this file.
"""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from papers.core.models import Paper
from papers.digest.models import Subscription
from tests.factories import make_paper, make_upvote, make_user
from tests.urlmap import database_state, every_path, site_world, votes_of

pytestmark = pytest.mark.django_db

# The views that take a POST without a CSRF token, by design: RFC 8058 one-click
# unsubscribe, of the digest and of notification emails (mail clients send no token;
# the signed token in the URL is the proof), and the digest's sign-up (it acts on no
# session and only mails a confirmation link).
CSRF_EXEMPT = {"unsubscribe", "subscribe", "notification_emails_off"}
# The JSON API is read-only and reads no cookie: it answers any POST 405 (or 404 for an
# address it does not have) before looking at a token.
READ_ONLY_ANSWERS = {405, 404}
# Admin pages a visitor who is not staff may open: the login form, and logging out
# (which only sends back to the admin's front door, that is to the login form).
ADMIN_OPEN = {"admin:login", "admin:logout"}


@pytest.fixture
def world():
    return site_world()


@pytest.fixture
def curator():
    return get_user_model().objects.create_superuser("curator", "curator@example.org", "pw")


def csrf_client(user=None):
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    return client


def test_every_url_pattern_is_enumerated(world):
    names = {route.name for route in every_path(world)}
    # A few of each kind, so the enumeration cannot silently come back short.
    assert {"paper_upvote", "paper_upvote_by_pk", "submit", "signup", "login", "logout"} <= names
    assert {"subscribe", "subscribe_confirm", "unsubscribe", "password_change"} <= names
    assert {"admin:core_paper_change", "admin:core_paper_delete", "admin:index"} <= names
    assert len(names) > 100


@pytest.mark.parametrize("who", ["visitor", "member", "curator"])
def test_a_post_without_a_csrf_token_is_refused_everywhere(world, curator, who):
    user = {"visitor": None, "member": world["member"], "curator": curator}[who]
    client = csrf_client(user)
    before = database_state()
    refused, accepted = [], []
    for route in every_path(world):
        if route.name in CSRF_EXEMPT:
            continue
        status = client.post(route.path, {"vote": "down", "paper": "2401.99999"}).status_code
        api_refused = route.path.startswith("/api/") and status in READ_ONLY_ANSWERS
        (refused if status == 403 or api_refused else accepted).append(
            (route.name, route.path, status)
        )
    assert accepted == []
    assert len(refused) > 100
    assert database_state() == before


def test_a_token_from_another_session_is_refused(world):
    """A token from the attacker's own session does not work in the victim's."""
    attacker = csrf_client(make_user("mallory"))
    attacker.get("/submit/")
    stolen = attacker.cookies["csrftoken"].value
    victim = csrf_client(world["member"])
    response = victim.post(
        world["paper"].get_absolute_url() + "upvote/",
        {"vote": "down", "csrfmiddlewaretoken": stolen},
    )
    assert response.status_code == 403
    assert votes_of(world["paper"]) == (1, {world["member"].pk})


def test_the_exempt_unsubscribe_needs_its_signed_token(world):
    client = csrf_client()
    (route,) = [r for r in every_path(world) if r.name == "unsubscribe"]
    tampered = route.path.replace("/unsubscribe/", "/unsubscribe/x")
    assert client.post(tampered).status_code == 400
    assert Subscription.objects.filter(pk=world["subscription"].pk).exists()
    assert client.post(route.path).status_code == 200
    assert not Subscription.objects.filter(pk=world["subscription"].pk).exists()


@pytest.mark.parametrize("who", ["visitor", "member", "curator"])
def test_no_get_changes_anything(world, curator, who):
    user = {"visitor": None, "member": world["member"], "curator": curator}[who]
    client = Client()
    if user is not None:
        client.force_login(user)
    before = database_state()
    statuses = {}
    for route in every_path(world):
        statuses[route.name] = client.get(route.path).status_code
        assert database_state() == before, f"GET {route.path} changed the database"
    assert statuses["paper_upvote"] == statuses["logout"] == 405
    assert 500 not in statuses.values()
    # Opening a confirmation link shows a button; only its POST confirms.
    assert not Subscription.objects.get(pk=world["subscription"].pk).confirmed


def test_the_admin_is_only_for_staff(world):
    member = world["member"]
    for user in (None, member):
        client = Client()
        if user is not None:
            client.force_login(user)
        for route in every_path(world):
            if not route.name.startswith("admin") or route.name in ADMIN_OPEN:
                continue
            response = client.get(route.path)
            assert response.status_code == 302, route.path
            assert response["Location"].startswith("/admin/login/"), route.path
            assert client.post(route.path, {"action": "delete_selected"}).status_code in (
                302,
                403,
            )
    assert Paper.objects.count() == 2


def test_a_member_cannot_unvote_for_another(world):
    paper, ada = world["paper"], world["member"]
    mallory = make_user("mallory")
    client = Client()
    client.force_login(mallory)
    for data in (
        {"vote": "down"},
        {"vote": "down", "user": ada.pk, "user_id": ada.pk, "username": ada.username},
    ):
        response = client.post(f"/papers/{paper.arxiv_id}/upvote/", data)
        assert response.status_code == 302
    # Mallory's own (absent) vote was the one asked about; Ada's stands.
    assert votes_of(paper) == (1, {ada.pk})
    client.post(f"/papers/{paper.arxiv_id}/upvote/", {"vote": "up", "user": ada.pk})
    assert votes_of(paper) == (2, {ada.pk, mallory.pk})


def test_a_member_cannot_see_another_members_pending_submissions(world):
    ada = world["member"]
    pending = make_paper(
        arxiv_id="2411.00002", title="Ada's pending one", submitted_by=ada, status="pending"
    )
    make_upvote(paper=world["paper"], user=make_user("someone"))
    mallory = make_user("mallory")
    client = Client()
    client.force_login(mallory)
    assert "2411.00002" not in client.get(f"/users/{ada.username}/").content.decode()
    for url in (
        f"/papers/{pending.arxiv_id}/",
        f"/papers/{pending.arxiv_id}/bibtex/",
        f"/api/v1/papers/{pending.arxiv_id}/",
    ):
        assert client.get(url).status_code == 404, url
    assert "pending one" not in client.get("/papers/", {"q": "pending"}).content.decode()
    assert "2411.00002" not in client.get("/api/v1/papers/").content.decode()
    # ... and cannot vote it into view.
    assert client.post(f"/papers/{pending.arxiv_id}/upvote/", {"vote": "up"}).status_code == 404
    # Ada sees it on her own page.
    client.force_login(ada)
    assert "arXiv:2411.00002" in client.get(f"/users/{ada.username}/").content.decode()
