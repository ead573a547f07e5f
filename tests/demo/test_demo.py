import datetime as dt
import io
import json
from collections import Counter

import pytest
from django.core.management import CommandError, call_command

from papers.core.models import Author, Authorship, Category, CodeLink, Paper, Repository, Topic
from papers.demo.loader import DATA_DIR as DEMO_DIR

pytestmark = [pytest.mark.django_db, pytest.mark.engine]  # bulk writes (papers/core/bulk.py)
ANCHOR = dt.date(2026, 11, 26)  # a Thursday


@pytest.fixture
def demo_records():
    return json.loads((DEMO_DIR / "papers.json").read_text())


def load(anchor=ANCHOR):
    call_command("load_demo", anchor=anchor.isoformat(), stdout=io.StringIO())


def snapshot():
    return {
        "papers": sorted(
            Paper.objects.values_list("pk", "arxiv_id", "title", "listed_on", "updated_at")
        ),
        "authors": Author.objects.count(),
        "authorships": sorted(Authorship.objects.values_list("paper_id", "author_id", "position")),
        "repositories": Repository.objects.count(),
        "links": CodeLink.objects.count(),
        "topics": Topic.objects.count(),
        "categories": Category.objects.count(),
        "paper_topics": Paper.topics.through.objects.count(),
    }


def test_loads_every_paper_with_its_topics_and_code(demo_records):
    load()
    assert Paper.objects.count() == 39
    assert Paper.objects.published().count() == 39
    assert Topic.objects.count() == 16
    assert Repository.objects.count() == sum(len(r["repositories"]) for r in demo_records)
    assert Paper.objects.filter(has_code=True).count() == sum(
        1 for r in demo_records if r["repositories"]
    )
    subgoal = Paper.objects.get(arxiv_id="2408.11172")
    assert {t.name for t in subgoal.topics.all()} == {
        "Theorem Proving & Mathematical Reasoning",
        "Large Language Models",
        "Reasoning",
    }


def test_author_order_matches_the_data(demo_records):
    load()
    for record in demo_records:
        paper = (
            Paper.objects.get(arxiv_id=record["arxiv_id"])
            if record["arxiv_id"]
            else Paper.objects.get(title=record["title"])
        )
        names = list(paper.authorships.order_by("position").values_list("author__name", flat=True))
        assert names == record["authors"], record["title"]


def test_unknown_metadata_stays_empty(demo_records):
    load()
    for record in demo_records:
        if not record["arxiv_id"]:
            paper = Paper.objects.get(title=record["title"])
            assert paper.arxiv_id is None
            continue
        paper = Paper.objects.get(arxiv_id=record["arxiv_id"])
        if record["published"] is None:  # only the month in the arXiv id is known
            number = record["arxiv_id"]
            month = dt.date(2000 + int(number[:2]), int(number[2:4]), 1)
            assert (paper.published, paper.published_precision) == (month, "month")
        else:
            assert paper.published_precision == "day"
        if record["primary_category"] is None:
            assert paper.primary_category is None
        assert sorted(paper.categories.values_list("code", flat=True)) == sorted(
            record["categories"]
        )
        assert paper.project_page == (record["project_page"] or "")
        assert paper.abstract == record["abstract"]
    vint = Paper.objects.get(arxiv_id="2306.14846")
    assert vint.published == dt.date(2023, 6, 26)
    assert vint.comment == vint.journal_ref == vint.doi == ""
    assert vint.upvote_count == 0


def test_listed_dates_look_like_daily_pages_newest_papers_first():
    load()
    per_day = Counter(Paper.objects.values_list("listed_on", flat=True))
    days = sorted(per_day, reverse=True)
    assert days[0] == ANCHOR and all(d.weekday() < 5 for d in days)
    assert [per_day[d] for d in days] == [8, 6, 5, 4, 4, 3, 3, 2, 2, 1, 1]
    # Two ISO weeks and two months hold papers: every edition tab has content.
    assert len({d.isocalendar()[:2] for d in days}) >= 2
    # The anchor day's page holds the newest papers, never a 2019 one.
    today = Paper.objects.filter(listed_on=ANCHOR)
    assert min(p.published for p in today) >= max(
        p.published for p in Paper.objects.exclude(listed_on=ANCHOR).exclude(published=None)
    )
    assert not Paper.objects.filter(listed_on=ANCHOR, arxiv_id__startswith="19").exists()


def test_second_run_changes_nothing(capsys):
    load()
    before = snapshot()
    call_command("load_demo", anchor="2026-12-10")
    out = capsys.readouterr().out
    assert "papers unchanged: 39" in out
    assert "papers created" not in out
    assert snapshot() == before


def test_restores_demo_fields_but_keeps_curator_topics():
    load()
    paper = Paper.objects.get(arxiv_id="2306.14846")
    extra = Topic.objects.create(name="Curated Extra", slug="curated-extra")
    paper.topics.add(extra)
    Paper.objects.filter(pk=paper.pk).update(title="Edited by accident")
    load()
    paper.refresh_from_db()
    assert paper.title == "ViNT: A Foundation Model for Visual Navigation"
    assert extra in paper.topics.all()


def test_same_person_is_one_author():
    load()
    assert Author.objects.filter(name="Sergey Levine").count() == 1
    assert Author.objects.get(name="Łukasz Flis").slug == "lukasz-flis"


def test_bad_anchor_is_a_clear_error():
    with pytest.raises(CommandError, match="--anchor"):
        call_command("load_demo", anchor="2026-13-45")
    assert Paper.objects.count() == 0
