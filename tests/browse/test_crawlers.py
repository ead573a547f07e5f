"""What search engines and link previews read: robots.txt, sitemap.xml, OpenGraph tags."""

import datetime as dt
import re
import xml.etree.ElementTree as ET

import pytest

from papers.core.models import Paper
from tests.factories import make_author, make_paper, make_topic

pytestmark = pytest.mark.django_db
SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def locations(response) -> list[str]:
    root = ET.fromstring(response.content)
    return [loc.text for loc in root.iterfind(".//s:loc", SITEMAP_NS)]


def test_robots_txt_needs_no_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "public" in response["Cache-Control"]
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    assert "Disallow: /admin/" in lines
    assert "Disallow: /subscribe/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Disallow: /" not in lines  # the catalogue itself is crawlable


def test_sitemap_index_and_sections(client):
    ada = make_author("Ada Lovelace", slug="ada")
    make_author("Nobody Published", slug="nobody")
    ghost = make_author("Only Hidden", slug="ghost")
    topic = make_topic("World Models", slug="world-models")
    paper = make_paper(arxiv_id="2306.14846", authors=[ada], topics=[topic])
    offline = make_paper(arxiv_id=None, authors=[ada])
    hidden = make_paper(authors=[ghost], status=Paper.Status.HIDDEN)

    index = client.get("/sitemap.xml")
    assert index.status_code == 200
    assert locations(index) == [
        "http://testserver/sitemap-pages.xml",
        "http://testserver/sitemap-papers.xml",
        "http://testserver/sitemap-topics.xml",
        "http://testserver/sitemap-authors.xml",
    ]

    papers = client.get("/sitemap-papers.xml")
    assert papers.status_code == 200
    assert "public" in papers["Cache-Control"]
    assert locations(papers) == [
        "http://testserver/papers/2306.14846/",
        f"http://testserver/papers/id/{offline.pk}/",
    ]
    assert hidden.get_absolute_url() not in papers.content.decode()
    assert b"<lastmod>" in papers.content

    assert locations(client.get("/sitemap-authors.xml")) == ["http://testserver/authors/ada/"]
    assert locations(client.get("/sitemap-topics.xml")) == [
        "http://testserver/topics/world-models/"
    ]
    pages = locations(client.get("/sitemap-pages.xml"))
    assert "http://testserver/" in pages and "http://testserver/papers/" in pages
    assert client.get("/sitemap-nothing.xml").status_code == 404
    assert paper  # listed above


def test_paper_page_has_opengraph_and_twitter_cards(client):
    make_paper(
        title='ViNT: "A" Foundation <Model>',
        abstract="We present ViNT. " * 40,
        arxiv_id="2306.14846",
        authors=["Dhruv Shah", "Sergey Levine"],
        topics=[make_topic("World Models")],
        published=dt.date(2023, 6, 26),
    )
    page = client.get("/papers/2306.14846/").content.decode()

    def meta(attribute, name):
        found = re.findall(rf'<meta {attribute}="{re.escape(name)}" content="([^"]*)">', page)
        assert found, name
        return found

    title = "ViNT: &quot;A&quot; Foundation &lt;Model&gt;"
    assert meta("property", "og:title") == [title]
    assert meta("property", "og:type") == ["article"]
    assert meta("property", "og:url") == ["http://testserver/papers/2306.14846/"]
    assert meta("property", "og:site_name") == ["Paper Catalogue"]
    assert meta("property", "og:description")[0].startswith("We present ViNT.")
    assert len(meta("property", "og:description")[0]) <= 300
    assert meta("property", "article:published_time") == ["2023-06-26"]
    assert meta("property", "article:tag") == ["World Models"]
    assert meta("name", "twitter:card") == ["summary"]
    assert meta("name", "twitter:title") == [title]
    assert meta("name", "citation_author") == ["Dhruv Shah", "Sergey Levine"]
    assert meta("name", "citation_arxiv_id") == ["2306.14846"]
    assert '<link rel="canonical" href="http://testserver/papers/2306.14846/">' in page
