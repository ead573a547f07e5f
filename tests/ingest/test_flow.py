"""End to end on the real queue: a member submits an arXiv id, the task waits in the
database queue, the worker (django-tasks-db's ``db_worker``) fetches the metadata from
the fake arXiv, the curator approves with one click, the paper page shows it all.

These tests run the database backend and its worker for real (elsewhere the test
settings run tasks at once with django.tasks' immediate backend), so they check what
the immediate backend cannot: that a request only queues the work, that the task row
commits with the submission, and that the worker picks it up and records its result.
They use ``transactional_db``: the worker commits, as it does in production.
"""

import datetime as dt
import io
import signal

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from papers.core.models import Paper
from papers.ingest import tasks
from papers.ingest.models import FetchStatus
from tests.factories import make_paper, make_repository, make_user

from .upstream import Reply, fixture, github_reply

# The worker claims tasks with SELECT ... FOR UPDATE SKIP LOCKED on PostgreSQL and an
# exclusive transaction on SQLite.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.engine]
DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture
def database_queue(settings):
    settings.TASKS = DATABASE_QUEUE
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    yield
    for number, handler in handlers.items():  # the worker installs its own
        signal.signal(number, handler)


def run_worker() -> str:
    out = io.StringIO()
    call_command(
        "db_worker", "--batch", "--no-startup-delay", "--no-reload", stdout=out, stderr=out
    )
    return out.getvalue()


def test_submit_then_worker_then_approve_then_page(upstream, database_queue, client, admin_client):
    upstream.route("/api/query", Reply(200, fixture("arxiv/id_2611_04321.xml")))
    member = make_user("ada")
    client.force_login(member)

    response = client.post("/submit/", {"paper": "https://arxiv.org/abs/2611.04321v1"})

    assert response.status_code == 302
    paper = Paper.objects.get(arxiv_id="2611.04321")
    assert paper.status == Paper.Status.PENDING
    assert paper.title == "arXiv:2611.04321 (awaiting metadata)"
    assert (paper.published, paper.published_precision) == (dt.date(2026, 11, 1), "month")
    (queued,) = DBTaskResult.objects.all()
    assert queued.task_path == "papers.ingest.tasks.arxiv_metadata_fetch"
    assert queued.status == "READY" and queued.args_kwargs["args"] == [["2611.04321"]]
    assert upstream.requests == []  # only queued: the request did not wait for arXiv
    changelist = admin_client.get("/admin/community/pendingsubmission/").content.decode()
    assert "Queued" in changelist

    # Approving before the metadata arrived is refused, with the reason.
    refused = admin_client.post(
        "/admin/community/pendingsubmission/",
        {"action": "approve", "_selected_action": [paper.pk]},
        follow=True,
    ).content.decode()
    assert "its arXiv metadata has not arrived yet" in refused

    run_worker()

    queued.refresh_from_db()
    assert queued.status == "SUCCESSFUL"
    assert queued.return_value["updated"] == 1
    assert [r.query["id_list"] for r in upstream.requests] == ["2611.04321"]
    paper.refresh_from_db()
    assert paper.title == "Latent Planners: World Models That Read the Manual"
    assert [a.author.name for a in paper.authorships.order_by("position")] == [
        "María Rodríguez",
        "Kenji Watanabe",
        "Ada Planner",
    ]
    assert paper.abstract.startswith("We train a world model")
    assert (paper.published, paper.published_precision) == (dt.date(2026, 11, 9), "day")
    assert paper.primary_category.code == "cs.RO"
    assert paper.status == Paper.Status.PENDING
    editor = admin_client.get(f"/admin/community/pendingsubmission/{paper.pk}/change/")
    assert "María Rodríguez, Kenji Watanabe, Ada Planner" in editor.content.decode()
    assert "Updated" in admin_client.get("/admin/community/pendingsubmission/").content.decode()

    approved = admin_client.post(
        "/admin/community/pendingsubmission/",
        {"action": "approve", "_selected_action": [paper.pk]},
        follow=True,
    ).content.decode()
    assert "1 paper(s) approved" in approved

    paper.refresh_from_db()
    assert paper.status == Paper.Status.PUBLISHED
    assert paper.listed_on == timezone.localdate()
    page = client.get("/papers/2611.04321/").content.decode()
    assert "Latent Planners: World Models That Read the Manual" in page
    assert "María Rodríguez" in page and "9 November 2026" in page
    assert "Latent Planners" in client.get("/").content.decode()


