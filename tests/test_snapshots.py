"""The demo snapshot (tests/snapshots.py) puts in the database what ``load_demo`` writes."""

import io

import pytest
from django.core.management import call_command

from papers.core.models import Paper
from papers.search import engines
from papers.search import query as search_query
from tests.snapshots import DEMO_ANCHOR, _rows, _tables

pytestmark = [pytest.mark.django_db, pytest.mark.engine]  # SQLite's sequences are moved


def everything() -> dict:
    return {model: _rows(model) for model in _tables()}


def found(q):
    query = search_query.parse_query(q)
    papers = engines.with_rank(engines.filter_matching(Paper.objects.published(), query), query)
    return list(papers.order_by(*engines.RELEVANCE_ORDER).values_list("arxiv_id", flat=True))


def test_restore_writes_back_every_row_as_it_was(demo_snapshot):
    before = everything()
    demo_snapshot.restore()
    after = everything()
    assert demo_snapshot.row_count > 500
    for model, rows in demo_snapshot.added:
        assert {pk: after[model][pk] for pk in (row[model._meta.pk.attname] for row in rows)} == {
            row[model._meta.pk.attname]: row for row in rows
        }, model
    added = sum(len(after[model]) - len(before[model]) for model in after)
    assert added == demo_snapshot.row_count


def test_a_restored_demo_is_the_loaded_demo(demo_snapshot):
    demo_snapshot.restore()
    restored = ({m: len(rows) for m, rows in everything().items()}, found("world model"))
    assert restored[1]  # the search index follows the restored papers
    for model, _rows_added in demo_snapshot.added:
        model._base_manager.all().delete()
    call_command("load_demo", anchor=DEMO_ANCHOR, stdout=io.StringIO())
    loaded = ({m: len(rows) for m, rows in everything().items()}, found("world model"))
    assert restored == loaded


def test_rows_made_before_the_restore_are_kept_and_the_demo_loaded(demo_snapshot):
    """On SQLite the paper takes an id of the snapshot's: the demo is then loaded afresh."""
    paper = Paper.objects.create(title="Made before the demo")
    demo_snapshot.restore()
    assert Paper.objects.filter(pk=paper.pk, title="Made before the demo").exists()
    assert Paper.objects.exclude(arxiv_id=None).count() == 38
