"""Background work of the community app, as ``django.tasks`` tasks.

With Django's default (immediate) backend a task runs inline, when it is enqueued;
with a database-backed queue a worker runs it. Arguments are JSON (ids, not objects).
"""

from django.tasks import task

from .notifications import emails


@task()
def notification_emails_send(user_ids: list[int] | None = None) -> int:
    """Send the members of ``user_ids`` (everyone waiting, when None) their batched
    notification email; returns how many were sent."""
    return emails.notification_emails_send(user_ids=user_ids)
