"""Thumbnails: a PDF made in the test, served by the fake upstream, rendered with
pdfium, stored as WebP through the storage API, shown on cards and the paper page."""

import io
import re

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from PIL import Image

from papers.core.models import Paper
from papers.ingest import tasks, thumbnails
from papers.ingest.models import FetchStatus
from tests.factories import make_paper

from .pdfs import paper_pdf
from .upstream import Reply

pytestmark = pytest.mark.django_db
LISTED = "2026-11-20"


@pytest.fixture
def paper():
    return make_paper(arxiv_id="2611.04321", title="Latent Planners")


def test_the_first_page_becomes_a_small_webp(upstream, paper, settings):
    upstream.route("/pdf/2611.04321", Reply(200, paper_pdf(), {"Content-Type": "application/pdf"}))

    report = thumbnails.thumbnails_make([paper])

    assert report.created == 1 and report.failed == 0
    paper.refresh_from_db()
    assert paper.thumbnail.name.startswith("thumbnails/") and paper.thumbnail.name.endswith(".webp")
    assert (paper.thumbnail_width, paper.thumbnail_height) == (240, 311)  # 612×792 pt at 240 px
    with default_storage.open(paper.thumbnail.name) as stored:
        image = Image.open(io.BytesIO(stored.read()))
        assert (image.format, image.size) == ("WEBP", (240, 311))
        # The dark title block of the first page is there, near the top.
        r, _g, b = image.convert("RGB").getpixel((120, 33))
        assert b > 80 and r < 60
    assert FetchStatus.objects.get(paper=paper, source="thumbnail").state == "ok"
    assert upstream.requests[0].headers["Accept"] == "application/pdf"


def test_cards_and_the_paper_page_show_it_with_its_size(
    upstream, paper, client, django_capture_on_commit_callbacks
):
    upstream.route("/pdf/2611.04321", Reply(200, paper_pdf()))
    text_only = client.get(f"/papers/date/{LISTED}/").content.decode()
    assert "paper-thumb" not in text_only  # no thumbnail yet: the card is text only

    with django_capture_on_commit_callbacks(execute=True):  # the cached cards move on
        thumbnails.thumbnails_make([paper])
    paper.refresh_from_db()

    card = client.get(f"/papers/date/{LISTED}/").content.decode()
    img = re.search(r'<img class="paper-thumb paper-thumb-card"[^>]*>', card).group()
    assert f'src="/media/{paper.thumbnail.name}"' in img
    assert 'width="240"' in img and 'height="311"' in img and 'alt=""' in img
    page = client.get(paper.get_absolute_url()).content.decode()
    assert 'class="paper-thumb paper-thumb-page"' in page and "First page" in page
    media = client.get(f"/media/{paper.thumbnail.name}")
    assert media.status_code == 200 and b"".join(media.streaming_content)[:4] == b"RIFF"


@pytest.mark.parametrize(
    "reply, reason",
    [
        (Reply(200, b"%PDF-1.4 this is not really a pdf"), "not a readable PDF"),
        (Reply(404, b"no such paper"), "HTTP 404"),
        (Reply(200, b"%PDF" + b"0" * 5000), "over the 2,000-byte limit"),
    ],
    ids=["broken-pdf", "404", "too-large"],
)
def test_a_pdf_that_cannot_be_rendered_is_a_failure_and_the_card_stays_text(
    upstream, paper, settings, reply, reason
):
    settings.THUMBNAIL_MAX_PDF_BYTES = 2000
    upstream.route("/pdf/2611.04321", reply)

    report = thumbnails.thumbnails_make([paper])

    assert report.failed == 1 and reason in str(report.failures)
    paper.refresh_from_db()
    assert not paper.thumbnail
    status = FetchStatus.objects.get(paper=paper, source="thumbnail")
    assert status.state == "failed" and reason in status.message
    # Failed recently: not tried again by the next runs for a while.
    assert paper not in thumbnails.papers_needing_thumbnails()


def test_a_new_thumbnail_replaces_the_old_file(upstream, paper, django_capture_on_commit_callbacks):
    upstream.route("/pdf/2611.04321", Reply(200, paper_pdf("One")))
    thumbnails.thumbnails_make([paper])
    paper.refresh_from_db()
    first = paper.thumbnail.name
    upstream.route("/pdf/2611.04321", Reply(200, paper_pdf("Two")))
    with django_capture_on_commit_callbacks(execute=True):
        report = tasks.thumbnails_render.enqueue([paper.pk]).return_value
    assert report["updated"] == 1
    paper.refresh_from_db()
    assert default_storage.exists(paper.thumbnail.name)
    assert paper.thumbnail.name == first or not default_storage.exists(first)


def test_papers_needing_thumbnails_are_published_with_a_pdf_newest_first():
    older = make_paper(listed_on="2026-11-19")
    newer = make_paper(listed_on="2026-11-20")
    make_paper(status=Paper.Status.PENDING)
    make_paper(arxiv_id=None, pdf_url="")
    assert list(thumbnails.papers_needing_thumbnails()) == [newer, older]


def test_the_admin_queues_thumbnails(upstream, paper, admin_client):
    upstream.route("/pdf/2611.04321", Reply(200, paper_pdf()))
    response = admin_client.post(
        "/admin/core/paper/",
        {"action": "make_thumbnails", "_selected_action": [paper.pk]},
        follow=True,
    )
    assert "Queued the thumbnails of 1 paper." in response.content.decode()
    paper.refresh_from_db()
    assert paper.thumbnail  # the test settings run tasks at once
    call_command("check")
