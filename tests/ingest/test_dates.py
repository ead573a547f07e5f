"""Published dates at the precision known: the arXiv v1 day when a source states it,
else the month in the arXiv id (``2411.04983`` → Nov 2024), never the listing date;
shown, cited and served that way."""

import datetime as dt
import importlib

import pytest

from papers.core.models import Paper
from papers.ingest import writes

pytestmark = pytest.mark.django_db
DINO_WM = "2411.04983"


@pytest.fixture
def demo(demo_snapshot):
    demo_snapshot.restore()  # load_demo --anchor 2026-11-26 (tests/conftest.py)


def test_every_demo_paper_with_an_arxiv_id_has_at_least_its_month(demo):
    papers = Paper.objects.exclude(arxiv_id=None)
    assert papers.count() == 38
    assert not papers.filter(published=None).exists()
    dino = Paper.objects.get(arxiv_id=DINO_WM)
    assert (dino.published, dino.published_precision, dino.year) == (
        dt.date(2024, 11, 1),
        "month",
        2024,
    )
    vint = Paper.objects.get(arxiv_id="2306.14846")  # a verified date is kept
    assert (vint.published, vint.published_precision) == (dt.date(2023, 6, 26), "day")


def test_a_month_is_shown_as_a_month(demo, client):
    dino = Paper.objects.get(arxiv_id=DINO_WM)
    card = client.get(f"/papers/date/{dino.listed_on:%Y-%m-%d}/").content.decode()
    assert '<time datetime="2024-11">Nov 2024</time>' in card
    page = client.get(f"/papers/{DINO_WM}/").content.decode()
    assert '<time datetime="2024-11">November 2024</time>' in page
    assert '<meta name="citation_publication_date" content="2024/11">' in page
    assert "article:published_time" not in page
    vint = client.get("/papers/2306.14846/").content.decode()
    assert '<time datetime="2023-06-26">26 June 2023</time>' in vint


def test_bibtex_and_the_api_follow(demo, client):
    entry = client.get(f"/papers/{DINO_WM}/bibtex/").content.decode()
    assert "year = {2024}," in entry and "month = nov," in entry
    assert "2026" not in entry.split("url")[0]  # not the listing year
    api = client.get(f"/api/v1/papers/{DINO_WM}/").json()
    assert (api["published"], api["published_precision"]) == ("2024-11-01", "month")


def record(arxiv_id, published=None, **fields):
    if published:
        fields["published"] = published
    return writes.PaperRecord(arxiv_id=arxiv_id, fields={"title": "A Paper", **fields})


def test_a_known_day_replaces_a_month_and_a_month_never_replaces_a_day():
    day = dt.date(2024, 11, 7)
    writes.papers_import(records=[record(DINO_WM)], listed_on=dt.date(2026, 11, 26))
    paper = Paper.objects.get(arxiv_id=DINO_WM)
    assert (paper.published, paper.published_precision) == (dt.date(2024, 11, 1), "month")

    outcomes = writes.papers_import(records=[record(DINO_WM, day)], listed_on=dt.date(2026, 1, 1))
    assert outcomes[0][0] == "updated"
    paper.refresh_from_db()
    assert (paper.published, paper.published_precision) == (day, "day")
    assert paper.listed_on == dt.date(2026, 11, 26)  # the listing date is the site's own

    # A source without the day (or an authoritative one) leaves the day alone.
    for authoritative in (False, True):
        writes.papers_import(
            records=[record(DINO_WM)], listed_on=dt.date(2026, 1, 1), authoritative=authoritative
        )
        paper.refresh_from_db()
        assert (paper.published, paper.published_precision) == (day, "day")


def test_old_style_ids_and_papers_without_an_id():
    writes.papers_import(
        records=[record("hep-th/9901001"), record(None, title="Offline")],
        listed_on=dt.date(2026, 11, 26),
    )
    old = Paper.objects.get(arxiv_id="hep-th/9901001")
    assert (old.published, old.published_precision) == (dt.date(1999, 1, 1), "month")
    assert Paper.objects.get(title="Offline").published is None


def test_the_migration_fills_existing_papers():
    migration = importlib.import_module(
        "papers.ingest.migrations.0002_published_month_from_arxiv_id"
    )
    from django.apps import apps

    Paper.objects.create(arxiv_id=DINO_WM, title="Before the migration")
    Paper.objects.create(arxiv_id="2306.14846", title="Dated", published=dt.date(2023, 6, 26))
    migration.fill(apps, None)
    assert Paper.objects.get(arxiv_id=DINO_WM).published == dt.date(2024, 11, 1)
    assert Paper.objects.get(arxiv_id=DINO_WM).published_precision == "month"
    assert Paper.objects.get(arxiv_id="2306.14846").published_precision == "day"
    assert migration.month_of("hep-th/9901001") == dt.date(1999, 1, 1)
    assert migration.month_of("2413.00001") is None
