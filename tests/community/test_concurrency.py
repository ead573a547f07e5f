"""Votes under real concurrency: threads with their own PostgreSQL connections.

SQLite serialises writers, so these tests only mean something on PostgreSQL.
"""

import random
import threading

import pytest
from django.db import connection, connections

from papers.community import services
from papers.community.models import Upvote
from papers.core.models import Paper
from tests.factories import make_paper, make_user

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.engine,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="concurrency tests need PostgreSQL"
    ),
]


def run_together(workers):
    """Start every worker at the same moment, each on its own connection; re-raise failures."""
    barrier = threading.Barrier(len(workers))
    errors = []

    def run(worker):
        try:
            barrier.wait()
            worker()
        except Exception as exc:  # reported below, in the test's thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(w,)) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a worker hung"
    assert not errors, errors


def test_many_members_voting_and_unvoting_keep_the_count_exact():
    paper = make_paper()
    members = [make_user() for _ in range(12)]
    toggles = {m.pk: 0 for m in members}

    def voter(member, seed):
        def work():
            rng = random.Random(seed)
            for _ in range(rng.randint(15, 25)):
                services.paper_upvote(paper=Paper(pk=paper.pk), user=member)
                toggles[member.pk] += 1

        return work

    def repairer():
        for _ in range(10):
            services.paper_recount_upvotes(paper_ids=[paper.pk])

    run_together([voter(m, n) for n, m in enumerate(members)] + [repairer])

    paper.refresh_from_db()
    rows = Upvote.objects.filter(paper=paper)
    assert paper.upvote_count == rows.count()
    # Each member's final state follows from how many times they toggled.
    expected = {pk for pk, n in toggles.items() if n % 2 == 1}
    assert set(rows.values_list("user_id", flat=True)) == expected


def test_simultaneous_clicks_of_one_member_count_once():
    paper = make_paper()
    member = make_user()

    def click():
        services.paper_upvote(paper=Paper(pk=paper.pk), user=member, voted=True)

    run_together([click] * 10)
    paper.refresh_from_db()
    assert paper.upvote_count == 1
    assert Upvote.objects.filter(paper=paper, user=member).count() == 1

    def unclick():
        services.paper_upvote(paper=Paper(pk=paper.pk), user=member, voted=False)

    run_together([unclick] * 10)
    paper.refresh_from_db()
    assert paper.upvote_count == 0
    assert not Upvote.objects.exists()


def test_votes_on_different_papers_do_not_wait_for_each_other():
    papers = [make_paper() for _ in range(6)]
    members = [make_user() for _ in range(6)]

    def voter(member):
        def work():
            for paper in papers:
                services.paper_upvote(paper=Paper(pk=paper.pk), user=member, voted=True)

        return work

    run_together([voter(m) for m in members])
    for paper in papers:
        paper.refresh_from_db()
        assert paper.upvote_count == 6 == paper.upvotes.count()
        assert paper.trending_score > 0
