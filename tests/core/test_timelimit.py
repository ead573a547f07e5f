"""search.TimeLimit: slow queries give up, and the limit never outlives its block."""

import pytest
from django.db import connection

from papers.core.timelimit import TimeLimit

pytestmark = pytest.mark.engine  # statement_timeout, or SQLite's progress handler
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="statement_timeout is PostgreSQL's"
)


def current_timeout():
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        return cursor.fetchone()[0]


def slow_query():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(0.5)")
        return cursor.fetchall()


def quick_query():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone()[0]


@postgres_only
@pytest.mark.django_db(transaction=True)  # autocommit, as in production
def test_slow_query_gives_up_and_the_connection_keeps_no_limit():
    before = current_timeout()
    with TimeLimit("default", 100, budget_ms=5000) as limit:
        assert limit.run("slow", slow_query) is None
        assert limit.run("quick", quick_query) == 1  # the block is still usable
    assert limit.timed_out == ["slow"]
    assert current_timeout() == before
    assert connection.get_autocommit()
    assert quick_query() == 1


@postgres_only
@pytest.mark.django_db
def test_inside_a_transaction_the_limit_ends_with_the_block():
    before = current_timeout()
    with TimeLimit("default", 100, budget_ms=5000) as limit:
        assert limit.run("slow", slow_query) is None
    assert current_timeout() == before
    assert quick_query() == 1


@pytest.mark.django_db
def test_budget_skips_the_remaining_queries():
    with TimeLimit("default", 100, budget_ms=0) as limit:
        assert limit.run("first", quick_query) is None
    assert limit.timed_out == ["first"]