def test_admin_actions_queue_and_show_the_last_result(upstream, database_queue, admin_client):
    paper = make_paper(arxiv_id="2401.04088", title="Mixtral (stale title)", abstract="")
    repository = make_repository("example-lab", "latent-planner", stars=1)
    upstream.route("/api/query", Reply(200, fixture("arxiv/id_list.xml")))
    upstream.route("/repos/example-lab/latent-planner", github_reply("latent-planner"))

    message = admin_client.post(
        "/admin/core/paper/",
        {"action": "fetch_from_arxiv", "_selected_action": [paper.pk]},
        follow=True,
    ).content.decode()
    assert "Queued the arXiv metadata of 1 paper" in message
    message = admin_client.post(
        "/admin/core/repository/",
        {"action": "refresh_from_github", "_selected_action": [repository.pk]},
        follow=True,
    ).content.decode()
    assert "Queued a GitHub refresh of 1 repository" in message
    assert DBTaskResult.objects.filter(status="READY").count() == 2
    assert FetchStatus.objects.get(paper=paper).state == "queued"
    assert "Queued" in admin_client.get("/admin/core/repository/").content.decode()

    run_worker()

    assert not DBTaskResult.objects.exclude(status="SUCCESSFUL").exists()
    paper.refresh_from_db()
    repository.refresh_from_db()
    assert paper.abstract.startswith("We introduce Mixtral 8x7B")
    assert repository.stars == 1342
    papers = admin_client.get("/admin/core/paper/").content.decode()
    repositories = admin_client.get("/admin/core/repository/").content.decode()
    assert "Updated" in papers and "metadata from arXiv" in papers
    assert "Updated" in repositories
    change = admin_client.get(f"/admin/core/repository/{repository.pk}/change/").content.decode()
    assert "Last GitHub refresh" in change


def test_a_rate_limited_refresh_queues_itself_for_the_reset(upstream, database_queue):
    make_repository("example-lab", "sparse-routers")
    make_repository("example-lab", "latent-planner")
    upstream.route("/repos/example-lab/sparse-routers", github_reply("sparse-routers"))
    upstream.route("/repos/example-lab/latent-planner", github_reply("latent-planner"))

    with time_machine.travel(dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.UTC), tick=False):
        tasks.repositories_refresh.enqueue()
        run_worker()

    again = DBTaskResult.objects.get(status="READY")  # the clock stood still: not by time
    first = DBTaskResult.objects.exclude(pk=again.pk).get()
    assert first.status == "SUCCESSFUL" and "rate limit" in first.return_value["stopped"]
    assert again.status == "READY"
    assert again.run_after == dt.datetime(2026, 11, 26, 10, 0, tzinfo=dt.UTC)  # X-RateLimit-Reset
    assert [r.path for r in upstream.requests] == ["/repos/example-lab/sparse-routers"]

    with time_machine.travel(dt.datetime(2026, 11, 26, 10, 1, tzinfo=dt.UTC), tick=False):
        run_worker()
    again.refresh_from_db()
    assert again.status == "SUCCESSFUL"
    assert upstream.requests[-1].path == "/repos/example-lab/latent-planner"


def test_on_the_immediate_backend_a_rate_limited_refresh_just_stops(upstream):
    make_repository("example-lab", "sparse-routers")
    make_repository("example-lab", "latent-planner")
    upstream.route("/repos/example-lab/sparse-routers", github_reply("sparse-routers"))
    result = tasks.repositories_refresh.enqueue()
    assert result.status == "SUCCESSFUL" and result.return_value["resume_at"]
