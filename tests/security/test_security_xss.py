"""Cross-site scripting: every field that reaches a page, filled with hostile markup,
comes back escaped or sanitised. The browser twin is tests/browser/test_xss.py."""

from urllib.parse import quote

import pytest

from papers.core.models import Topic
from tests.factories import make_user
from tests.xss import PAYLOADS, live_markup_problems

pytestmark = pytest.mark.django_db


@pytest.fixture
def hostile(hostile_snapshot):
    hostile_snapshot.restore()  # hostile_catalogue(), built once (tests/conftest.py)
    return hostile_snapshot.result


def assert_inert(response):
    html = response.content.decode()
    problems = live_markup_problems(html)
    assert not problems, f"{response.request['PATH_INFO']}: {problems[:5]}"


def test_census_sees_live_markup():
    """The checker itself: each payload pasted raw into a page is caught."""
    for payload in PAYLOADS:
        if payload.startswith(("javascript:", "[markdown", "$")):
            continue  # harmless as text; dangerous only inside a link (checked below)
        assert live_markup_problems(f"<p>{payload}</p>"), payload
    assert live_markup_problems('<a href=" JavaScript:alert(1)">x</a>')


def test_every_page_showing_catalogue_data_renders_payloads_inert(client, hostile):
    for url in hostile["pages"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_inert(response)
    # The payloads are there, as text (escaped), not dropped by accident.
    html = client.get(hostile["papers"][0].get_absolute_url()).content.decode()
    assert "Alert study &lt;script&gt;window.__xss=1&lt;/script&gt;" in html


def test_pages_for_a_logged_in_member_render_payloads_inert(client, hostile):
    client.force_login(hostile["member"])
    for url in hostile["pages"][:12]:
        assert_inert(client.get(url))


def test_topic_markdown_is_sanitised_to_the_allow_list(hostile):
    for topic in Topic.objects.filter(slug__startswith="xss-topic-"):
        assert not live_markup_problems(topic.description_html), topic.description
    markdown_link = Topic.objects.get(description__startswith="[markdown link]")
    assert (
        markdown_link.description_html
        == '<p><a rel="nofollow noopener noreferrer">markdown link</a></p>'
    )


@pytest.mark.parametrize("payload", PAYLOADS)
def test_search_queries_are_reflected_escaped(client, hostile, payload):
    for url in ("/papers/", "/authors/", f"/topics/{hostile['topics'][0].slug}/"):
        response = client.get(url, {"q": payload})
        assert response.status_code in (200, 400), url
        assert_inert(response)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_filter_values_are_reflected_escaped(client, payload):
    query = "&".join(
        f"{name}={quote(payload)}"
        for name in ("topic", "category", "year", "has_code", "framework", "author", "sort", "page")
    )
    response = client.get(f"/papers/?{query}")
    assert response.status_code in (200, 400, 404)
    assert_inert(response)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_form_values_echoed_back_are_escaped(client, payload):
    signup = client.post(
        "/accounts/signup/",
        {"username": payload, "email": payload, "password1": "x", "password2": "y"},
    )
    assert signup.status_code == 200  # the form again, with its errors
    assert_inert(signup)
    login = client.post("/accounts/login/", {"username": payload, "password": payload})
    assert_inert(login)
    subscribe = client.post("/subscribe/", {"email": payload, "frequency": payload})
    assert_inert(subscribe)


def test_submission_form_echoes_a_hostile_id_escaped(client):
    client.force_login(make_user())
    for payload in PAYLOADS:
        response = client.post("/submit/", {"paper": payload})
        assert response.status_code == 200
        assert_inert(response)


def test_404_pages_do_not_reflect_markup(client):
    for payload in PAYLOADS:
        for url in (f"/authors/{quote(payload, safe='')}/", f"/users/{quote(payload, safe='')}/"):
            assert_inert(client.get(url))
