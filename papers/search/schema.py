"""The search index's schema: what each engine keeps beside the papers table, how
it is installed (by this app's migration), repaired and rebuilt.

The index follows the papers' own columns (title, abstract and the denormalised
``authors_text`` and ``topics_text``, which papers/core/derived.py keeps fresh)
through database triggers, so no writer has to think of it.
"""

from itertools import batched

from django.db import connections

from papers.core import derived
from papers.core.models import Paper

_POSTGRES_VECTOR = """
    setweight(to_tsvector('pg_catalog.english', coalesce({row}.title, '')), 'A') ||
    setweight(to_tsvector('pg_catalog.english', coalesce({row}.authors_text, '')), 'B') ||
    setweight(to_tsvector('pg_catalog.english', coalesce({row}.topics_text, '')), 'B') ||
    setweight(to_tsvector('pg_catalog.english', coalesce({row}.abstract, '')), 'C')
"""

GIN_PENDING_LIST_KB = 1024
GIN_OPTIONS = f"(fastupdate = on, gin_pending_list_limit = {GIN_PENDING_LIST_KB})"

POSTGRES_SCHEMA = [
    "ALTER TABLE core_paper ADD COLUMN IF NOT EXISTS search_vector tsvector",
    f"""
    CREATE OR REPLACE FUNCTION core_paper_search_vector_update() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        NEW.search_vector := {_POSTGRES_VECTOR.format(row="NEW")};
        RETURN NEW;
    END
    $$
    """,
    "DROP TRIGGER IF EXISTS core_paper_search_vector ON core_paper",
    """
    CREATE TRIGGER core_paper_search_vector
    BEFORE INSERT OR UPDATE OF title, abstract, authors_text, topics_text ON core_paper
    FOR EACH ROW EXECUTE FUNCTION core_paper_search_vector_update()
    """,
    # A small pending list: a new row version (an imported paper, an edit, a vote:
    # any update that is not HOT) is appended to it instead of going into the tree as
    # ~150 entries, several times cheaper; imports merge it into the tree at the end
    # (``merge_pending_entries``), and so do autovacuum and a list that outgrows
    # GIN_PENDING_LIST_KB, so a search scans at most that much besides the tree.
    "CREATE INDEX IF NOT EXISTS paper_search_vector_idx ON core_paper "
    f"USING gin (search_vector) WITH {GIN_OPTIONS}",
    f"ALTER INDEX paper_search_vector_idx SET {GIN_OPTIONS}",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS author_name_trgm_idx ON core_author USING gin (name gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS topic_name_trgm_idx ON core_topic USING gin (name gin_trgm_ops)",
]

POSTGRES_DROP = [
    "DROP TRIGGER IF EXISTS core_paper_search_vector ON core_paper",
    "DROP FUNCTION IF EXISTS core_paper_search_vector_update()",
    "DROP INDEX IF EXISTS paper_search_vector_idx",
    "DROP INDEX IF EXISTS author_name_trgm_idx",
    "DROP INDEX IF EXISTS topic_name_trgm_idx",
    "ALTER TABLE core_paper DROP COLUMN IF EXISTS search_vector",
]

_FTS_COLUMNS = "title, authors_text, topics_text, abstract"
_FTS_NEW = "new.id, new.title, new.authors_text, new.topics_text, new.abstract"
_FTS_OLD = "'delete', old.id, old.title, old.authors_text, old.topics_text, old.abstract"
SQLITE_TRIGGERS = {
    "paper_search_insert": f"""
        CREATE TRIGGER IF NOT EXISTS paper_search_insert AFTER INSERT ON core_paper BEGIN
            INSERT INTO paper_search(rowid, {_FTS_COLUMNS}) VALUES ({_FTS_NEW});
        END""",
    "paper_search_delete": f"""
        CREATE TRIGGER IF NOT EXISTS paper_search_delete AFTER DELETE ON core_paper BEGIN
            INSERT INTO paper_search(paper_search, rowid, {_FTS_COLUMNS}) VALUES ({_FTS_OLD});
        END""",
    "paper_search_update": f"""
        CREATE TRIGGER IF NOT EXISTS paper_search_update
        AFTER UPDATE OF {_FTS_COLUMNS} ON core_paper BEGIN
            INSERT INTO paper_search(paper_search, rowid, {_FTS_COLUMNS}) VALUES ({_FTS_OLD});
            INSERT INTO paper_search(rowid, {_FTS_COLUMNS}) VALUES ({_FTS_NEW});
        END""",
}
SQLITE_SCHEMA = [
    f"""
    CREATE VIRTUAL TABLE IF NOT EXISTS paper_search USING fts5(
        {_FTS_COLUMNS},
        content='core_paper', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2'
    )
    """,
    *SQLITE_TRIGGERS.values(),
    # Papers per term (read by "more like this" to tell distinctive terms from common ones).
    "CREATE VIRTUAL TABLE IF NOT EXISTS paper_search_terms USING fts5vocab(paper_search, row)",
]
SQLITE_DROP = [
    *(f"DROP TRIGGER IF EXISTS {name}" for name in SQLITE_TRIGGERS),
    "DROP TABLE IF EXISTS paper_search_terms",
    "DROP TABLE IF EXISTS paper_search",
]


def install_schema(connection) -> None:
    """Create (or repair) the search index's tables, triggers and indexes. Idempotent."""
    statements = POSTGRES_SCHEMA if connection.vendor == "postgresql" else SQLITE_SCHEMA
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and connection.in_atomic_block:
            # ALTER TABLE refuses to run while deferred foreign-key checks are pending.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for statement in statements:
            cursor.execute(statement)


def merge_pending_entries(connection) -> None:
    """Move the search index's pending list into its tree (PostgreSQL; after a bulk
    write, so that searches do not scan what it added)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT gin_clean_pending_list('paper_search_vector_idx'::regclass)")


def drop_schema(connection) -> None:
    statements = POSTGRES_DROP if connection.vendor == "postgresql" else SQLITE_DROP
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def schema_is_complete(connection) -> bool:
    """Whether the triggers that keep the index in step exist (SQLite loses them when
    Django rebuilds the papers table during a migration)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT count(*) FROM pg_trigger WHERE tgname = 'core_paper_search_vector'"
            )
            return cursor.fetchone()[0] == 1
        cursor.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name IN (%s, %s, %s)",
            list(SQLITE_TRIGGERS),
        )
        return cursor.fetchone()[0] == len(SQLITE_TRIGGERS)


