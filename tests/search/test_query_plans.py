"""PostgreSQL plans on a mid-size generated catalogue use the indexes meant for them.

Each page is requested through the test client; every SQL statement it ran is
explained, and the statement that reads the page's papers must use the index
built for that page's order (or the full-text GIN index for a search). Facet
counts for a narrowed page must start from an index, not from a scan of every
paper. Plans, not timings: they hold on a busy machine too.
"""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from papers.core.models import Author, Topic
from papers.search import engines
from papers.search.query import parse_query
from tools.bench.management.commands.generate_papers import Command as GeneratePapers

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL plans"),
    pytest.mark.django_db,
    pytest.mark.engine,
    pytest.mark.xdist_group("query_plans"),  # one worker builds the catalogue
]
PAPERS = 30_000


@pytest.fixture(scope="module")
def catalogue(django_db_setup, django_db_blocker):
    """Generated once for the module, in a transaction rolled back after its last test
    (each test runs in a savepoint inside it)."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command(
            GeneratePapers(), papers=PAPERS, seed=5, end=dt.date(2026, 11, 26).isoformat(),
            stdout=io.StringIO(),
        )  # fmt: skip
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        yield
        transaction.set_rollback(True)


def plans(client, url) -> list[tuple[str, str]]:
    """(sql, plan) for each statement ``url`` runs."""
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    found = []
    with connection.cursor() as cursor:
        for query in captured.captured_queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT") or "set_config" in sql:
                continue
            cursor.execute("EXPLAIN " + sql)
            found.append((sql, "\n".join(row[0] for row in cursor.fetchall())))
    return found


def page_query(found, *, marker='"core_paper"."title"'):
    """The statement that reads the listed papers (it selects their titles)."""
    candidates = [(sql, plan) for sql, plan in found if marker in sql and "LIMIT" in sql]
    assert candidates, [sql for sql, _ in found]
    return candidates[0]


@pytest.mark.parametrize(
    ("url", "index"),
    [
        ("/", "paper_listed_idx"),
        ("/papers/", "paper_top_idx"),
        ("/papers/?sort=trending", "paper_trending_idx"),
    ],
)
def test_list_pages_read_papers_through_their_sort_index(client, catalogue, url, index):
    _sql, plan = page_query(plans(client, url))
    assert index in plan, plan
    assert "Sort" not in plan.split("->")[0], plan  # rows come in index order: no sort step


def test_search_uses_the_full_text_index(client, catalogue):
    found = plans(client, "/papers/?q=diffusion+policy+planning")
    search_plans = [plan for sql, plan in found if "search_vector" in sql and "@@" in sql]
    assert search_plans
    assert all("paper_search_vector_idx" in plan for plan in search_plans), search_plans


def test_author_and_topic_pages_start_from_their_link_tables(client, catalogue):
    author = Author.objects.order_by("pk").first()
    found = plans(client, author.get_absolute_url())
    # The author's paper ids come from the link table's author index, then the
    # page reads those papers by primary key (papers/selectors.author_papers).
    links = [plan for sql, plan in found if 'FROM "core_authorship"' in sql]
    assert links and all("Seq Scan on core_authorship" not in plan for plan in links), links
    _sql, plan = page_query(found)
    assert "Seq Scan on core_paper " not in plan + " ", plan
    assert "Index Scan" in plan or "Bitmap Index Scan" in plan, plan

    topic = Topic.objects.order_by("pk").first()
    found = plans(client, f"/papers/?topic={topic.slug}&has_code=true")
    _sql, plan = page_query(found)
    # Either walk the sort index and probe each paper's topics by index, or start
    # from the topic's links: never read every paper or every link.
    assert "Seq Scan on core_paper " not in plan + " ", plan
    assert "Seq Scan on core_paper_topics" not in plan, plan
    assert "paper_top_idx" in plan or f"topic_id = {topic.pk}" in plan, plan


def test_narrowed_facet_counts_do_not_scan_every_paper(client, catalogue):
    found = plans(client, "/papers/?q=diffusion+policy+planning&category=cs.LG")
    counting = [plan for sql, plan in found if "COUNT(" in sql.upper()]
    assert len(counting) >= 4  # one grouped query per facet
    for plan in counting:
        assert "Seq Scan on core_paper " not in plan + " ", plan


def test_approximate_names_use_the_trigram_indexes(catalogue):
    """A misspelt author name is looked up through the trigram GIN index, not by reading
    every author (the catalogue has thousands: the planner's choice is stable)."""
    with CaptureQueriesContext(connection) as captured:
        engines.similar_names(parse_query("schmidhubr"))
    statements = [q["sql"] for q in captured.captured_queries]
    assert len(statements) == 2  # authors, then topics
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + statements[0])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "author_name_trgm_idx" in plan, plan
    assert "Seq Scan on core_author" not in plan, plan
