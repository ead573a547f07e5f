"""Digest sending as a task (the test settings run tasks at once, as the worker would)."""

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import call_command

from papers.digest.models import DigestDelivery
from papers.digest.tasks import digest_send_task
from tests.factories import make_paper, make_subscription

pytestmark = pytest.mark.django_db


def test_the_digest_task_sends_once_per_period():
    make_paper(title="Yesterday's Paper", listed_on=dt.date(2026, 11, 25))
    make_subscription("reader@example.org")

    result = digest_send_task.enqueue("daily", "2026-11-25")

    assert result.status == "SUCCESSFUL"
    assert result.return_value["sent"] == 1 and result.return_value["period"] == "2026-11-25"
    assert len(mail.outbox) == 1 and DigestDelivery.objects.count() == 1
    again = digest_send_task.enqueue("daily", "2026-11-25")
    assert again.return_value["sent"] == 0 and again.return_value["already"] == 1
    assert len(mail.outbox) == 1


def test_send_digest_can_queue_the_task():
    make_paper(listed_on=dt.date(2026, 11, 25))
    make_subscription("reader@example.org")
    out = io.StringIO()
    call_command(
        "send_digest", "--frequency", "daily", "--period", "2026-11-25", "--enqueue", stdout=out
    )
    assert out.getvalue().startswith("Queued the daily digest 2026-11-25 (task ")
    assert len(mail.outbox) == 1  # the immediate backend ran it
