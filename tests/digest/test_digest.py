"""The email digest end to end: subscribe, confirm, send, resend nothing, unsubscribe."""

import base64
import datetime as dt
import re
import time
import zlib

import pytest
import time_machine
from django.core import mail, signing
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import CommandError, call_command
from django.test import Client, override_settings

from papers.core.models import Paper
from papers.digest import sending as digest
from papers.digest import subscriptions
from papers.digest.models import DigestDelivery, Subscription
from tests.factories import make_author, make_paper, make_subscription, make_topic, make_user

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 26)  # a Thursday
YESTERDAY = TODAY - dt.timedelta(days=1)
LAST_WEEK = dt.date(2026, 11, 17)  # in ISO week 47, the week before TODAY's


@pytest.fixture
def today():
    with time_machine.travel(dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC)):
        yield TODAY


@pytest.fixture
def topics():
    return {
        "vision": make_topic("Vision", slug="vision"),
        "robots": make_topic("Robots", slug="robots"),
        "audio": make_topic("Audio", slug="audio"),
    }


@pytest.fixture
def papers(topics):
    return {
        "eye": make_paper(
            title="Seeing <Things> & Stuff",
            abstract="We look at things.",
            authors=[make_author("Ada Lovelace")],
            topics=[topics["vision"]],
            listed_on=YESTERDAY,
            trending_score=10,
            upvote_count=3,
        ),
        "arm": make_paper(
            title="Robot Arms",
            topics=[topics["robots"]],
            listed_on=YESTERDAY,
            trending_score=20,
        ),
        "old": make_paper(
            title="Last Week's Paper", topics=[topics["vision"]], listed_on=LAST_WEEK
        ),
        "hidden": make_paper(
            title="Hidden One", listed_on=YESTERDAY, status=Paper.Status.HIDDEN, trending_score=99
        ),
    }


def confirmation_link(message) -> str:
    match = re.search(r"http://testserver(/subscribe/confirm/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def send(frequency="daily", *args):
    call_command("send_digest", "--frequency", frequency, *args)


# --- subscribing -----------------------------------------------------------------------------


def test_subscribe_confirm_and_confirm_again(client, topics):
    response = client.post(
        "/subscribe/",
        {"email": "Reader@Example.org", "frequency": "weekly", "topics": ["vision", "audio"]},
    )
    assert response.status_code == 302
    assert response["Location"] == "/subscribe/sent/"
    subscription = Subscription.objects.get()
    assert subscription.email == "Reader@Example.org"
    assert not subscription.confirmed
    assert subscription.frequency == "weekly"
    assert {t.slug for t in subscription.topics.all()} == {"vision", "audio"}

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["Reader@Example.org"]
    assert message.subject == "Confirm your subscription to the Paper Catalogue digest"
    link = confirmation_link(message)

    # Opening the link (as a mail scanner would) confirms nothing: it shows a button.
    page = client.get(link)
    assert page.status_code == 200
    assert b"Confirm my subscription" in page.content
    assert b"Audio, Vision" in page.content
    subscription.refresh_from_db()
    assert not subscription.confirmed

    confirmed = client.post(link)
    assert confirmed.status_code == 200
    assert b"You are subscribed" in confirmed.content
    subscription.refresh_from_db()
    assert subscription.confirmed
    first_confirmed_at = subscription.confirmed_at

    again = client.post(link)  # harmless
    assert again.status_code == 200
    subscription.refresh_from_db()
    assert subscription.confirmed_at == first_confirmed_at
    assert Subscription.objects.count() == 1
    assert len(mail.outbox) == 1


def test_subscribe_page_prefills_a_topic(client, topics):
    response = client.get("/subscribe/?topic=robots")
    assert response.status_code == 200
    assert response.context["form"]["topics"].value() == ["robots"]
    assert re.search(rb'value="robots"[^>]*checked', response.content)


def test_bad_form_shows_errors_and_sends_nothing(client, topics):
    response = client.post("/subscribe/", {"email": "not-an-email", "frequency": "hourly"})
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"email", "frequency"}
    response = client.post("/subscribe/", {"email": "a@example.org", "topics": ["nope"]})
    assert "There is no topic nope." in response.context["form"].errors["topics"][0]
    assert not mail.outbox
    assert not Subscription.objects.exists()


