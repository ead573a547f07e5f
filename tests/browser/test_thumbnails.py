"""A paper's first-page thumbnail on its card and its page, in a real browser: the image
loads from the media storage, takes the size its width and height attributes reserve,
and cards without one stay text only."""

import pytest
from playwright.sync_api import expect

from papers.core.models import Paper
from papers.ingest.thumbnails import paper_thumbnail_store, render_first_page
from tests.browser.conftest import ANCHOR, ARTIFACTS
from tests.ingest.pdfs import paper_pdf

SCREENSHOTS = ARTIFACTS / "screenshots"


@pytest.fixture
def thumbnailed(catalogue, settings):
    """The first paper listed on ANCHOR, with a thumbnail made from a PDF (as the
    worker makes it, without the download)."""
    paper = Paper.objects.filter(listed_on=ANCHOR).exclude(arxiv_id=None).order_by("pk").first()
    image = render_first_page(paper_pdf("Thumbnail"), width=settings.THUMBNAIL_WIDTH)
    paper_thumbnail_store(paper=paper, image=image)
    paper.refresh_from_db()
    return paper


def test_the_thumbnail_shows_on_the_card_and_the_paper_page(page, thumbnailed):
    paper = thumbnailed
    page.goto("/")
    card = page.locator(".paper-card").filter(
        has=page.locator(f'.paper-title a[href="{paper.get_absolute_url()}"]')
    )
    image = card.locator("img.paper-thumb")
    expect(image).to_be_visible()
    assert image.get_attribute("width") == str(paper.thumbnail_width)
    assert image.get_attribute("height") == str(paper.thumbnail_height)
    image.scroll_into_view_if_needed()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=image.element_handle()
    )
    natural = image.evaluate("img => [img.naturalWidth, img.naturalHeight]")
    assert natural == [paper.thumbnail_width, paper.thumbnail_height]
    box = image.bounding_box()
    assert 90 <= box["width"] <= 120  # 6.5rem beside the text
    assert abs(box["height"] / box["width"] - paper.thumbnail_height / paper.thumbnail_width) < 0.02
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    card.screenshot(path=SCREENSHOTS / "card-with-thumbnail.png")

    others = page.locator(".paper-card").filter(has_not=page.locator("img.paper-thumb"))
    assert others.count() == page.locator(".paper-card").count() - 1  # text only

    page.goto(paper.get_absolute_url())
    first_page = page.locator(".first-page img.paper-thumb")
    expect(first_page).to_be_visible()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=first_page.element_handle()
    )
