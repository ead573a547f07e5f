"""Rate limits under scripted abuse, at the rates the site ships with.

tests/web/test_ratelimit.py tests the limiter itself and the feature tests check each
policy with small rates; here a script hammers each protected action well past
its real limit the way an attacker would (rotating accounts, addresses, forged
X-Forwarded-For headers), and checks that exactly the documented number of
attempts gets through, that refused attempts change nothing, and that the
``Retry-After`` the site sends is honest: waiting that long is enough.
"""

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from papers.core.models import Paper
from papers.digest.models import Subscription
from papers.web import ratelimit
from tests.factories import make_paper, make_user

pytestmark = pytest.mark.django_db
User = get_user_model()
SHIPPED = django_settings.RATE_LIMITS
JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture(autouse=True)
def _shipped_rates(settings):
    settings.RATE_LIMITS = SHIPPED
    settings.RATE_LIMITS_ENABLED = True


def limit(policy, kind):
    rates = SHIPPED[policy][kind]
    return ratelimit.Rate.parse(rates if isinstance(rates, str) else rates[0]).limit


def hammer(send, times):
    """Send ``times`` requests; the statuses, and the last refusal's Retry-After."""
    statuses, retry_after = [], None
    for n in range(times):
        response = send(n)
        statuses.append(response.status_code)
        if response.status_code == 429:
            retry_after = int(response["Retry-After"])
    return statuses, retry_after


def assert_retry_after_is_honest(clock, retry_after, send):
    """Retry-After after the last refusal, the next attempt goes through.

    (Nothing is sent in between: attempts over the limit count, so probing
    earlier would rightly push the time further out.)
    """
    assert retry_after and retry_after > 0
    clock.advance(retry_after)
    assert send().status_code != 429


def test_password_guessing_on_one_account_from_many_addresses(client, clock):
    make_user("victim", password="the right one")
    allowed = limit("login", "account")

    def guess(n):
        return client.post(
            "/accounts/login/",
            {"username": "Victim", "password": f"guess {n}"},
            REMOTE_ADDR=f"203.0.113.{n % 250 + 1}",
        )

    statuses, retry_after = hammer(guess, allowed + 15)
    assert statuses == [200] * allowed + [429] * 15
    # Refused means refused, even with the right password ...
    right = client.post("/accounts/login/", {"username": "victim", "password": "the right one"})
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session
    # ... until the window the site announced has passed.
    clock.advance(retry_after + 60)  # the right password's refusal counted too
    right = client.post("/accounts/login/", {"username": "victim", "password": "the right one"})
    assert right.status_code == 302
    # A successful log in clears the account's count: a new round of guesses
    # gets exactly as far as the first.
    client.logout()
    statuses, _ = hammer(guess, allowed + 1)
    assert statuses == [200] * allowed + [429]


def test_credential_stuffing_from_one_address_with_forged_forwarded_for(client, clock):
    allowed = limit("login", "ip")

    def stuff(n):
        return client.post(
            "/accounts/login/",
            {"username": f"user{n}", "password": "123456"},
            HTTP_X_FORWARDED_FOR=f"198.51.100.{n % 250}",  # ignored: no trusted proxy
        )

    statuses, retry_after = hammer(stuff, allowed + 5)
    assert statuses == [200] * allowed + [429] * 5
    assert_retry_after_is_honest(clock, retry_after, lambda: stuff(999))


def test_signup_flood_from_one_address(client, clock):
    allowed = limit("signup", "ip")

    def sign_up(n):
        client.logout()
        return client.post(
            "/accounts/signup/",
            {"username": f"bot{n}", "email": f"bot{n}@example.org",
             "password1": "an unusual passphrase 42", "password2": "an unusual passphrase 42"},
        )  # fmt: skip

    statuses, retry_after = hammer(sign_up, allowed + 5)
    assert statuses == [302] * allowed + [429] * 5
    assert User.objects.count() == allowed
    assert_retry_after_is_honest(clock, retry_after, lambda: sign_up(100))
    assert User.objects.count() == allowed + 1


def test_vote_flood_by_one_member(client, clock):
    member = make_user()
    paper = make_paper()
    client.force_login(member)
    per_minute = limit("vote", "user")

    def vote(n=0):
        return client.post(f"/papers/{paper.arxiv_id}/upvote/", **JSON)

    statuses, retry_after = hammer(vote, per_minute + 10)
    assert statuses == [200] * per_minute + [429] * 10
    # 60 toggles: the vote is off again, and no refused toggle slipped through.
    assert Paper.objects.get(pk=paper.pk).upvote_count == 0
    assert_retry_after_is_honest(clock, retry_after, vote)
    assert Paper.objects.get(pk=paper.pk).upvote_count == 1


def test_vote_daily_limit_holds_when_a_member_paces_themselves(client, clock):
    """A script that stays under the per-minute rate still meets the daily one."""
    member = make_user()
    paper = make_paper()
    client.force_login(member)
    per_minute, per_day = (ratelimit.Rate.parse(r).limit for r in SHIPPED["vote"]["user"])
    allowed = 0
    for _ in range(per_day // per_minute + 2):
        for _ in range(per_minute):
            response = client.post(f"/papers/{paper.arxiv_id}/upvote/", **JSON)
            if response.status_code == 429:
                break
            allowed += 1
        clock.advance(120)  # past the sliding minute
    assert allowed == per_day
    assert client.post(f"/papers/{paper.arxiv_id}/upvote/", **JSON).status_code == 429


def test_mail_bombing_one_address_through_the_digest_form(client, clock):
    allowed = limit("subscribe", "account")

    def subscribe(n=0):
        return client.post(
            "/subscribe/",
            {"email": "Victim@Example.org" if n % 2 else "victim@example.org",
             "frequency": "daily"},
            REMOTE_ADDR=f"203.0.113.{n % 250 + 1}",
        )  # fmt: skip

    statuses, retry_after = hammer(subscribe, allowed + 10)
    assert statuses == [302] * allowed + [429] * 10
    assert len(mail.outbox) == allowed  # nobody's inbox is flooded
    assert Subscription.objects.count() == 1
    assert_retry_after_is_honest(clock, retry_after, subscribe)


def test_digest_sign_up_flood_from_one_address(client, clock):
    allowed = limit("subscribe", "ip")

    def subscribe(n):
        return client.post("/subscribe/", {"email": f"r{n}@example.org", "frequency": "daily"})

    statuses, _ = hammer(subscribe, allowed + 5)
    assert statuses == [302] * allowed + [429] * 5
    assert len(mail.outbox) == allowed


def test_submission_flood_by_one_member(client, clock):
    member = make_user()
    client.force_login(member)
    allowed = limit("submit", "user")

    def submit(n=0):
        return client.post("/submit/", {"paper": "not an arXiv id"})

    statuses, retry_after = hammer(submit, allowed + 5)
    assert statuses == [200] * allowed + [429] * 5
    assert not Paper.objects.exists()
    assert_retry_after_is_honest(clock, retry_after, submit)


def test_members_do_not_share_each_others_limits(clock):
    """One abusive member does not lock out another behind the same address (a NAT)."""
    paper = make_paper()
    abuser, neighbour = Client(), Client()
    abuser.force_login(make_user())
    neighbour.force_login(make_user())
    for _ in range(limit("vote", "user") + 5):
        abuser.post(f"/papers/{paper.arxiv_id}/upvote/", **JSON)
    assert abuser.post(f"/papers/{paper.arxiv_id}/upvote/", **JSON).status_code == 429
    assert neighbour.post(f"/papers/{paper.arxiv_id}/upvote/", **JSON).status_code == 200
