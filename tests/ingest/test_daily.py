"""``ingest_daily``: the day's whole run against a fake arXiv, Hugging Face and GitHub
serving recorded responses: it fills the catalogue, a second run changes nothing,
and a run that finds the lock taken does nothing."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import CommandError, call_command

from papers.core.models import Paper, Repository
from papers.ingest.daily import LOCK
from papers.ingest.locks import lock_acquire, lock_release
from papers.ingest.models import Lock
from tests.factories import make_user

from .pdfs import paper_pdf
from .upstream import Reply, fixture, github_reply

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 11, 26, 9, 30, tzinfo=dt.UTC)
IDS = ["2611.09001", "2611.08990", "2611.08877", "2611.08701", "2611.04321"]


@pytest.fixture
def upstreams(upstream, settings, waits):
    settings.ARXIV_CATEGORIES = ["cs.LG", "cs.CV"]
    settings.ARXIV_DAYS = 3
    settings.THUMBNAILS_PER_RUN = 3
    upstream.route("/api/daily_papers", Reply(200, fixture("hf/daily_papers_2026-11-26.json")))
    upstream.route(
        "/api/query", Reply(200, fixture("arxiv/category_page_1.xml")), query={"start": "0"}
    )
    upstream.route(
        "/api/query", Reply(200, fixture("arxiv/category_page_2.xml")), query={"start": "3"}
    )
    upstream.route(
        "/api/query",
        Reply(200, fixture("arxiv/id_2611_04321.xml")),
        query={"id_list": "2611.04321"},
    )
    upstream.route("/repos/example-lab/latent-planner", github_reply("latent-planner"))
    upstream.route(
        "/repos/example-lab/sparse-routers",
        github_reply("sparse-routers", headers="latent-planner"),  # limit not reached
    )
    for arxiv_id in IDS:
        upstream.route(f"/pdf/{arxiv_id}", Reply(200, paper_pdf()))
    return upstream


def ingest_daily(*args):
    out = io.StringIO()
    with time_machine.travel(NOW, tick=False):
        call_command("ingest_daily", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_the_daily_run_fills_the_catalogue_and_is_idempotent(upstreams):
    from papers.community import services

    services.submission_create(user=make_user(), arxiv_id="2611.04321")  # fetched at once here
    Paper.objects.filter(arxiv_id="2611.04321").update(
        title="arXiv:2611.04321 (awaiting metadata)", abstract=""
    )  # as if the worker had not got to it: the daily run does

    out = ingest_daily("--date", "2026-11-26")

    sections = out.split("\n\n")
    assert sections[0].startswith("Hugging Face daily papers 2026-11-26")
    assert "created: 1" in sections[0] and "updated: 1" in sections[0]  # 2611.04321 was pending
    assert "arXiv newest" in sections[1] and "created: 3" in sections[1]
    assert "arXiv metadata" in sections[2]
    assert "GitHub repositories" in sections[3] and "updated: 2" in sections[3]
    assert "Thumbnails" in sections[4] and "created: 3" in sections[4]
    assert set(Paper.objects.values_list("arxiv_id", flat=True)) == set(IDS)
    assert Repository.objects.get(name="latent-planner").stars == 1342
    assert Paper.objects.exclude(thumbnail="").count() == 3
    submitted = Paper.objects.get(arxiv_id="2611.04321")
    assert submitted.status == Paper.Status.PENDING and submitted.abstract  # for the curator

    requests = len(upstreams.requests)
    again = ingest_daily("--date", "2026-11-26").split("\n\n")
    assert "unchanged: 2" in again[0] and "unchanged: 4" in again[1]  # nothing new
    # GitHub's own star counts stay (Hugging Face's copy of them is older).
    assert Repository.objects.get(name="latent-planner").stars == 1342
    assert "GitHub repositories: 0 read" in again[3]  # fresh: not asked again
    assert "created: 1" in again[4]  # the fourth thumbnail; the first three are not redone
    assert len(upstreams.requests) - requests < requests


def test_a_run_that_finds_the_lock_taken_does_nothing(upstreams):
    holder = lock_acquire(name=LOCK, seconds=3600)
    assert ingest_daily() == "Another ingest_daily run holds the lock: nothing done.\n"
    assert upstreams.requests == []
    lock_release(name=LOCK, holder=holder)
    assert not Lock.objects.exists()


def test_a_lock_whose_holder_died_runs_out():
    with time_machine.travel(NOW, tick=False):
        assert lock_acquire(name=LOCK, seconds=60)
        assert lock_acquire(name=LOCK, seconds=60) is None
    with time_machine.travel(NOW + dt.timedelta(minutes=2), tick=False):
        assert lock_acquire(name=LOCK, seconds=60)


def test_a_broken_upstream_is_reported_and_the_other_steps_run(upstreams):
    upstreams.route("/api/daily_papers", Reply(500, b"oops"))
    out = io.StringIO()
    with time_machine.travel(NOW, tick=False), pytest.raises(CommandError, match="Hugging Face"):
        call_command("ingest_daily", stdout=out, stderr=io.StringIO())
    assert "HTTP 500" in out.getvalue()
    assert Paper.objects.filter(arxiv_id="2611.08990").exists()  # arXiv's step still ran


def test_ingest_daily_can_be_queued_for_the_worker(upstreams):
    out = ingest_daily("--enqueue")  # the test settings run it at once
    assert out.startswith("Queued ingest_daily_run (task ")
    assert Paper.objects.filter(arxiv_id="2611.09001").exists()
