"""The theme toggle: a GET form in the footer keeps light or dark in a cookie, pages
render it on the server (no JavaScript needed), and without a choice they follow
the system setting."""

import re

import pytest
from django.test import Client

from papers.web.theme import MAX_AGE
from tests.factories import make_paper

pytestmark = pytest.mark.django_db


@pytest.fixture
def paper():
    return make_paper(title="A Paper To Read", arxiv_id="2306.14846")


def html_theme(response):
    return re.search(r'<html lang="en" data-theme="([^"]*)">', response.content.decode()).group(1)


def color_scheme(response):
    page = response.content.decode()
    return re.search(r'<meta name="color-scheme" content="([^"]*)">', page).group(1)


def theme_form(response):
    page = response.content.decode()
    return re.search(r'<form class="theme-form".*?</form>', page, re.S).group(0)


def pressed(response):
    return re.findall(r'value="(\w+)" aria-pressed="true"', theme_form(response))


def test_choosing_dark_keeps_it_in_a_cookie_and_goes_back(client, paper):
    response = client.get("/theme/", {"theme": "dark", "next": "/papers/?q=read&sort=new"})
    assert response.status_code == 303
    assert response["Location"] == "/papers/?q=read&sort=new"
    cookie = response.cookies["theme"]
    assert cookie.value == "dark"
    assert cookie["max-age"] == MAX_AGE
    assert cookie["samesite"] == "Lax"
    assert cookie["httponly"]
    assert "no-store" in response["Cache-Control"]
    page = client.get("/papers/")
    assert html_theme(page) == "dark"
    assert color_scheme(page) == "dark"
    assert pressed(page) == ["dark"]


def test_light_is_rendered_light_even_on_a_dark_system(client, paper):
    client.get("/theme/", {"theme": "light", "next": "/"})
    page = client.get(paper.get_absolute_url())
    assert html_theme(page) == "light"
    assert color_scheme(page) == "light"
    assert pressed(page) == ["light"]


def test_without_a_choice_pages_follow_the_system(client, paper):
    page = client.get("/")
    assert html_theme(page) == "system"
    assert color_scheme(page) == "light dark"
    assert pressed(page) == ["system"]


def test_system_forgets_the_choice(client, paper):
    client.get("/theme/", {"theme": "dark"})
    response = client.get("/theme/", {"theme": "system", "next": "/topics/"})
    assert response["Location"] == "/topics/"
    assert response.cookies["theme"].value == ""
    assert response.cookies["theme"]["max-age"] == 0
    assert html_theme(client.get("/topics/")) == "system"


def test_the_form_on_each_page_comes_back_to_that_page(client, paper):
    form = theme_form(client.get("/topics/?page=1"))
    assert 'action="/theme/"' in form and 'method="get"' in form
    assert '<input type="hidden" name="next" value="/topics/?page=1">' in form
    assert "csrfmiddlewaretoken" not in form  # a GET: the page stays cacheable


def test_the_catalogue_comes_back_to_its_valid_address(client, paper):
    form = theme_form(client.get("/papers/?q=read&topic=nothing&sort=new"))
    assert '<input type="hidden" name="next" value="/papers/?q=read&amp;sort=new">' in form


@pytest.mark.parametrize(
    "target",
    [
        "",
        "//evil.example/",
        "https://evil.example/",
        "http://testserver.evil.example/",
        "javascript:alert(1)",
        "/\\evil.example",
        "\\\\evil.example",
        "papers/",
        "/" + "a" * 5000,
    ],
)
def test_only_an_address_on_this_site_is_followed(client, target):
    response = client.get("/theme/", {"theme": "dark", "next": target})
    assert response.status_code == 303
    assert response["Location"] == "/"


@pytest.mark.parametrize("value", ["", "pink", "DARK", "dark ", "x" * 3000])
def test_an_unknown_theme_is_refused_and_nothing_is_kept(client, value):
    response = client.get("/theme/", {"theme": value, "next": "/"})
    assert response.status_code == 400
    assert "light" in response.content.decode()
    assert "theme" not in response.cookies


def test_a_forged_cookie_value_is_ignored(client, paper):
    client.cookies["theme"] = '"><script>alert(1)</script>'
    page = client.get("/")
    assert html_theme(page) == "system"
    assert "<script>alert(1)" not in page.content.decode()


def test_only_get_and_head(client):
    assert client.post("/theme/", {"theme": "dark"}).status_code == 405
    assert client.head("/theme/?theme=dark").status_code == 303


def test_the_page_cache_keeps_one_copy_per_theme(settings, paper):
    settings.PAGE_CACHE_SECONDS = 300
    system, dark = Client(), Client()
    dark.cookies["theme"] = "dark"
    first = system.get("/papers/")
    assert first["X-Page-Cache"] == "miss" and html_theme(first) == "system"
    dark_page = dark.get("/papers/")
    assert dark_page["X-Page-Cache"] == "miss" and html_theme(dark_page) == "dark"
    assert html_theme(dark.get("/papers/")) == "dark"
    again = system.get("/papers/")
    assert again["X-Page-Cache"] == "hit" and html_theme(again) == "system"