def rebuild_index(*, using: str = "default", batch_size: int = 5000) -> dict:
    """Repair the schema, refresh every paper's search text and re-index every row."""
    connection = connections[using]
    install_schema(connection)
    ids = list(Paper.objects.using(using).order_by("pk").values_list("pk", flat=True))
    refreshed = derived.refresh_papers(ids, using=using)
    reindex_all(connection, ids=ids, batch_size=batch_size)
    return {"papers": len(ids), "search text refreshed": refreshed}


def reindex_all(connection, *, ids=None, batch_size: int = 5000) -> None:
    """Index every paper's row afresh from its columns (``ids``: every paper's, sorted)."""
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute("INSERT INTO paper_search(paper_search) VALUES ('rebuild')")
            return
        if ids is None:
            cursor.execute("SELECT id FROM core_paper ORDER BY id")
            ids = [row[0] for row in cursor.fetchall()]
        for batch in batched(ids, batch_size):
            cursor.execute(
                "UPDATE core_paper SET title = title WHERE id >= %s AND id <= %s",
                [batch[0], batch[-1]],
            )


class IndexDuringBulkLoad:
    """Keep indexing rows while a bulk loader skips ordinary triggers.

    On PostgreSQL, bulk loaders may set ``session_replication_role = replica`` to
    skip foreign-key checks; that also skips the search trigger unless it is
    marked ALWAYS for the duration. SQLite's triggers always fire: nothing to do.
    """

    def __init__(self, connection):
        self.connection = connection

    def __enter__(self):
        if self.connection.vendor == "postgresql":
            with self.connection.cursor() as cursor:
                cursor.execute(
                    "ALTER TABLE core_paper ENABLE ALWAYS TRIGGER core_paper_search_vector"
                )
        return self

    def __exit__(self, *exc_info):
        if self.connection.vendor == "postgresql":
            with self.connection.cursor() as cursor:
                cursor.execute("ALTER TABLE core_paper ENABLE TRIGGER core_paper_search_vector")
        return False


def ensure_schema(using: str = "default") -> bool:
    """Reinstall the index and rebuild it if its triggers are missing; True if it did."""
    connection = connections[using]
    if schema_is_complete(connection):
        return False
    rebuild_index(using=using)
    return True
