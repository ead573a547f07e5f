"""BibTeX export: entries parsed back by bibtexparser (v2) with their fields intact."""

import datetime as dt
import re

import bibtexparser
import pytest
from bibtexparser.middlewares import SeparateCoAuthors

from papers.core import bibtex
from papers.core.models import Paper
from tests.factories import make_author, make_category, make_paper, make_topic

pytestmark = pytest.mark.django_db

SPECIALS_TITLE = r"50% of A&B_c #1 {x} costs $5 ~ ^ \ and $\mathcal{O}(n^{2})$ math"

# How a reader's LaTeX turns the escapes back into characters (for comparing with the source).
UNESCAPE = [
    (r"\textbackslash{}", "\\"),
    (r"\textbraceleft{}", "{"),
    (r"\textbraceright{}", "}"),
    (r"\textasciicircum{}", "^"),
    (r"\textasciitilde{}", "~"),
    (r"\%", "%"),
    (r"\&", "&"),
    (r"\_", "_"),
    (r"\#", "#"),
    (r"\$", "$"),
]


def unescape(text: str) -> str:
    # Escapes are replaced in one left-to-right pass, as TeX reads them.
    pattern = re.compile("|".join(re.escape(e) for e, _ in UNESCAPE))
    return pattern.sub(lambda m: dict(UNESCAPE)[m.group()], text)


def parse(text: str):
    library = bibtexparser.parse_string(text)
    assert library.failed_blocks == []
    return library


def fields(entry) -> dict:
    return {field.key: field.value for field in entry.fields}


@pytest.fixture
def vint():
    return make_paper(
        title="ViNT: A Foundation Model for Visual Navigation",
        arxiv_id="2306.14846",
        authors=["Dhruv Shah", "Łukasz Kaiser", "José Ñúñez-Pérez", "张伟"],
        primary_category=make_category("cs.RO", "Robotics"),
        published=dt.date(2023, 6, 26),
        doi="10.1000/xyz_123",
    )


def test_arxiv_paper_entry_round_trips(client, vint):
    response = client.get("/papers/2306.14846/bibtex/")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"] == 'inline; filename="shah2023vint.bib"'
    library = parse(response.content.decode("utf-8"))
    (entry,) = library.entries
    assert entry.entry_type == "misc"
    assert entry.key == "shah2023vint"
    assert fields(entry) == {
        "title": "ViNT: A Foundation Model for Visual Navigation",
        "author": "Dhruv Shah and Łukasz Kaiser and José Ñúñez-Pérez and 张伟",
        "year": "2023",
        "month": "jun",
        "eprint": "2306.14846",
        "archivePrefix": "arXiv",
        "primaryClass": "cs.RO",
        "doi": "10.1000/xyz_123",
        "url": "https://arxiv.org/abs/2306.14846",
    }


def test_unicode_names_stay_separate_authors(vint):
    text = bibtex.paper_entry(Paper.objects.get(pk=vint.pk))
    library = bibtexparser.parse_string(text, append_middleware=[SeparateCoAuthors()])
    assert library.entries[0]["author"] == [
        "Dhruv Shah",
        "Łukasz Kaiser",
        "José Ñúñez-Pérez",
        "张伟",
    ]


def test_latex_specials_are_escaped_and_survive_parsing():
    paper = make_paper(
        title=SPECIALS_TITLE,
        authors=["AT&T Labs_Research", "Smith, Jr.", "Tom and Jerry"],
        journal_ref="Proc. 100% Real & Co. #5",
        arxiv_id=None,
        project_page="https://example.org/a b{c}",
        published=dt.date(2024, 1, 2),
    )
    text = bibtex.paper_entry(paper)
    entry = parse(text).entries[0]
    values = fields(entry)
    # Every LaTeX special outside math is a command; the math is kept as written.
    assert values["title"] == (
        r"50\% of A\&B\_c \#1 \textbraceleft{}x\textbraceright{} costs \$5 "
        r"\textasciitilde{} \textasciicircum{} \textbackslash{} and $\mathcal{O}(n^{2})$ math"
    )
    assert unescape(values["title"]) == SPECIALS_TITLE
    assert values["note"] == r"Proc. 100\% Real \& Co. \#5"
    # A name with a comma or "and" is braced whole, so BibTeX keeps it one author.
    assert values["author"] == r"AT\&T Labs\_Research and {Smith, Jr.} and {Tom and Jerry}"
    assert "eprint" not in values and "archivePrefix" not in values
    assert values["url"] == "https://example.org/a%20b%7Bc%7D"
    assert entry.key == "labsresearch202450"


