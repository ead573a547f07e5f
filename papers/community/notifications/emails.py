"""Notification emails: one email per member with what happened since the last one.

Members who chose email (``User.email_notifications``) get at most one every
``NOTIFICATION_EMAIL_MINUTES``: the first notification after a quiet spell is
sent at once (by the task its comment enqueues), later ones wait for the next
email, which ``manage.py send_notification_emails`` (cron) or the next comment
triggers. Each email carries a one-click unsubscribe link (RFC 8058): a signed
token, without expiry, that turns the emails off.

Claiming is safe with several workers: a member's ``notifications_emailed_at`` is
moved on by a conditional update that only one worker can win, and the email is
sent inside that transaction (a refused email rolls the claim back: it is tried
again next time).
"""

import datetime as dt
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import EmailMultiAlternatives, mailers
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from ..models import Notification
from .services import SHOWN_COMMENT

UNSUBSCRIBE_SALT = "papers.community.notifications.unsubscribe"
logger = logging.getLogger(__name__)


class TokenInvalid(Exception):
    """Not a link we made, or made for an address the account no longer has."""


def _fingerprint(user) -> str:
    return salted_hmac(UNSUBSCRIBE_SALT, user.email.lower(), algorithm="sha256").hexdigest()[:16]


def unsubscribe_token(user) -> str:
    return signing.dumps({"u": user.pk, "f": _fingerprint(user)}, salt=UNSUBSCRIBE_SALT)


def member_for_token(token: str):
    """The member an unsubscribe link was made for; ``TokenInvalid`` otherwise."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        user = get_user_model().objects.get(pk=int(data["u"]))
    except (signing.BadSignature, KeyError, TypeError, ValueError, OverflowError):
        raise TokenInvalid from None
    except get_user_model().DoesNotExist:
        raise TokenInvalid from None
    if not constant_time_compare(str(data.get("f", "")), _fingerprint(user)):
        raise TokenInvalid
    return user


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def notification_message(*, user, notifications) -> EmailMultiAlternatives:
    unsubscribe_url = absolute(reverse("notification_emails_off", args=[unsubscribe_token(user)]))
    context = {
        "site_name": settings.SITE_NAME,
        "member": user,
        "items": [
            {
                "notification": n,
                "actor": n.actor.shown_name if n.actor else "A former member",
                "paper_title": n.comment.paper.title,
                "url": absolute(n.comment.get_absolute_url()),
                "excerpt": n.comment.body[:300],
            }
            for n in notifications
        ],
        "notifications_url": absolute(reverse("notifications")),
        "unsubscribe_url": unsubscribe_url,
        "settings_url": absolute(reverse("profile_edit")),
    }
    count = len(notifications)
    message = EmailMultiAlternatives(
        subject=(
            f"{settings.SITE_NAME}: {count} new notification{'' if count == 1 else 's'}"
            if count > 1
            else f"{settings.SITE_NAME}: {context['items'][0]['actor']} "
            f"{notifications[0].get_kind_display()}"
        ),
        body=render_to_string("community/emails/notifications.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(
        render_to_string("community/emails/notifications.html", context), "text/html"
    )
    return message


def waiting_members(*, now: dt.datetime, user_ids=None):
    """Members who chose email, have unread notifications not emailed yet and were not
    emailed within ``NOTIFICATION_EMAIL_MINUTES``."""
    cutoff = now - dt.timedelta(minutes=settings.NOTIFICATION_EMAIL_MINUTES)
    waiting = Notification.objects.filter(
        SHOWN_COMMENT, recipient=OuterRef("pk"), read_at=None, emailed_at=None
    )
    members = (
        get_user_model()
        .objects.filter(email_notifications=True, is_active=True)
        .exclude(email="")
        .filter(Q(notifications_emailed_at=None) | Q(notifications_emailed_at__lt=cutoff))
        .filter(Exists(waiting))
    )
    if user_ids is not None:
        members = members.filter(pk__in=list(user_ids))
    return members.order_by("pk")


def notification_emails_send(*, user_ids=None, now: dt.datetime | None = None) -> int:
    """Send each waiting member (of ``user_ids``, or all) their batched email; returns how
    many emails left."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(minutes=settings.NOTIFICATION_EMAIL_MINUTES)
    sent = 0
    ids = list(waiting_members(now=now, user_ids=user_ids).values_list("pk", flat=True))
    if not ids:
        return 0
    with mailers.default as mailer:
        for user_id in ids:
            try:
                with transaction.atomic():
                    claimed = (
                        get_user_model()
                        .objects.filter(pk=user_id)
                        .filter(
                            Q(notifications_emailed_at=None)
                            | Q(notifications_emailed_at__lt=cutoff)
                        )
                        .update(notifications_emailed_at=now)
                    )
                    if not claimed:  # another worker is sending it
                        continue
                    user = get_user_model().objects.get(pk=user_id)
                    notifications = list(
                        Notification.objects.filter(
                            SHOWN_COMMENT, recipient_id=user_id, read_at=None, emailed_at=None
                        )
                        .select_related("actor", "comment__paper")
                        .order_by("created_at", "id")[:50]
                    )
                    if not notifications:
                        continue
                    Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(
                        emailed_at=now
                    )
                    mailer.send_messages(
                        [notification_message(user=user, notifications=notifications)]
                    )
            except Exception:
                logger.exception("notification email to member %s failed", user_id)
                continue
            sent += 1
    return sent


def emails_off(*, user) -> bool:
    """Turn a member's notification emails off; returns whether they were on."""
    return bool(
        get_user_model()
        .objects.filter(pk=user.pk, email_notifications=True)
        .update(email_notifications=False)
    )
