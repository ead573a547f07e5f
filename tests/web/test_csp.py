import re

import pytest

from tests.factories import make_paper

pytestmark = pytest.mark.django_db

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"\son[a-z]+=", re.IGNORECASE)


@pytest.fixture
def paper():
    return make_paper(
        title="Bounds on $O(n \\log n)$ sorting", abstract="We show $x^2$ and 56.1\\%."
    )


def test_strict_policy_header(client, paper):
    policy = client.get("/")["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    assert directives["default-src"] == "'self'"
    # A nonce appears only on responses whose template used one.
    assert re.fullmatch(r"'self'( 'nonce-[^']+')?", directives["script-src"])
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy


@pytest.mark.parametrize(
    "url", ["/", "/papers/", "/authors/", "/topics/", "/repos/", "/papers/nope/"]
)
def test_pages_have_no_inline_scripts_styles_or_handlers(client, paper, url):
    html = client.get(url).content.decode()
    assert not INLINE_SCRIPT.search(html)
    assert not INLINE_STYLE.search(html)
    assert not EVENT_HANDLER.search(html)


def test_paper_page_loads_katex_from_our_static_files(client, paper):
    html = client.get(paper.get_absolute_url()).content.decode()
    assert 'src="/static/vendor/katex/katex.min.js"' in html
    assert 'src="/static/vendor/katex/contrib/auto-render.min.js"' in html
    assert 'src="/static/js/math.js"' in html
    assert 'href="/static/vendor/katex/katex.min.css"' in html