def test_unbalanced_math_is_escaped_as_text():
    assert bibtex.latex_escape("a $x}$ b") == r"a \$x\textbraceright{}\$ b"
    assert bibtex.latex_escape("only $5 here") == r"only \$5 here"
    assert bibtex.latex_escape("$50\\%$ & more") == r"$50\%$ \& more"


def test_paper_without_arxiv_id(client):
    paper = make_paper(
        title="An Offline Paper",
        arxiv_id=None,
        authors=[make_author("Grace Hopper")],
        listed_on=dt.date(2025, 3, 1),
    )
    response = client.get(f"/papers/id/{paper.pk}/bibtex/")
    assert response.status_code == 200
    entry = parse(response.content.decode()).entries[0]
    values = fields(entry)
    # The year it was listed here is not the paper's: no year rather than a wrong one.
    assert "year" not in values
    assert entry.key == "hopperoffline"
    assert values["url"] == f"http://testserver/papers/id/{paper.pk}/"
    assert "eprint" not in values
    paper.published = dt.date(2023, 7, 23)
    paper.save()
    values = fields(parse(client.get(f"/papers/id/{paper.pk}/bibtex/").content.decode()).entries[0])
    assert values["year"] == "2023"


def test_arxiv_paper_by_pk_redirects_and_unknown_or_hidden_is_404(client, vint):
    response = client.get(f"/papers/id/{vint.pk}/bibtex/")
    assert response.status_code == 301
    assert response["Location"] == "/papers/2306.14846/bibtex/"
    hidden = make_paper(status=Paper.Status.HIDDEN)
    assert client.get(f"/papers/{hidden.arxiv_id}/bibtex/").status_code == 404
    assert client.get("/papers/9999.99999/bibtex/").status_code == 404
    assert client.get("/papers/id/999999/bibtex/").status_code == 404


def test_keys_are_unique_in_a_list():
    papers = [
        make_paper(title="Attention Again", authors=["Ann Lee"], published=dt.date(2020, 1, 1))
        for _ in range(3)
    ]
    text = bibtex.papers_bibtex(Paper.objects.filter(pk__in=[p.pk for p in papers]))
    keys = [entry.key for entry in parse(text).entries]
    assert keys == ["lee2020attention", "lee2020attentionb", "lee2020attentionc"]


def test_paper_page_shows_the_entry_and_a_copy_button(client, vint):
    page = client.get("/papers/2306.14846/").content.decode()
    assert '<pre class="bibtex" id="bibtex-entry"' in page
    assert "@misc{shah2023vint," in page
    assert "eprint = {2306.14846}" in page
    # The button is for JavaScript only (hidden until copy.js shows it); no inline script.
    assert re.search(
        r'<button type="button" class="button" data-copy-target="bibtex-entry" hidden>', page
    )
    assert '<script src="/static/js/copy.js" defer></script>' in page
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)
    assert 'href="/papers/2306.14846/bibtex/" download' in page


# --- a filtered list --------------------------------------------------------------------------


def test_filtered_list_export_has_the_catalogues_papers_in_its_order(client):
    topic = make_topic("World Models", slug="world-models")
    first = make_paper(title="Most Upvoted", authors=["Ann Lee"], topics=[topic], upvote_count=9)
    second = make_paper(title="Less Upvoted", authors=["Bo Chen"], topics=[topic], upvote_count=2)
    make_paper(title="Another Topic", authors=["Cy Diaz"], upvote_count=5)
    make_paper(title="Hidden", topics=[topic], status=Paper.Status.HIDDEN)

    response = client.get("/papers/bibtex/?topic=world-models&page=3")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="papers.bib"'
    text = response.content.decode()
    assert text.startswith("% 2 papers from http://testserver/papers/?topic=world-models\n")
    library = parse(text)
    assert [fields(e)["eprint"] for e in library.entries] == [first.arxiv_id, second.arxiv_id]
    # No published date: the year of the arXiv id (2401.*), not of the listing (2026).
    assert [e.key for e in library.entries] == ["lee2024most", "chen2024less"]


def test_filtered_list_export_of_a_search(client):
    make_paper(title="Graph Networks for Physics", authors=["Ann Lee"])
    make_paper(title="Unrelated Work", authors=["Bo Chen"])
    text = client.get("/papers/bibtex/?q=graph").content.decode()
    assert [fields(e)["title"] for e in parse(text).entries] == ["Graph Networks for Physics"]


def test_filtered_list_export_with_no_results_is_an_empty_file(client):
    text = client.get("/papers/bibtex/?q=nothingmatchesthis").content.decode()
    assert text.startswith("% 0 papers from ")
    assert parse(text).entries == []


def test_filtered_list_export_bad_parameters_are_400(client):
    response = client.get("/papers/bibtex/?topic=no-such-topic&year=abc")
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is no topic" in body
    assert "year" in body.lower()
