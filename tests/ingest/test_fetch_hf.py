"""``fetch_hf_daily``: one day's Hugging Face daily papers from a fake ``/api/daily_papers``
serving a recorded list (tests/fixtures/hf/)."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import CommandError, call_command

from papers.core.models import CodeLink, Paper

from .upstream import Reply, fixture

pytestmark = pytest.mark.django_db
DAILY = "/api/daily_papers"


def fetch_hf(*args):
    out = io.StringIO()
    call_command("fetch_hf_daily", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_the_days_list_fills_the_catalogue_once(upstream):
    upstream.route(DAILY, Reply(200, fixture("hf/daily_papers_2026-11-26.json")))

    out = fetch_hf("--date", "2026-11-26")

    assert "created: 2" in out and "failed: 0" in out
    assert upstream.requests[0].query == {"date": "2026-11-26"}
    routers = Paper.objects.get(arxiv_id="2611.09001")
    assert routers.listed_on == dt.date(2026, 11, 26)
    assert (routers.hf_upvotes, routers.upvote_count) == (42, 0)  # theirs, not ours
    assert routers.project_page == "https://example-lab.github.io/sparse-routers/"
    link = CodeLink.objects.select_related("repository").get(paper=routers)
    assert link.is_official and link.repository.url == (
        "https://github.com/example-lab/sparse-routers"
    )
    assert link.repository.stars == 310
    assert routers.has_code

    again = fetch_hf("--date", "2026-11-26")
    assert "unchanged: 2" in again


def test_the_default_date_is_today_in_the_sites_time_zone(upstream, settings):
    settings.TIME_ZONE = "Pacific/Auckland"  # already the 27th there
    upstream.route(DAILY, Reply(200, b"[]"))
    with time_machine.travel(dt.datetime(2026, 11, 26, 20, 0, tzinfo=dt.UTC), tick=False):
        fetch_hf()
    assert upstream.requests[0].query == {"date": "2026-11-27"}


@pytest.mark.parametrize(
    "reply, reason",
    [
        (Reply(200, b'[{"paper": {"id": "2611.09001", "title": '), "not well-formed JSON"),
        (Reply(200, b'{"error": "Invalid date"}'), "not a JSON list"),
        (Reply(404, b'{"error": "Not Found"}'), "HTTP 404"),
        (Reply(200, fixture("hf/daily_papers_2026-11-26.json"), truncate=700), "closed before"),
    ],
    ids=["truncated-json", "malformed-json", "404", "truncated-body"],
)
def test_a_broken_answer_writes_nothing(upstream, waits, reply, reason):
    upstream.route(DAILY, reply)
    out = io.StringIO()
    with pytest.raises(CommandError, match="Nothing could be fetched"):
        call_command("fetch_hf_daily", "--date", "2026-11-26", stdout=out)
    assert reason in out.getvalue() and "failed: 1" in out.getvalue()
    assert not Paper.objects.exists()


def test_a_bad_date_is_refused():
    with pytest.raises(CommandError, match="--date must be a date"):
        fetch_hf("--date", "26/11/2026")
