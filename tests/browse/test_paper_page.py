"""The paper page, as readers use it: the way to the paper and its code first, then the
abstract; never a dead end; LaTeX that lost its dollars upstream made readable; the
trending explainer only when there is something to explain."""

import re

import pytest

from papers.community import services
from tests.factories import make_paper, make_repository, make_user

pytestmark = pytest.mark.django_db


def actions(html: str) -> list[str]:
    """The labels of the buttons of the page's first row, in order."""
    row = re.search(r'<ul class="link-row paper-actions".*?</ul>', html, re.S).group(0)
    return [re.sub(r"<[^>]+>|\s+", " ", label).split()[0] for label in re.findall(
        r'class="button[^"]*"[^>]*>(.*?)</a>', row, re.S)]  # fmt: skip


def test_pdf_and_code_come_first_with_the_official_repository_and_its_stars(client):
    fork = make_repository("someone", "fork", stars=9000)
    official = make_repository("authors", "model", stars=1234)
    paper = make_paper(arxiv_id="2411.04983", project_page="https://example.org/dino")
    paper.code_links.create(repository=fork, is_official=False)
    paper.code_links.create(repository=official, is_official=True)
    html = client.get(paper.get_absolute_url()).content.decode()
    assert actions(html) == ["PDF", "Code", "arXiv", "Project"]
    code = re.search(r'<a class="button" href="([^"]+)"[^>]*>Code(.*?)</a>', html, re.S)
    assert code.group(1) == "https://github.com/authors/model"
    assert "★ 1,234" in code.group(2)
    assert html.index("paper-actions") < html.index('id="abstract-heading"')


def test_a_paper_without_a_link_still_leads_to_itself(client):
    paper = make_paper(arxiv_id=None, title="Dynamic Constrained Submodular Optimization")
    html = client.get(paper.get_absolute_url()).content.decode()
    assert "arxiv.org/search/?searchtype=title&amp;query=Dynamic%20Constrained" in html
    assert "semanticscholar.org/search?q=Dynamic%20Constrained" in html
    assert "scholar.google.com/scholar?q=Dynamic%20Constrained" in html
    with_link = make_paper(arxiv_id="2401.00077")
    assert "semanticscholar.org" not in client.get(with_link.get_absolute_url()).content.decode()


def test_stray_latex_in_an_abstract_is_made_readable(client):
    paper = make_paper(
        arxiv_id=None,
        abstract=(
            "A recent paper by Lattanzi, Norouzi{-}Fard and others claims a 1{2} -epsilon "
            "approximation with query complexity poly(log(n),log(k),epsilon^{-1}). We keep "
            "$\\epsilon^{-1}$ written as math."
        ),
    )
    html = client.get(paper.get_absolute_url()).content.decode()
    assert "Norouzi-Fard" in html and "1/2 -ε approximation" in html
    assert "poly(log(n),log(k),ε⁻¹)" in html
    assert "1{2}" not in html and "{-}" not in html and "log(k),epsilon" not in html
    assert "$\\epsilon^{-1}$" in html  # real math is left for KaTeX


def test_the_trending_explainer_waits_for_a_vote(client):
    paper = make_paper(arxiv_id="2401.00078")
    html = client.get(paper.get_absolute_url()).content.decode()
    panel = re.search(r'<section[^>]*class="trending-why"[^>]*>', html).group(0)
    assert "hidden" in panel
    services.paper_upvote(paper=paper, user=make_user())
    html = client.get(paper.get_absolute_url()).content.decode()
    panel = re.search(r'<section[^>]*class="trending-why"[^>]*>', html).group(0)
    assert "hidden" not in panel
    assert html.index('id="dates-heading"') < html.index('id="trending-heading"')


def test_the_repository_list_shows_only_what_is_known(client):
    paper = make_paper(arxiv_id="2401.00079")
    for owner in ("first", "second"):
        paper.code_links.create(repository=make_repository(owner, "code"))
    html = client.get("/repos/").content.decode()
    assert '<th scope="col">Framework</th>' not in html and ">Stars</th>" not in html
    assert "most starred first" not in html
    third = make_repository("third", "code", stars=10, language="Python", framework="pytorch")
    paper.code_links.create(repository=third)
    html = client.get("/repos/").content.decode()
    assert ">Stars</th>" in html and ">Language</th>" in html and ">Framework</th>" in html
    assert "most starred first" in html
    assert html.index("third/code") < html.index("first/code")
