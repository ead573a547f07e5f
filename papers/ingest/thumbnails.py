"""Thumbnails of papers' first pages, as on the Daily Papers page.

A worker fetches the PDF (at most ``THUMBNAIL_MAX_PDF_BYTES``, within the HTTP
time limits; arXiv PDFs from ``ARXIV_PDF_URL`` under arXiv's 3-second rule),
renders its first page with pdfium (pypdfium2, which ships its own library), scales
it to ``THUMBNAIL_WIDTH`` pixels wide with Pillow and stores a WebP through Django's
storage API (``STORAGES["default"]``: files under MEDIA_ROOT, or an S3-compatible
store). ``Paper.thumbnail`` keeps its name, width and height; the card and the paper
page show it with both set (no layout shift), or nothing when there is none.
"""

import datetime as dt
import io
from collections.abc import Callable, Iterable

import pypdfium2 as pdfium
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from PIL import Image

from papers.core import derived
from papers.core.models import Paper

from .fetchers.http import FetchError, HttpClient, Policy, Throttle
from .fetchers.report import FetchReport
from .models import FetchStatus
from .status import Source, State, statuses_set

MAX_ASPECT = 1.6  # taller pages are cut at this height/width ratio
MAX_PAGE_POINTS = 5000  # a page larger than this (70 inches) is not a paper page
WEBP_QUALITY = 80
RETRY_FAILED_AFTER_DAYS = 7


class ThumbnailError(Exception):
    pass


def render_first_page(pdf: bytes, *, width: int) -> Image.Image:
    """The PDF's first page as an RGB image ``width`` pixels wide (cut if very tall)."""
    try:
        document = pdfium.PdfDocument(pdf)
    except pdfium.PdfiumError as error:
        raise ThumbnailError(f"not a readable PDF ({error})") from error
    try:
        if len(document) == 0:
            raise ThumbnailError("the PDF has no pages")
        page = document[0]
        points_wide, points_high = page.get_size()
        if not (0 < points_wide <= MAX_PAGE_POINTS and 0 < points_high <= MAX_PAGE_POINTS):
            raise ThumbnailError(f"unusual page size {points_wide:.0f}×{points_high:.0f} pt")
        bitmap = page.render(scale=width / points_wide)
        image = bitmap.to_pil().convert("RGB")
        page.close()
    finally:
        document.close()
    if image.height > image.width * MAX_ASPECT:
        image = image.crop((0, 0, image.width, round(image.width * MAX_ASPECT)))
    return image


def webp_bytes(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "WEBP", quality=WEBP_QUALITY, method=6)
    return out.getvalue()


def pdf_location(paper: Paper) -> str:
    """Where the paper's PDF is fetched from: arXiv's (``ARXIV_PDF_URL``) for arXiv
    papers, else its own PDF link."""
    if paper.arxiv_id:
        return f"{settings.ARXIV_PDF_URL.rstrip('/')}/{paper.arxiv_id}"
    return paper.pdf_url


def thumbnail_name(paper: Paper) -> str:
    key = (paper.arxiv_id or f"paper-{paper.pk}").replace("/", "-")
    return f"{key}.webp"


def papers_needing_thumbnails():
    """Published papers with a PDF and no thumbnail, newest first; a paper whose last
    attempt failed is tried again after ``RETRY_FAILED_AFTER_DAYS``."""
    recent_failure = FetchStatus.objects.filter(
        paper=OuterRef("pk"),
        source=Source.THUMBNAIL,
        state=State.FAILED,
        finished_at__gt=timezone.now() - dt.timedelta(days=RETRY_FAILED_AFTER_DAYS),
    )
    return (
        Paper.objects.published()
        .filter(thumbnail="")
        .filter(Q(arxiv_id__isnull=False) | ~Q(pdf_url=""))
        .exclude(Exists(recent_failure))
        .order_by("-listed_on", "-pk")
    )


def thumbnails_make(
    papers: Iterable[Paper],
    *,
    client: HttpClient | None = None,
    progress: Callable[[FetchReport], None] | None = None,
) -> FetchReport:
    """Make (or remake) the thumbnails of ``papers``, one at a time."""
    report = FetchReport(source="Thumbnails", progress=progress)
    client = client or HttpClient(
        policy=Policy.from_settings(max_bytes=settings.THUMBNAIL_MAX_PDF_BYTES),
        throttle=Throttle("arxiv", settings.ARXIV_REQUEST_INTERVAL),
        headers={"Accept": "application/pdf"},
    )
    with client:
        for paper in papers:
            report.read += 1
            where = paper.arxiv_id or f"paper {paper.pk}"
            url = pdf_location(paper)
            if not url:
                report.skip("no PDF", where)
                continue
            try:
                pdf = client.get(url).content
                image = render_first_page(pdf, width=settings.THUMBNAIL_WIDTH)
            except (FetchError, ThumbnailError) as error:
                report.fail(str(error), where)
                statuses_set(
                    source=Source.THUMBNAIL, state=State.FAILED, message=str(error),
                    paper_ids=[paper.pk],
                )  # fmt: skip
                continue
            had = bool(paper.thumbnail)
            paper_thumbnail_store(paper=paper, image=image)
            report.count("updated" if had else "created", paper.pk)
            report.tick()
    return report


def paper_thumbnail_store(*, paper: Paper, image: Image.Image) -> None:
    """Store ``image`` as the paper's thumbnail (replacing an older one) and record it."""
    old = paper.thumbnail.name
    name = default_storage.save(
        paper.thumbnail.field.generate_filename(paper, thumbnail_name(paper)),
        ContentFile(webp_bytes(image)),
    )
    with transaction.atomic():
        Paper.objects.filter(pk=paper.pk).update(
            thumbnail=name,
            thumbnail_width=image.width,
            thumbnail_height=image.height,
            updated_at=timezone.now(),
        )
        derived.papers_changed(paper_ids=[paper.pk])  # the cards show it
        statuses_set(source=Source.THUMBNAIL, state=State.OK, paper_ids=[paper.pk])
    if old and old != name:
        transaction.on_commit(lambda: default_storage.delete(old))
    paper.thumbnail.name = name
