"""Named locks in the database, for runs that must not overlap (``ingest_daily``).

A lock is a ``Lock`` row: taken by inserting it (the primary key makes one winner),
or by taking over a row whose holder's time ran out (a crashed run); released by
deleting it. Portable (PostgreSQL and SQLite), visible in the admin, and safe across
machines, unlike a lock file.
"""

import contextlib
import datetime as dt
import os
import socket
import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Lock


def lock_acquire(*, name: str, seconds: float) -> str | None:
    """Take the lock ``name`` for ``seconds``; the holder's token, or None if it is held."""
    holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    now = timezone.now()
    expires = now + dt.timedelta(seconds=seconds)
    with transaction.atomic():
        taken = Lock.objects.filter(name=name, expires_at__lt=now).update(
            holder=holder, expires_at=expires
        )
    if not taken:
        try:
            with transaction.atomic():
                Lock.objects.create(name=name, holder=holder, expires_at=expires)
        except IntegrityError:
            return None
    return holder


def lock_release(*, name: str, holder: str) -> None:
    Lock.objects.filter(name=name, holder=holder).delete()


@contextlib.contextmanager
def lock_held(name: str, *, seconds: float):
    """``with lock_held("x", seconds=3600) as holder:`` — ``holder`` is None when another
    run has the lock (the body should then do nothing)."""
    holder = lock_acquire(name=name, seconds=seconds)
    try:
        yield holder
    finally:
        if holder is not None:
            lock_release(name=name, holder=holder)
