"""Background work of the community app, as ``django.tasks`` tasks (run by the worker
with the database queue; at once with the immediate backend). Arguments are JSON (ids,
not objects). The ``refresh_trending`` command does the trending refresh at once (and
queues it with ``--enqueue``); ``send_notification_emails`` queues the emails."""

from django.tasks import task

from . import trending
from .notifications import emails


@task()
def trending_refresh_task() -> dict:
    """Recompute every paper's stored trending score (trending.refresh_all)."""
    return {"changed": trending.refresh_all()}


@task()
def notification_emails_send(user_ids: list[int] | None = None) -> int:
    """Send the members of ``user_ids`` (everyone waiting, when None) their batched
    notification email; returns how many were sent."""
    return emails.notification_emails_send(user_ids=user_ids)
