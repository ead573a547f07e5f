"""Digest sending as a background task (``django.tasks``), for the worker; the
``send_digest`` command does the same at once (and queues it with ``--enqueue``)."""

from django.tasks import task

from .sending import DigestPeriod, digest_send


@task()
def digest_send_task(frequency: str, period: str | None = None) -> dict:
    """Send the ``frequency`` digest of ``period`` (default: the last complete one).

    Idempotent per period and subscriber (sending.py): a retried or duplicated task
    sends nobody a second copy.
    """
    digest_period = (
        DigestPeriod.parse(frequency, period) if period else DigestPeriod.previous(frequency)
    )
    report = digest_send(period=digest_period)
    if report.failed:
        raise RuntimeError(f"stopped after {report.sent} email(s): {report.failed}")
    return {
        "period": digest_period.key,
        "papers": report.papers,
        "sent": report.sent,
        "already": report.already,
        "nothing_to_send": report.nothing_to_send,
        "unfinished": report.unfinished,
    }
