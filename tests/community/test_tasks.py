"""refresh_trending as a task (the test settings run tasks at once, as the worker would)."""

import io

import pytest
from django.core.management import call_command

from papers.community.services import paper_upvote
from papers.community.tasks import trending_refresh_task
from papers.core.models import Paper
from tests.factories import make_paper, make_user

pytestmark = pytest.mark.django_db


def test_the_trending_task_recomputes_scores():
    paper = make_paper()
    paper_upvote(paper=paper, user=make_user())
    Paper.objects.filter(pk=paper.pk).update(trending_score=0)

    result = trending_refresh_task.enqueue()

    assert result.status == "SUCCESSFUL" and result.return_value == {"changed": 1}
    assert Paper.objects.get(pk=paper.pk).trending_score > 0
    out = io.StringIO()
    call_command("refresh_trending", "--enqueue", stdout=out)
    assert out.getvalue().startswith("Queued trending_refresh_task (task ")
