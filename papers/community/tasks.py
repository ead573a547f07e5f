"""Trending scores as a background task (``django.tasks``), for the worker; the
``refresh_trending`` command does the same at once (and queues it with ``--enqueue``)."""

from django.tasks import task

from . import trending


@task()
def trending_refresh_task() -> dict:
    """Recompute every paper's stored trending score (trending.refresh_all)."""
    return {"changed": trending.refresh_all()}
