"""Test data that is slow to build, built once per test process and copied into each
test that asks for it.

``Snapshot(build)`` runs ``build`` (``load_demo``, say) inside a transaction that it
rolls back, and keeps the rows ``build`` added to every table. ``restore()`` inserts
those rows again, with the same primary keys, in a few bulk inserts: the database
then holds what ``build`` would have written (the search index follows through its
triggers), in a fraction of the time. A snapshot holds added rows only: a ``build``
that changes or deletes a row that was already there is refused.

The rows keep the ids ``build`` gave them, the ids it would give them in a test
(SQLite's sequences go back with each test's rollback, so other tests keep their
ids too: the SQLite search engine reads the highest paper id as the number of
papers). Should a test have made rows with those ids before ``restore()``, it runs
``build`` itself instead.
"""

import copy
from collections.abc import Callable

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, models, transaction

DEMO_ANCHOR = "2026-11-26"  # a Thursday: the demo's newest papers are listed on it


def _tables() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy and model._meta.can_migrate(connection)
    ]


def _fields(model) -> list[models.Field]:
    return [field for field in model._meta.concrete_fields if not field.generated]


def _rows(model) -> dict:
    pk = model._meta.pk.attname
    return {
        row[pk]: row
        for row in model._base_manager.values(*(field.attname for field in _fields(model)))
    }


class Snapshot:
    def __init__(self, build: Callable[[], object]):
        self.added: list[tuple[type[models.Model], list[dict]]] = []
        self._build = build
        with transaction.atomic():
            before = {model: _rows(model) for model in _tables()}
            self._result = self._current = build()
            for model, old in before.items():
                new = _rows(model)
                changed = [pk for pk, row in old.items() if new.get(pk) != row]
                if changed:
                    raise RuntimeError(
                        f"a snapshot holds added rows only: {model.__name__} {changed[:5]} changed"
                    )
                added = [row for pk, row in new.items() if pk not in old]
                if added:
                    self.added.append((model, added))
            transaction.set_rollback(True)

    def _ids_taken(self) -> bool:
        for model, rows in self.added:
            pk = model._meta.pk
            ids = [row[pk.attname] for row in rows]
            if model._base_manager.filter(pk__range=(min(ids), max(ids))).exists():
                return True
        return False

    @property
    def result(self):
        """A copy of what ``build`` returned (model instances as it left them)."""
        return copy.deepcopy(self._current)

    @property
    def row_count(self) -> int:
        return sum(len(rows) for _model, rows in self.added)

    def restore(self) -> None:
        """Insert the rows again, then what a bulk writer does at its end: move the
        cache versions on (at commit) and refresh the planner's statistics."""
        from papers.core import derived
        from papers.search import engines

        self._current = self._result
        if self._ids_taken():
            self._current = self._build()
            return
        with transaction.atomic(), connection.cursor() as cursor:
            for model, rows in self.added:
                # Raw inserts: bulk_create would stamp auto_now fields with the time now.
                fields = _fields(model)
                quote = connection.ops.quote_name
                cursor.executemany(
                    f"INSERT INTO {quote(model._meta.db_table)} "
                    f"({', '.join(quote(field.column) for field in fields)}) "
                    f"VALUES ({', '.join(['%s'] * len(fields))})",
                    [
                        [f.get_db_prep_save(row[f.attname], connection) for f in fields]
                        for row in rows
                    ],
                )
            # Sequences past the restored ids (PostgreSQL's are not rolled back with a
            # test, and a flushed database may have had them moved since the build).
            for sql in connection.ops.sequence_reset_sql(
                no_style(), [model for model, _rows in self.added]
            ):
                cursor.execute(sql)
            derived.papers_changed()
            derived.votes_changed()
        engines.refresh_statistics()
