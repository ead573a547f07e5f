"""Titles and abstracts as arXiv writes them, shown tidied (papers/templatetags/paper_text.py)."""

import datetime as dt

import pytest

from tests.factories import make_paper

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 11, 20)


def test_paper_page_joins_wrapped_lines_and_tidies_text_but_not_math(client):
    make_paper(
        arxiv_id="2611.00001",
        title="Why \\emph{Small} Models ``Think'' -- and $\\alpha$--$\\beta$ Bounds",
        abstract=(
            "We reach 56.1\\% accuracy on\n  Q\\&A, with $a--b$ and $x \\% y$\n"
            "kept as written.\n\nA second paragraph: see https://example.org/code."
        ),
        listed_on=DAY,
    )
    page = client.get("/papers/2611.00001/").content.decode()
    assert (
        '<h1 class="paper-detail-title tex">Why Small Models “Think” – and $\\alpha$–$\\beta$'
        " Bounds</h1>" in page
    )
    assert (
        '<div class="abstract tex"><p>We reach 56.1% accuracy on Q&amp;A, with $a--b$ and'
        " $x \\% y$ kept as written.</p>\n\n<p>A second paragraph: see "
        '<a href="https://example.org/code" rel="nofollow">https://example.org/code</a>.</p></div>'
        in page
    )


def test_card_abstracts_are_shortened_but_never_inside_a_formula(client):
    words = "word " * 60  # 300 characters
    make_paper(
        arxiv_id="2611.00002",
        abstract=f"{words}then $\\mathcal{{O}}(n \\log n)$ time and more words after it.",
        listed_on=DAY,
    )
    make_paper(
        arxiv_id="2611.00003",
        abstract=f"{words}and ${' + '.join(['x_i'] * 40)}$ is far too long to keep.",
        listed_on=DAY,
    )
    page = client.get("/papers/date/2026-11-20/").content.decode()
    # A short formula across the cut is kept whole; a long one is left out whole.
    assert f"{words}then $\\mathcal{{O}}(n \\log n)$…</p>" in page
    assert f"{words.rstrip()} and…</p>" in page


def test_addresses_in_an_abstract_are_linked_as_written_not_tidied(client):
    make_paper(
        arxiv_id="2611.00004",
        abstract=(
            "With (alpha fixed, code at https://example.org/alpha--beta/x^{2}"
            " and www.example.org/(alpha."
        ),
        listed_on=DAY,
    )
    page = client.get("/papers/2611.00004/").content.decode()
    assert "With (α fixed" in page  # prose is tidied...
    # ...the addresses are not: no Greek letter, dash or superscript inside them.
    assert 'href="https://example.org/alpha--beta/x%5E%7B2%7D"' in page
    assert ">https://example.org/alpha--beta/x^{2}</a>" in page
    assert ">www.example.org/(alpha</a>" in page
    assert 'href="https://www.example.org/(alpha"' in page
