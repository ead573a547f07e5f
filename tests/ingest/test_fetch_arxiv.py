"""``fetch_arxiv``: metadata by id and the newest papers of categories, from a fake arXiv
API serving recorded Atom feeds (tests/fixtures/arxiv/)."""

import datetime as dt
import io
import re

import pytest
import time_machine
from django.core.management import CommandError, call_command

from papers.core.models import Paper
from papers.ingest.models import FetchStatus
from tests.factories import make_paper

from .upstream import Reply, fixture

pytestmark = pytest.mark.django_db
TODAY = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC)
API = "/api/query"


def fetch_arxiv(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("fetch_arxiv", *map(str, args), stdout=out, stderr=err)
    return out.getvalue()


def counts(out):
    return {
        key: int(line.split(":")[1])
        for line in out.splitlines()
        for key in ("created", "updated", "unchanged", "skipped", "failed")
        if line.startswith(f"{key}:")
    }


def test_fetch_by_ids_creates_papers_and_is_idempotent(upstream, waits):
    upstream.route(API, Reply(200, fixture("arxiv/id_list.xml")))

    out = fetch_arxiv("2401.04088", "arXiv:2402.17764v1")

    assert counts(out) == {"created": 2, "updated": 0, "unchanged": 0, "skipped": 0, "failed": 0}
    (request,) = upstream.requests
    assert request.query == {"id_list": "2401.04088,2402.17764", "max_results": "2"}
    mixtral = Paper.objects.get(arxiv_id="2401.04088")
    assert mixtral.title == "Mixtral of Experts"
    assert (mixtral.published, mixtral.published_precision) == (dt.date(2024, 1, 8), "day")
    assert [a.author.name for a in mixtral.authorships.order_by("position")][:2] == [
        "Albert Q. Jiang",
        "Alexandre Sablayrolles",
    ]
    assert mixtral.primary_category.code == "cs.LG"
    status = FetchStatus.objects.get(paper=mixtral)
    assert (status.source, status.state) == ("arxiv", "ok")

    again = fetch_arxiv("2401.04088", "2402.17764")
    assert counts(again)["unchanged"] == 2
    assert FetchStatus.objects.get(paper=mixtral).state == "unchanged"


def test_fetch_fills_a_pending_submission_in_place(upstream):
    placeholder = make_paper(
        arxiv_id="2611.04321",
        title="arXiv:2611.04321 (awaiting metadata)",
        abstract="",
        status=Paper.Status.PENDING,
        published=dt.date(2026, 11, 1),
        published_precision="month",
    )
    upstream.route(API, Reply(200, fixture("arxiv/id_2611_04321.xml")))

    out = fetch_arxiv("2611.04321")

    assert counts(out)["updated"] == 1
    paper = Paper.objects.get(pk=placeholder.pk)
    assert paper.title == "Latent Planners: World Models That Read the Manual"
    assert paper.status == Paper.Status.PENDING  # the curator approves it
    assert [a.author.name for a in paper.authorships.order_by("position")] == [
        "María Rodríguez",
        "Kenji Watanabe",
        "Ada Planner",
    ]
    assert (paper.published, paper.published_precision) == (dt.date(2026, 11, 9), "day")
    assert paper.arxiv_updated == dt.date(2026, 11, 9)
    assert sorted(paper.categories.values_list("code", flat=True)) == ["cs.LG", "cs.RO"]


def test_an_id_arxiv_does_not_list_is_a_failure_with_its_reason(upstream):
    upstream.route(API, Reply(200, fixture("arxiv/id_list.xml")))
    make_paper(arxiv_id="2611.00001", title="Not on arXiv after all")

    out = fetch_arxiv("2401.04088", "2402.17764", "2611.00001")

    assert counts(out)["failed"] == 1
    assert "1 × not in arXiv's answer: 2611.00001" in out
    status = FetchStatus.objects.get(paper__arxiv_id="2611.00001")
    assert (status.state, status.message) == ("failed", "not in arXiv's answer")


@pytest.mark.parametrize(
    "reply, reason",
    [
        (Reply(200, fixture("arxiv/error_feed.xml")), "arXiv answered with an error"),
        (Reply(200, b"<feed xmlns='http://www.w3.org/2005/Atom'><entry>"), "not well-formed XML"),
        (Reply(200, fixture("arxiv/id_list.xml")[:900]), "not well-formed XML"),
        (Reply(404, b"Not Found"), "HTTP 404"),
        (Reply(503, b"", {"Retry-After": "1"}), r"HTTP 503 \(after 2 attempts\)"),
    ],
    ids=["error-feed", "malformed-xml", "truncated-xml", "404", "503-always"],
)
def test_a_failed_request_writes_nothing_and_says_why(upstream, waits, reply, reason):
    upstream.route(API, reply)

    with pytest.raises(CommandError, match="Nothing could be fetched"):
        out = io.StringIO()
        try:
            call_command("fetch_arxiv", "2401.04088", "2402.17764", stdout=out)
        finally:
            text = out.getvalue()
    assert counts(text)["failed"] == 2
    assert re.search(reason, text)
    assert not Paper.objects.exists()


def test_503_then_success_goes_on(upstream, waits):
    upstream.route(
        API, Reply(503, b"", {"Retry-After": "2"}), Reply(200, fixture("arxiv/id_list.xml"))
    )
    assert counts(fetch_arxiv("2401.04088", "2402.17764"))["created"] == 2
    assert waits == [2.0]


def test_a_failed_batch_is_reported_and_the_next_batches_go_on(upstream, monkeypatch):
    from papers.ingest.fetchers import arxiv as fetcher

    monkeypatch.setattr(fetcher, "ID_BATCH", 1)
    upstream.route(API, Reply(200, fixture("arxiv/id_list.xml")), query={"id_list": "2402.17764"})
    upstream.route(API, Reply(200, b"<broken"), query={"id_list": "2401.04088"})

    out = fetch_arxiv("2401.04088", "2402.17764")

    assert counts(out)["failed"] == 1 and counts(out)["created"] == 2  # the good page has both
    assert len(upstream.requests) == 2


def test_requests_to_arxiv_are_three_seconds_apart(upstream, waits, monkeypatch, settings):
    from papers.ingest.fetchers import arxiv as fetcher

    settings.ARXIV_REQUEST_INTERVAL = 3.0
    monkeypatch.setattr(fetcher, "ID_BATCH", 1)
    upstream.route(API, Reply(200, fixture("arxiv/id_list.xml")))

    with time_machine.travel(TODAY, tick=False):
        fetch_arxiv("2401.04088", "2402.17764", "2611.00001")

    assert waits == [pytest.approx(3.0), pytest.approx(6.0)]  # the clock stood still


def test_newest_papers_of_categories_page_by_page_within_the_window(upstream):
    upstream.route(API, Reply(200, fixture("arxiv/category_page_1.xml")), query={"start": "0"})
    upstream.route(API, Reply(200, fixture("arxiv/category_page_2.xml")), query={"start": "3"})

    with time_machine.travel(TODAY, tick=False):
        from papers.ingest.fetchers import arxiv as fetcher

        report = fetcher.fetch_newest(["cs.LG", "cs.CV"], days=3, page_size=3)

    assert [r.query for r in upstream.requests] == [
        {
            "search_query": "cat:cs.LG OR cat:cs.CV",
            "sortBy": "submittedDate",
            "sortOrder": "descending",
            "start": str(start),
            "max_results": "3",
        }
        for start in (0, 3)
    ]
    assert report.created == 4  # the fifth was submitted before the window
    assert not Paper.objects.filter(arxiv_id="2611.07002").exists()
    assert Paper.objects.get(arxiv_id="2611.09001").listed_on == dt.date(2026, 11, 26)


def test_the_category_command(upstream):
    upstream.route(API, Reply(200, fixture("arxiv/category_page_1.xml")), query={"start": "0"})
    upstream.route(API, Reply(200, fixture("arxiv/category_page_2.xml")), query={"start": "3"})
    with time_machine.travel(TODAY, tick=False):
        out = fetch_arxiv("--category", "cs.LG", "--category", "cs.CV", "--days", "3")
    assert counts(out)["created"] == 4
    assert upstream.requests[0].query["max_results"] == "500"


def test_command_arguments_are_checked():
    for args, message in [
        ((), "Give arXiv ids, or --category"),
        (("2401.04088", "--category", "cs.LG"), "not both"),
        (("not-an-id",), "is not an arXiv identifier"),
        (("--category", "cs.LG;drop", "--days", "2"), "is not an arXiv category"),
        (("--category", "cs.LG", "--days", "0"), "at least 1"),
    ]:
        with pytest.raises(CommandError, match=message):
            fetch_arxiv(*args)
