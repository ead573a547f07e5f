"""One search box on the catalogue: the header's, which searches within the chosen
filters (and the topic of a topic page)."""

import re

import pytest

from tests.factories import make_category, make_paper, make_topic, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def papers():
    topic = make_topic("World Models", slug="world-models")
    make_paper(title="Dreaming Agents", topics=[topic], categories=[make_category("cs.LG")])


def search_forms(response):
    page = response.content.decode()
    return re.findall(r'<form[^>]*role="search".*?</form>', page, re.S)


def test_the_catalogue_has_one_search_box(client, papers):
    response = client.get("/papers/?q=dreaming")
    forms = [form for form in search_forms(response) if 'name="q"' in form]
    assert len(forms) == 1
    assert 'class="header-search"' in forms[0]
    assert 'value="dreaming"' in forms[0]


def test_with_filters_the_box_searches_within_them(client, papers):
    response = client.get("/papers/?q=dreaming&category=cs.LG&sort=new&page=1")
    (form,) = [form for form in search_forms(response) if 'name="q"' in form]
    assert 'action="/papers/"' in form
    assert "Search within these filters" in form
    assert '<input type="hidden" name="category" value="cs.LG">' in form
    assert 'name="sort"' not in form  # a new search is ranked by relevance
    assert 'name="page"' not in form


def test_on_a_topic_page_the_box_searches_the_topic(client, papers):
    response = client.get("/topics/world-models/")
    (form,) = [form for form in search_forms(response) if 'name="q"' in form]
    assert 'action="/topics/world-models/"' in form
    assert 'type="hidden"' not in form


def test_other_pages_keep_the_plain_header_box(client, papers):
    (form,) = search_forms(client.get("/topics/"))
    assert 'action="/papers/"' in form
    assert 'type="hidden"' not in form


def test_a_member_sees_an_avatar_named_for_screen_readers(client, papers):
    client.force_login(make_user("ada_lovelace"))
    page = client.get("/papers/").content.decode()
    assert 'class="account-link"' in page
    assert '<span class="account-name">ada_lovelace</span>' in page
