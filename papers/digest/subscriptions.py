"""Email digest subscriptions: double opt-in with signed tokens, and one-click unsubscribe.

Writes are keyword-only ``subscription_<verb>`` functions, as in ``services.py``.

**Asking** (:func:`subscription_request`) never says whether the address is
already subscribed: the page the visitor sees is the same in every case, and the
address always receives exactly one email with a confirmation link. For a new or
unconfirmed address the request creates or updates an unconfirmed row; for a
confirmed one nothing changes until the link is followed (otherwise anyone could
change someone else's digest).

**Confirmation tokens** are signed (``django.core.signing``, salted) and expire
after ``DIGEST_CONFIRM_MAX_AGE`` seconds. They carry the subscription, the
address and the frequency and topics asked for, with the moment they were asked
for: following a link applies its choices unless newer ones were applied since,
so confirming twice, or an old link, is harmless.

**Unsubscribe tokens** are signed and do not expire (the link in a year-old
digest must still work). Unsubscribing deletes the row and its delivery records.

Tokens are signed, not encrypted, so they carry no address: only the
subscription's id and a keyed hash of its address (:func:`email_fingerprint`),
which a token must match. Access logs never see an address, and a token stops
working if its row is ever given to another address.
"""

import datetime as dt
import time
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Value
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from papers.core.models import Topic

from .models import Subscription

CONFIRM_SALT = "papers.subscription.confirm"
UNSUBSCRIBE_SALT = "papers.subscription.unsubscribe"


class TokenInvalid(Exception):
    """The link is not one we made (mistyped, cut, or forged)."""


class TokenExpired(TokenInvalid):
    """The link was ours but is too old: ask again."""


class SubscriptionGone(TokenInvalid):
    """The link was ours but its subscription no longer exists (unsubscribed meanwhile)."""


@dataclass(frozen=True)
class ConfirmRequest:
    """What a confirmation token asks for."""

    subscription_id: int
    fingerprint: str
    frequency: str
    topic_ids: tuple[int, ...]
    asked_at: float  # seconds since the epoch

    @property
    def topics(self):
        return Topic.objects.filter(pk__in=self.topic_ids).order_by("name")


@dataclass(frozen=True)
class RequestOutcome:
    subscription: Subscription
    token: str
    was_confirmed: bool  # for the email's wording only: never shown on the page


def normalise_email(email: str) -> str:
    return (email or "").strip()


def mailbox_key(email: str) -> str:
    """The mailbox an address delivers to, for counting requests per person:
    case folded and without a ``+tag`` (``Ada+1@Example.org`` is ``ada@example.org``)."""
    local, _, domain = (email or "").strip().casefold().rpartition("@")
    if not local:
        return domain
    return f"{local.split('+', 1)[0]}@{domain}"


def email_fingerprint(email: str) -> str:
    """A keyed hash of the address (case-insensitive), for tokens."""
    return salted_hmac(
        "papers.subscription.email", email.strip().lower(), algorithm="sha256"
    ).hexdigest()[:20]


def _matches(subscription: Subscription | None, fingerprint: str) -> bool:
    return subscription is not None and constant_time_compare(
        email_fingerprint(subscription.email), fingerprint
    )


def with_email(subscriptions, email: str):
    """Filter on the address whatever its case (uses the unique index on ``LOWER(email)``)."""
    return subscriptions.alias(email_lower=Lower("email")).filter(email_lower=Lower(Value(email)))


def confirm_token(*, subscription: Subscription, frequency: str, topic_ids, asked_at: float) -> str:
    payload = {
        "s": subscription.pk,
        "e": email_fingerprint(subscription.email),
        "f": frequency,
        "t": sorted(topic_ids),
        "a": asked_at,
    }
    return signing.dumps(payload, salt=CONFIRM_SALT, compress=True)


