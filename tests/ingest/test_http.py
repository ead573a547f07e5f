"""The HTTP policy every fetcher uses (papers/ingest/fetchers/http.py), against a real
local server: time-outs, retries with back-off and jitter, Retry-After, size limits,
truncated bodies, politeness, the User-Agent."""

import datetime as dt
import socket

import pytest
import time_machine
from django.utils import timezone

from papers.ingest.fetchers import http
from papers.ingest.models import RequestSlot

from .upstream import Reply

pytestmark = pytest.mark.django_db


def client(**policy):
    return http.HttpClient(policy=http.Policy.from_settings(**policy))


def test_a_plain_get_sends_a_descriptive_user_agent(upstream, settings):
    settings.INGEST_CONTACT = "Catalogue Team <team@example.org>"
    upstream.route("/x", Reply(200, b"hello"))
    with client() as c:
        response = c.get(f"{upstream.url}/x", params={"a": "1"})
    assert (response.status, response.content) == (200, b"hello")
    agent = upstream.requests[0].headers["User-Agent"]
    assert agent.startswith("PaperCatalogue/0.1 (+http://127.0.0.1:8000; mailto:team@example.org)")
    assert upstream.requests[0].query == {"a": "1"}


def test_503_then_success_is_retried_after_retry_after(upstream, waits):
    upstream.route("/x", Reply(503, b"busy", {"Retry-After": "7"}), Reply(200, b"done"))
    with client(retries=2) as c:
        assert c.get(f"{upstream.url}/x").content == b"done"
    assert len(upstream.requests) == 2
    assert waits == [7.0]  # Retry-After honoured, not the back-off


def test_retry_after_as_an_http_date(upstream, waits):
    with time_machine.travel(dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.UTC), tick=False):
        upstream.route(
            "/x",
            Reply(429, b"", {"Retry-After": "Thu, 26 Nov 2026 09:00:30 GMT"}),
            Reply(200, b"ok"),
        )
        with client(retries=1) as c:
            c.get(f"{upstream.url}/x")
    assert waits == [30.0]


def test_5xx_without_retry_after_backs_off_exponentially_with_jitter(upstream, waits):
    upstream.route("/x", Reply(500), Reply(502), Reply(504), Reply(200, b"ok"))
    with client(retries=3, backoff=2.0) as c:
        assert c.get(f"{upstream.url}/x").content == b"ok"
    # Attempt n waits between half and all of 2 s × 2^(n-1).
    assert [1.0 <= waits[0] <= 2.0, 2.0 <= waits[1] <= 4.0, 4.0 <= waits[2] <= 8.0] == [True] * 3
    assert len({http.Policy.from_settings(backoff=2.0).backoff_delay(3) for _ in range(20)}) > 1


def test_retries_run_out_with_a_clear_error(upstream, waits):
    upstream.route("/x", Reply(503))
    with (
        client(retries=2) as c,
        pytest.raises(http.FetchError, match=r"HTTP 503 \(after 3 attempts\)"),
    ):
        c.get(f"{upstream.url}/x")
    assert len(upstream.requests) == 3


def test_a_long_retry_after_is_not_waited_for_in_the_process(upstream, waits):
    upstream.route("/x", Reply(429, b"", {"Retry-After": "3600"}))
    with client(retries=3, max_retry_wait=120) as c, pytest.raises(http.RetryLater) as caught:
        c.get(f"{upstream.url}/x")
    assert waits == [] and len(upstream.requests) == 1
    assert caught.value.retry_at > timezone.now() + dt.timedelta(minutes=59)


def test_other_client_errors_are_not_retried(upstream, waits):
    upstream.route("/x", Reply(404, b"missing"))
    with client(retries=3) as c, pytest.raises(http.FetchError, match="HTTP 404") as caught:
        c.get(f"{upstream.url}/x")
    assert caught.value.status == 404 and len(upstream.requests) == 1


def test_a_read_time_out_is_retried(upstream, waits):
    upstream.route("/slow", Reply(200, b"late", delay=1.0), Reply(200, b"quick"))
    with client(read_timeout=0.2, retries=1) as c:
        assert c.get(f"{upstream.url}/slow").content == b"quick"
    assert len(upstream.requests) == 2 and len(waits) == 1


def test_time_outs_every_time_give_up_with_a_clear_error(upstream, waits):
    upstream.route("/slow", Reply(200, b"late", delay=1.0))
    with (
        client(read_timeout=0.2, retries=1) as c,
        pytest.raises(
            http.FetchError, match=r"timed out waiting for the server \(after 2 attempts\)"
        ),
    ):
        c.get(f"{upstream.url}/slow")


def test_a_truncated_body_is_retried_then_reported(upstream, waits):
    body = b"x" * 1000
    upstream.route("/cut", Reply(200, body, truncate=400), Reply(200, body))
    with client(retries=1) as c:
        assert c.get(f"{upstream.url}/cut").content == body
    upstream.route("/cut", Reply(200, body, truncate=400))
    with (
        client(retries=1) as c,
        pytest.raises(http.FetchError, match="closed before the whole response arrived"),
    ):
        c.get(f"{upstream.url}/cut")


def test_responses_over_the_size_limit_are_refused(upstream):
    upstream.route("/big", Reply(200, b"y" * 5000))
    upstream.route("/big-chunked", Reply(200, b"y" * 50_000, chunked=True))
    with client(max_bytes=1000) as c:
        with pytest.raises(http.FetchError, match="5,000 bytes, over the 1,000-byte limit"):
            c.get(f"{upstream.url}/big")
        with pytest.raises(http.FetchError, match="over the 1,000-byte limit"):
            c.get(f"{upstream.url}/big-chunked")
        assert len(c.get(f"{upstream.url}/big", max_bytes=10_000).content) == 5000


def test_a_closed_port_fails_fast_and_clearly():
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with client(retries=0) as c, pytest.raises(http.FetchError, match="cannot connect"):
        c.get(f"http://127.0.0.1:{port}/")


@pytest.mark.engine  # the slot's row lock is PostgreSQL's; SQLite serialises writers
def test_the_throttle_spaces_requests_across_processes(waits):
    """The slot is a database row: a second client (another worker) waits its turn."""
    with time_machine.travel(dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.UTC), tick=False):
        first, second = http.Throttle("arxiv", 3.0), http.Throttle("arxiv", 3.0)
        assert first.wait() == 0
        assert second.wait() == pytest.approx(3.0)
        assert first.wait() == pytest.approx(6.0)
        slot = RequestSlot.objects.get(name="arxiv")
        assert slot.not_before == timezone.now() + dt.timedelta(seconds=9)
    assert waits == [pytest.approx(3.0), pytest.approx(6.0)]
    assert http.Throttle("other", 0).wait() == 0


def test_no_test_may_reach_the_internet():
    """tests/conftest.py refuses, and fails the test (the marker is cleared here)."""
    from tests import conftest

    with pytest.raises(conftest.InternetRefused):
        socket.getaddrinfo("export.arxiv.org", 443)
    with pytest.raises(conftest.InternetRefused), socket.socket() as s:
        s.connect(("93.184.215.14", 80))
    assert len(conftest._attempts) == 2
    del conftest._attempts[:]
