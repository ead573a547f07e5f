"""Comment counts under real concurrency: threads with their own PostgreSQL connections
post, delete, hide and restore comments on one paper while a repairer recounts. The
count must equal the comments everyone sees, whatever the interleaving."""

import random

import pytest
from django.db import connection

from papers.community.discussion import services
from papers.community.models import Comment
from papers.core.models import Paper
from tests.community.test_concurrency import run_together
from tests.factories import make_paper, make_user

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.engine,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="concurrency tests need PostgreSQL"
    ),
]


def shown(paper) -> int:
    return Comment.objects.filter(paper=paper, status="visible", deleted_at=None).count()


def test_counts_stay_exact_under_concurrent_posting_and_moderation():
    paper = make_paper()
    members = [make_user() for _ in range(8)]
    staff = make_user(is_staff=True)
    seed = services.comment_create(paper=paper, author=members[0], body="The first thread")

    def poster(member, n):
        def work():
            rng = random.Random(n)
            mine = []
            for i in range(12):
                parent = seed if rng.random() < 0.4 else None
                comment = services.comment_create(
                    paper=Paper(pk=paper.pk), author=member, body=f"{n}-{i}", parent=parent
                )
                mine.append(comment)
                if rng.random() < 0.3:
                    services.comment_delete(comment=rng.choice(mine), user=member)

        return work

    def moderator():
        rng = random.Random(99)
        for _ in range(30):
            ids = list(Comment.objects.filter(paper=paper).values_list("pk", flat=True))
            comment = Comment(pk=rng.choice(ids))
            if rng.random() < 0.5:
                services.comment_hide(comment=comment)
            else:
                services.comment_restore(comment=comment)
            services.comment_delete(comment=Comment(pk=rng.choice(ids)), user=staff)

    def repairer():
        for _ in range(8):
            services.paper_recount_comments(paper_ids=[paper.pk])

    run_together([poster(m, n) for n, m in enumerate(members)] + [moderator, repairer])
    paper.refresh_from_db()
    assert Comment.objects.filter(paper=paper).count() == 1 + 8 * 12
    assert paper.comment_count == shown(paper)


def test_simultaneous_posts_all_count():
    paper = make_paper()
    members = [make_user() for _ in range(16)]

    def post(member):
        return lambda: services.comment_create(paper=Paper(pk=paper.pk), author=member, body="Hi")

    run_together([post(m) for m in members])
    paper.refresh_from_db()
    assert paper.comment_count == 16 == shown(paper)


def test_simultaneous_comment_votes_count_once_each():
    paper = make_paper()
    comment = services.comment_create(paper=paper, author=make_user(), body="Vote me")
    voters = [make_user() for _ in range(10)]

    def vote(member):
        def work():
            for _ in range(3):
                services.comment_upvote(comment=Comment(pk=comment.pk), user=member, voted=True)

        return work

    run_together([vote(v) for v in voters])
    comment.refresh_from_db()
    assert comment.upvote_count == 10 == comment.votes.count()