def test_asking_again_never_reveals_a_subscription_nor_changes_it(client, topics):
    existing = make_subscription("known@example.org", topics=[topics["vision"]])

    known = client.post("/subscribe/", {"email": "KNOWN@example.org", "frequency": "weekly"})
    unknown = client.post("/subscribe/", {"email": "new@example.org", "frequency": "weekly"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert client.get(known["Location"]).content == client.get(unknown["Location"]).content

    # The known address is told by email, and nothing changes until it confirms.
    existing.refresh_from_db()
    assert existing.frequency == "daily"
    assert [t.slug for t in existing.topics.all()] == ["vision"]
    to_known = next(m for m in mail.outbox if m.to == ["known@example.org"])
    assert to_known.subject == "Confirm your new digest settings on Paper Catalogue"
    client.post(confirmation_link(to_known))
    existing.refresh_from_db()
    assert existing.frequency == "weekly"
    assert list(existing.topics.all()) == []
    assert Subscription.objects.count() == 2


def test_an_older_link_does_not_undo_newer_choices(client, topics):
    client.post("/subscribe/", {"email": "a@example.org", "frequency": "daily"})
    older = confirmation_link(mail.outbox[-1])
    time.sleep(0.01)
    client.post("/subscribe/", {"email": "a@example.org", "frequency": "weekly"})
    newer = confirmation_link(mail.outbox[-1])
    client.post(newer)
    client.post(older)
    subscription = Subscription.objects.get()
    assert subscription.confirmed
    assert subscription.frequency == "weekly"


def test_tokens_do_not_carry_the_address(client):
    outcome = subscriptions.subscription_request(
        email="secret.reader@example.org", frequency="daily"
    )
    for token in (outcome.token, subscriptions.unsubscribe_token(outcome.subscription)):
        payload = token.split(":")[0].lstrip(".")
        decoded = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
        if outcome.token == token:
            decoded = zlib.decompress(decoded) if decoded[:1] == b"x" else decoded
        assert b"secret" not in decoded.lower()


def test_confirm_page_is_csrf_protected():
    client = Client(enforce_csrf_checks=True)
    outcome = subscriptions.subscription_request(email="a@example.org", frequency="daily")
    response = client.post(f"/subscribe/confirm/{outcome.token}/")
    assert response.status_code == 403
    assert not Subscription.objects.get().confirmed


@pytest.mark.parametrize("method", ["get", "post"])
def test_bad_confirmation_token_is_a_clear_400(client, method):
    response = getattr(client, method)("/subscribe/confirm/not-a-token/")
    assert response.status_code == 400
    assert b"This link does not work" in response.content


def test_tampered_confirmation_token_is_refused(client):
    outcome = subscriptions.subscription_request(email="a@example.org", frequency="daily")
    tampered = outcome.token[:-2] + ("AA" if not outcome.token.endswith("AA") else "BB")
    assert client.post(f"/subscribe/confirm/{tampered}/").status_code == 400
    assert not Subscription.objects.get().confirmed


def test_expired_confirmation_token_is_a_clear_410(client, settings):
    subscription = make_subscription("a@example.org", confirmed=False)

    class IssuedFourDaysAgo(signing.TimestampSigner):
        def timestamp(self):
            return signing.b62_encode(int(time.time()) - 4 * 24 * 3600)

    fingerprint = subscriptions.email_fingerprint("a@example.org")
    payload = {"s": subscription.pk, "e": fingerprint, "f": "daily", "t": [], "a": time.time()}
    token = IssuedFourDaysAgo(salt=subscriptions.CONFIRM_SALT).sign_object(payload, compress=True)
    for method in (client.get, client.post):
        response = method(f"/subscribe/confirm/{token}/")
        assert response.status_code == 410
        assert b"This link has expired" in response.content
    subscription.refresh_from_db()
    assert not subscription.confirmed


def test_confirming_after_unsubscribing_says_the_subscription_is_gone(client):
    outcome = subscriptions.subscription_request(email="a@example.org", frequency="daily")
    Subscription.objects.all().delete()
    response = client.post(f"/subscribe/confirm/{outcome.token}/")
    assert response.status_code == 404
    assert b"no longer exists" in response.content


def test_subscribe_is_rate_limited_per_address(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "subscribe": {"account": "2/h"}}
    for _ in range(2):
        response = client.post("/subscribe/", {"email": "v@example.org", "frequency": "daily"})
        assert response.status_code == 302
    response = client.post("/subscribe/", {"email": "V@example.org", "frequency": "daily"})
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert b"Too many subscription requests" in response.content
    assert len(mail.outbox) == 2
    # Another address is not affected.
    other = client.post("/subscribe/", {"email": "w@example.org", "frequency": "daily"})
    assert other.status_code == 302


def test_subscribe_box_on_front_page_and_topic_page(client, papers, topics):
    home = client.get("/").content.decode()
    assert "Get trending papers in your email inbox" in home
    assert 'action="/subscribe/"' in home and 'method="post"' in home
    assert "csrfmiddlewaretoken" not in home  # no token: the page stays cacheable
    topic = client.get("/topics/vision/").content.decode()
    assert '<input type="hidden" name="topic" value="vision">' in topic
    # The topics page prefills the full form.
    form = client.get("/subscribe/?email=r%40example.org&frequency=weekly&topic=vision")
    assert form.context["form"].initial == {
        "email": "r@example.org",
        "topics": ["vision"],
        "frequency": "weekly",
    }


def test_one_press_on_the_front_page_box_sends_the_confirmation(papers):
    browser = Client(enforce_csrf_checks=True)  # the cached page holds no token
    home = browser.get("/")
    assert home.status_code == 200
    response = browser.post(
        "/subscribe/", {"email": "reader@example.org", "frequency": "daily"}, follow=True
    )
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == "/subscribe/sent/"
    assert "Check your inbox" in response.content.decode()
    assert [m.to for m in mail.outbox] == [["reader@example.org"]]
    assert Subscription.objects.get(email="reader@example.org").confirmed is False


# --- sending ---------------------------------------------------------------------------------


def test_daily_digest_sends_once_with_both_parts_and_unsubscribe_headers(
    today, papers, topics, settings
):
    settings.SITE_URL = "https://papers.example.org"
    reader = make_subscription("reader@example.org")
    make_subscription("weekly@example.org", frequency="weekly")
    make_subscription("pending@example.org", confirmed=False)

    send()
    assert [m.to for m in mail.outbox] == [["reader@example.org"]]
    message = mail.outbox[0]
    assert message.subject == (
        "Paper Catalogue: the day's top papers (Wednesday, 25 November 2026)"
    )
    # Plain text: trending first, hidden papers left out, links absolute.
    body = message.body
    assert body.index("Robot Arms") < body.index("Seeing <Things> & Stuff")
    assert "Hidden One" not in body and "Last Week's Paper" not in body
    assert f"https://papers.example.org{papers['eye'].get_absolute_url()}" in body
    # HTML: the title escaped.
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "Seeing &lt;Things&gt; &amp; Stuff" in html
    # One-click unsubscribe (RFC 8058).
    token = subscriptions.unsubscribe_token(reader)
    url = f"https://papers.example.org/subscribe/unsubscribe/{token}/"
    assert message.extra_headers["List-Unsubscribe"] == f"<{url}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert url in body and url in html
    delivery = DigestDelivery.objects.get()
    assert (delivery.period, delivery.frequency, delivery.paper_count) == ("2026-11-25", "daily", 2)
    assert delivery.sent_at is not None

    send()  # idempotent
    assert len(mail.outbox) == 1
    assert DigestDelivery.objects.count() == 1


def test_weekly_digest_covers_last_iso_week(today, papers):
    make_subscription("weekly@example.org", frequency="weekly")
    send("weekly")
    assert len(mail.outbox) == 1
    assert "Last Week's Paper" in mail.outbox[0].body
    assert "Robot Arms" not in mail.outbox[0].body
    assert DigestDelivery.objects.get().period == "2026-W47"


def test_topic_filtering(today, papers, topics):
    make_subscription("vision@example.org", topics=[topics["vision"]])
    make_subscription("both@example.org", topics=[topics["vision"], topics["robots"]])
    make_subscription("audio@example.org", topics=[topics["audio"]])
    send()
    bodies = {m.to[0]: m.body for m in mail.outbox}
    assert set(bodies) == {"vision@example.org", "both@example.org"}  # audio: nothing that day
    assert "Seeing <Things>" in bodies["vision@example.org"]
    assert "Robot Arms" not in bodies["vision@example.org"]
    assert "Robot Arms" in bodies["both@example.org"]
    assert "On Vision" in bodies["vision@example.org"]
    assert not DigestDelivery.objects.filter(subscription__email="audio@example.org").exists()


def test_empty_period_sends_nothing(today, topics, capsys):
    make_subscription("reader@example.org")
    make_paper(title="Today only", listed_on=TODAY)
    send()
    assert mail.outbox == []
    assert not DigestDelivery.objects.exists()
    assert "no papers in this period, nothing sent" in capsys.readouterr().out


def test_a_failure_halfway_resumes_without_duplicates(today, papers, monkeypatch):
    readers = [make_subscription(f"r{n}@example.org") for n in range(5)]
    real_send = EmailBackend.send_messages
    calls = {"n": 0}

    def failing_third(self, messages):
        calls["n"] += 1
        if calls["n"] == 3:
            raise ConnectionError("SMTP went away")
        return real_send(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", failing_third)
    with pytest.raises(CommandError, match="Stopped after 2 email"):
        send()
    assert [m.to[0] for m in mail.outbox] == ["r0@example.org", "r1@example.org"]
    assert DigestDelivery.objects.filter(sent_at__isnull=False).count() == 2
    assert DigestDelivery.objects.count() == 2  # the failed claim was released

    send()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(r.email for r in readers)


def test_a_killed_run_never_sends_the_same_digest_twice(today, papers, monkeypatch, capsys):
    make_subscription("first@example.org")
    make_subscription("second@example.org")
    real_send = EmailBackend.send_messages

    def sent_then_killed(self, messages):
        real_send(self, messages)
        raise KeyboardInterrupt  # the process dies after the email left

    monkeypatch.setattr(EmailBackend, "send_messages", sent_then_killed)
    with pytest.raises(KeyboardInterrupt):
        send()
    monkeypatch.setattr(EmailBackend, "send_messages", real_send)
    assert [m.to[0] for m in mail.outbox] == ["first@example.org"]

    send()
    assert [m.to[0] for m in mail.outbox] == ["first@example.org", "second@example.org"]
    assert "1 delivery(ies) of this period were claimed but never" in capsys.readouterr().err


def test_a_claim_made_by_a_parallel_run_is_skipped(today, papers, monkeypatch):
    reader = make_subscription("reader@example.org")
    period = digest.DigestPeriod.previous("daily")
    real_pending = digest.pending_subscriptions

    def claimed_meanwhile(p):
        ids = list(real_pending(p).values_list("pk", flat=True))
        DigestDelivery.objects.create(subscription=reader, frequency="daily", period=p.key)
        return digest.Subscription.objects.filter(pk__in=ids)

    monkeypatch.setattr(digest, "pending_subscriptions", claimed_meanwhile)
    report = digest.digest_send(period=period)
    assert report.sent == 0
    assert report.already == 1
    assert mail.outbox == []


def test_period_option(papers):
    make_subscription("reader@example.org", frequency="weekly")
    send("weekly", "--period", "2026-W47")
    assert len(mail.outbox) == 1
    with pytest.raises(CommandError, match="is not a weekly period"):
        send("weekly", "--period", "2026-11-17")


# --- unsubscribing ---------------------------------------------------------------------------


def test_unsubscribe_get_shows_a_page_and_post_unsubscribes_without_csrf(today, papers):
    reader = make_subscription("reader@example.org")
    url = f"/subscribe/unsubscribe/{subscriptions.unsubscribe_token(reader)}/"
    client = Client(enforce_csrf_checks=True)

    page = client.get(url)
    assert page.status_code == 200
    assert b"Unsubscribe from the digest?" in page.content
    assert b"reader@example.org" in page.content
    assert Subscription.objects.filter(pk=reader.pk).exists()

    # What a mail client sends for RFC 8058 one-click unsubscribe: no cookie, no CSRF token.
    done = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200
    assert b"You are unsubscribed" in done.content
    assert not Subscription.objects.filter(pk=reader.pk).exists()
    assert client.post(url).status_code == 200  # again: harmless

    send()
    assert mail.outbox == []


def test_unsubscribe_link_from_a_sent_digest_works(client, today, papers):
    make_subscription("reader@example.org")
    send()
    url = mail.outbox[0].extra_headers["List-Unsubscribe"].strip("<>")
    path = url.removeprefix("http://127.0.0.1:8000")
    assert client.post(path).status_code == 200
    assert not Subscription.objects.exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_bad_unsubscribe_token_is_a_clear_400(client, method):
    reader = make_subscription("reader@example.org")
    forged = signing.Signer(salt="something-else").sign_object({"s": reader.pk, "e": reader.email})
    for token in ("garbage", forged):
        response = getattr(client, method)(f"/subscribe/unsubscribe/{token}/")
        assert response.status_code == 400
        assert b"This link does not work" in response.content
    assert Subscription.objects.exists()


def test_unsubscribe_is_rate_limited(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "unsubscribe": {"ip": "2/h"}}
    reader = make_subscription("reader@example.org")
    url = f"/subscribe/unsubscribe/{subscriptions.unsubscribe_token(reader)}/"
    assert client.post(url).status_code == 200
    assert client.post(url).status_code == 200
    response = client.post(url)
    assert response.status_code == 429
    assert "Retry-After" in response


@override_settings(DIGEST_MAX_PAPERS=1)
def test_digest_is_capped(today, papers):
    make_subscription("reader@example.org")
    send()
    assert "Robot Arms" in mail.outbox[0].body
    assert "Seeing" not in mail.outbox[0].body


# --- admin -----------------------------------------------------------------------------------


def test_admin_lists_subscribers_and_deliveries(client, today, papers, topics):
    client.force_login(make_user(is_staff=True, is_superuser=True))
    reader = make_subscription("reader@example.org", topics=[topics["vision"]])
    send()
    listing = client.get("/admin/digest/subscription/")
    assert listing.status_code == 200
    assert b"reader@example.org" in listing.content
    change = client.get(f"/admin/digest/subscription/{reader.pk}/change/")
    assert change.status_code == 200
    assert b"2026-11-25" in change.content  # the delivery inline
    assert client.get("/admin/digest/digestdelivery/").status_code == 200