def read_confirm_token(token: str) -> ConfirmRequest:
    """The request a confirmation token carries; ``TokenExpired`` / ``TokenInvalid`` if not."""
    try:
        data = signing.loads(token, salt=CONFIRM_SALT, max_age=settings.DIGEST_CONFIRM_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise TokenExpired from exc
    except (signing.BadSignature, ValueError) as exc:
        raise TokenInvalid from exc
    try:
        return ConfirmRequest(
            subscription_id=int(data["s"]),
            fingerprint=str(data["e"]),
            frequency=str(data["f"]),
            topic_ids=tuple(int(t) for t in data["t"]),
            asked_at=float(data["a"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise TokenInvalid from exc


def unsubscribe_token(subscription: Subscription) -> str:
    signer = signing.Signer(salt=UNSUBSCRIBE_SALT)
    return signer.sign_object({"s": subscription.pk, "e": email_fingerprint(subscription.email)})


def read_unsubscribe_token(token: str) -> tuple[int, str]:
    """``(subscription id, fingerprint)`` of an unsubscribe token; ``TokenInvalid`` if forged."""
    try:
        data = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign_object(token)
        return int(data["s"]), str(data["e"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise TokenInvalid from exc


def _from_timestamp(seconds: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, tz=dt.UTC)


def subscription_request(*, email: str, frequency: str, topics=()) -> RequestOutcome:
    """Record a request to subscribe ``email`` and return the confirmation token to send.

    The caller sends the confirmation email whatever ``was_confirmed`` says, and
    shows the same page in every case.
    """
    email = normalise_email(email)
    topic_ids = sorted({topic.pk for topic in topics})
    asked_at = time.time()
    with transaction.atomic():
        subscription = with_email(Subscription.objects.select_for_update(), email).first()
        if subscription is None:
            try:
                with transaction.atomic():
                    subscription = Subscription.objects.create(
                        email=email, frequency=frequency, preferences_at=_from_timestamp(asked_at)
                    )
            except IntegrityError:  # the same address asked a moment ago
                subscription = with_email(Subscription.objects.select_for_update(), email).get()
        was_confirmed = subscription.confirmed
        if not was_confirmed:
            # Nothing is sent to an unconfirmed address, so the latest request's choices stand.
            subscription.frequency = frequency
            subscription.preferences_at = _from_timestamp(asked_at)
            subscription.save(update_fields=["frequency", "preferences_at", "updated_at"])
            subscription.topics.set(topic_ids)
    token = confirm_token(
        subscription=subscription, frequency=frequency, topic_ids=topic_ids, asked_at=asked_at
    )
    return RequestOutcome(subscription=subscription, token=token, was_confirmed=was_confirmed)


def subscription_to_confirm(request: ConfirmRequest) -> Subscription | None:
    """The subscription a confirmation token names, ``None`` if it no longer exists."""
    subscription = Subscription.objects.filter(pk=request.subscription_id).first()
    return subscription if _matches(subscription, request.fingerprint) else None


def subscription_confirm(
    *, request: ConfirmRequest, now: dt.datetime | None = None
) -> Subscription:
    """Confirm the subscription and apply the token's choices unless newer ones were applied.

    Raises ``SubscriptionGone`` when the subscription was deleted (unsubscribed).
    Idempotent: confirming with the same token again changes nothing.
    """
    now = now or timezone.now()
    with transaction.atomic():
        subscription = (
            Subscription.objects.select_for_update().filter(pk=request.subscription_id).first()
        )
        if not _matches(subscription, request.fingerprint):
            raise SubscriptionGone
        asked_at = _from_timestamp(request.asked_at)
        fields = []
        if asked_at >= subscription.preferences_at:
            subscription.frequency = request.frequency
            subscription.preferences_at = asked_at
            fields += ["frequency", "preferences_at"]
            existing = set(
                Topic.objects.filter(pk__in=request.topic_ids).values_list("pk", flat=True)
            )
            subscription.topics.set(existing)
        if not subscription.confirmed:
            subscription.confirmed = True
            subscription.confirmed_at = now
            fields += ["confirmed", "confirmed_at"]
        if fields:
            subscription.save(update_fields=[*fields, "updated_at"])
    return subscription


def subscription_for_unsubscribe(token: str) -> Subscription | None:
    """The subscription an unsubscribe token names, ``None`` if it is gone already.

    Raises ``TokenInvalid`` for a token we did not make.
    """
    pk, fingerprint = read_unsubscribe_token(token)
    subscription = Subscription.objects.filter(pk=pk).first()
    return subscription if _matches(subscription, fingerprint) else None


def subscription_cancel(*, token: str) -> bool:
    """Delete the subscription an unsubscribe token names; ``False`` if it was already gone.

    Raises ``TokenInvalid`` for a token we did not make.
    """
    subscription = subscription_for_unsubscribe(token)
    if subscription is None:
        return False
    deleted, _ = Subscription.objects.filter(pk=subscription.pk).delete()
    return bool(deleted)
