"""Queries with a time limit each, on both databases."""

import logging
import time

from django.db import OperationalError, connections, transaction

from . import degraded

logger = logging.getLogger(__name__)


class TimeLimit:
    """Run queries with a time limit each; a query over the limit returns ``None``.

    PostgreSQL: the queries run in a block of their own (a transaction, or a
    savepoint inside one) with ``SET LOCAL statement_timeout``. The block only
    reads and is always rolled back at the end, which also ends the time limit:
    no statement has to reset it, and no connection (persistent, or behind a
    pooler) keeps it. A cancelled query spoils the block, so the block is then
    rolled back and a fresh one opened for the queries that follow (no
    savepoint per query: the usual path costs one statement in all).
    Results must be fetched inside ``run`` (lists, not lazy querysets).
    SQLite: a progress handler that interrupts a statement past its deadline.
    """

    def __init__(
        self, using: str, milliseconds: int, *, budget_ms: int | None = None, part: str = ""
    ):
        """``milliseconds`` for each query; after ``budget_ms`` in all, skip the rest.

        ``part``: what the queries feed (papers/core/degraded.py); a query that gives
        up marks it degraded for the current request.
        """
        self.part = part
        self.using = using
        self.connection = connections[using]
        self.milliseconds = max(int(milliseconds), 1)
        self.budget = (budget_ms if budget_ms is not None else 2 * self.milliseconds) / 1000
        self.started = time.monotonic()
        self.block = None
        self.deadline = 0.0
        self.timed_out: list[str] = []

    @property
    def _postgres(self):
        return self.connection.vendor == "postgresql"

    def __enter__(self):
        self.started = time.monotonic()
        self.connection.ensure_connection()
        if self._postgres:
            self._open_block()
        elif self.connection.vendor == "sqlite":
            self.connection.connection.set_progress_handler(self._past_deadline, 1000)
        return self

    def __exit__(self, exc_type, exc, tb):
        if self._postgres:
            self._close_block(exc_type, exc, tb)
        elif self.connection.vendor == "sqlite" and self.connection.connection:
            self.connection.connection.set_progress_handler(None, 0)
        return False

    def _open_block(self):
        self.block = transaction.atomic(using=self.using)
        self.block.__enter__()
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('statement_timeout', %s, true)", [f"{self.milliseconds}ms"]
            )

    def _close_block(self, exc_type=None, exc=None, tb=None):
        transaction.set_rollback(True, using=self.using)
        self.block.__exit__(exc_type, exc, tb)

    def _past_deadline(self):
        return 1 if time.monotonic() > self.deadline else 0

    def run(self, name, function, *, within_budget: bool = True):
        """``function()``, or None if it ran out of time (or, ``within_budget``, if the
        block's whole budget is spent already: it is not tried)."""
        now = time.monotonic()
        if within_budget and now - self.started > self.budget:
            self._gave_up(name)
            return None
        self.deadline = now + self.milliseconds / 1000
        try:
            return function()
        except OperationalError as error:
            logger.warning("query %s gave up after %s ms: %s", name, self.milliseconds, error)
            self._gave_up(name)
            if self._postgres:  # the block's transaction is aborted: start a new one
                self._close_block()
                self._open_block()
            return None

    def _gave_up(self, name):
        self.timed_out.append(name)
        if self.part:
            degraded.note(self.part)
