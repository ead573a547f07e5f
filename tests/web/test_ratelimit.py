"""papers.ratelimit: rates, fixed and sliding windows, keys, policies, failure modes."""

import pytest
from django.core.cache import cache
from django.test import RequestFactory

from papers.web import ratelimit
from papers.web.ratelimit import Rate
from tests.factories import make_user


@pytest.mark.parametrize(
    ("text", "limit", "period"),
    [("5/s", 5, 1), ("5/m", 5, 60), ("10/15m", 10, 900), ("3/h", 3, 3600), ("100/d", 100, 86400)],
)
def test_rate_parse(text, limit, period):
    assert Rate.parse(text) == Rate(limit, period)


@pytest.mark.parametrize("text", ["", "5", "5/", "five/m", "5/w", "5/0m", "-1/m"])
def test_rate_parse_rejects_nonsense(text):
    with pytest.raises(ValueError):
        Rate.parse(text)


def test_fixed_window_allows_limit_then_refuses_until_next_window(clock):
    results = [ratelimit.hit("t", "k", "3/m", sliding=False) for _ in range(4)]
    assert [r.allowed for r in results] == [True, True, True, False]
    assert [r.remaining for r in results] == [2, 1, 0, 0]
    clock.advance(20)
    refused = ratelimit.hit("t", "k", "3/m", sliding=False)
    assert not refused.allowed
    assert refused.retry_after == 40
    clock.advance(40)  # the next window
    assert ratelimit.hit("t", "k", "3/m", sliding=False).allowed


def test_keys_and_scopes_are_counted_apart(clock):
    for _ in range(2):
        ratelimit.hit("t", "alice", "2/m")
    assert not ratelimit.hit("t", "alice", "2/m").allowed
    assert ratelimit.hit("t", "bob", "2/m").allowed
    assert ratelimit.hit("other", "alice", "2/m").allowed


def test_sliding_window_has_no_burst_at_the_window_edge(clock):
    clock.advance(50)  # late in the first window
    assert all(ratelimit.hit("t", "k", "10/m").allowed for _ in range(10))
    clock.advance(15)  # 5 s into the next window: 10 × 55/60 hits still weigh
    assert not ratelimit.hit("t", "k", "10/m").allowed
    # A fixed window would already allow 10 more here.
    assert all(ratelimit.hit("t", "k2", "10/m", sliding=False).allowed for _ in range(10))


def test_sliding_window_frees_up_as_the_previous_window_fades(clock):
    for _ in range(6):
        ratelimit.hit("t", "k", "6/m")
    clock.advance(60)  # next window: the 6 previous hits weigh 6 × (1 - 0/60) = 6
    refused = ratelimit.peek("t", "k", "6/m")
    assert not refused.allowed
    # One hit fits when 6 × (1 - t/60) <= 5: after 10 seconds.
    assert refused.retry_after == 10
    clock.advance(10)
    assert ratelimit.hit("t", "k", "6/m").allowed
    clock.advance(120)
    assert ratelimit.peek("t", "k", "6/m").remaining == 6  # all faded away


def test_peek_does_not_count_and_reset_forgets(clock):
    for _ in range(3):
        assert ratelimit.peek("t", "k", "2/m").allowed
    ratelimit.hit("t", "k", "2/m")
    ratelimit.hit("t", "k", "2/m")
    assert not ratelimit.peek("t", "k", "2/m").allowed
    ratelimit.reset("t", "k", "2/m")
    assert ratelimit.peek("t", "k", "2/m").allowed


def test_retry_after_in_words():
    decision = ratelimit.Decision(False, 1, 0, 125)
    assert decision.retry_after_text == "3 minutes"
    assert ratelimit.Decision(False, 1, 0, 1).retry_after_text == "1 second"
    assert ratelimit.Decision(False, 1, 0, 3600).retry_after_text == "1 hour"


def test_cache_outage_fails_open(monkeypatch, clock, caplog):
    def broken(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(cache, "add", broken)
    decision = ratelimit.hit("t", "k", "1/m")
    assert decision.allowed
    assert "not enforced" in caplog.text


@pytest.mark.parametrize(
    ("remote", "forwarded", "proxies", "expected"),
    [
        ("203.0.113.9", "", 0, "203.0.113.9"),
        ("10.0.0.1", "198.51.100.7, 203.0.113.9", 0, "10.0.0.1"),  # untrusted header ignored
        ("10.0.0.1", "198.51.100.7, 203.0.113.9", 1, "203.0.113.9"),  # one proxy: last entry
        ("10.0.0.1", "198.51.100.7, 203.0.113.9", 2, "198.51.100.7"),
        ("10.0.0.1", "", 1, "10.0.0.1"),  # proxy configured but header missing
        ("2001:db8:1:2:3:4:5:6", "", 0, "2001:db8:1:2::/64"),  # IPv6 grouped by /64
        ("::ffff:203.0.113.9", "", 0, "203.0.113.9"),
        ("not-an-ip", "", 0, "not-an-ip"),
    ],
)
def test_client_ip(settings, remote, forwarded, proxies, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert ratelimit.client_ip(request) == expected


@pytest.mark.django_db
def test_policy_checks_every_key_and_returns_the_tightest(settings, clock):
    settings.RATE_LIMITS = {"demo": {"ip": "5/m", "user": ["3/m", "4/d"], "account": "2/m"}}
    request = RequestFactory().post("/", REMOTE_ADDR="203.0.113.1")
    request.user = make_user()
    first = ratelimit.check(request, "demo", account="Alice")
    assert first.allowed and first.remaining == 1  # the account's 2/m is the tightest
    assert ratelimit.check(request, "demo", account="ALICE ").allowed  # normalised
    refused = ratelimit.check(request, "demo", account="alice")
    assert not refused.allowed and refused.scope == "demo:account:60"
    # Another account from the same member hits the member's 3/m.
    refused = ratelimit.check(request, "demo", account="bob")
    assert not refused.allowed and refused.scope == "demo:user:60"
    clock.advance(120)
    # A new minute, but the member's daily 4 are spent.
    refused = ratelimit.check(request, "demo", account="carol")
    assert not refused.allowed and refused.scope == "demo:user:86400"


def test_policy_skips_user_key_for_anonymous_and_can_be_disabled(settings, clock):
    from django.contrib.auth.models import AnonymousUser

    settings.RATE_LIMITS = {"demo": {"user": "1/m"}}
    request = RequestFactory().post("/")
    request.user = AnonymousUser()
    assert all(ratelimit.check(request, "demo").allowed for _ in range(3))
    settings.RATE_LIMITS = {"demo": {"ip": "1/m"}}
    settings.RATE_LIMITS_ENABLED = False
    assert all(ratelimit.check(request, "demo").allowed for _ in range(3))


def test_unknown_policy_is_a_programming_error(rf):
    with pytest.raises(KeyError):
        ratelimit.check(rf.get("/"), "no-such-policy")
