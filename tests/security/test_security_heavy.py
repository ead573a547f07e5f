"""Faults and load against real servers: gunicorn with several workers on PostgreSQL,
members voting over real HTTP, and PostgreSQL restarted while they do.

Marked ``heavy``: ``make test-heavy`` runs them (CI does, on PostgreSQL, after
``make test``); plain ``make test`` leaves them out (see README, Security).
"""

import http.client
import json
import random
import threading
import time
from collections import Counter

import pytest
from django.db import connection
from django.test import Client

from papers.community.models import Upvote
from papers.core.models import Paper
from tests.factories import make_paper, make_user
from tests.servers import Member, PrivateCluster, database_url, gunicorn, manage, wait_for

pytestmark = pytest.mark.heavy
JSON = {"Accept": "application/json"}

needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: gunicorn workers share the test database (SQLite would serialise)",
)


def run_threads(workers, timeout=180):
    errors = []

    def run(work):
        try:
            work()
        except Exception as exc:  # reported in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(w,)) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(t.is_alive() for t in threads), "a client hung"
    assert not errors, errors[:3]


def session_for(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_concurrent_members_voting_through_gunicorn_lose_nothing(tmp_path):
    papers = [make_paper() for _ in range(4)]
    members = [make_user() for _ in range(16)]
    sessions = {m.pk: session_for(m) for m in members}
    acknowledged = {}  # (member, paper) -> the voted state the server last confirmed
    lock = threading.Lock()

    with gunicorn(
        workers=4,
        database_url=database_url(connection.settings_dict),
        log=tmp_path / "gunicorn.log",
        RATE_LIMITS_ENABLED="false",
    ) as base:

        def voter(member, seed):
            def work():
                rng = random.Random(seed)
                client = Member(base, sessions[member.pk])
                for _ in range(30):
                    paper = rng.choice(papers)
                    data = {"vote": rng.choice(["up", "down"])} if rng.random() < 0.7 else {}
                    response = client.post(f"/papers/{paper.arxiv_id}/upvote/", data, headers=JSON)
                    assert response.status == 200, (response.status, response.body[:200])
                    answer = response.json()
                    assert answer["paper"] == paper.pk
                    with lock:
                        acknowledged[member.pk, paper.pk] = answer["voted"]
                client.close()

            return work

        started = time.monotonic()
        run_threads([voter(m, n) for n, m in enumerate(members)])
        elapsed = time.monotonic() - started

    assert len(acknowledged) > 16
    rows = set(Upvote.objects.values_list("user_id", "paper_id"))
    for (member, paper), voted in acknowledged.items():
        assert ((member, paper) in rows) is voted, (member, paper, voted)
    counts = Counter(paper for _, paper in rows)
    for paper in Paper.objects.all():
        assert paper.upvote_count == counts[paper.pk], paper
    print(f"480 votes by 16 members through 4 gunicorn workers in {elapsed:.1f} s")


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_rate_limits_hold_across_worker_processes_with_redis(tmp_path, settings):
    """Password guessing spread over several workers meets one shared limit."""
    import redis

    try:
        redis.Redis.from_url("redis://127.0.0.1:6379/0").ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("needs Redis on 127.0.0.1:6379 (the rate limits' shared cache)")
    make_user("victim")
    allowed = 10  # settings.RATE_LIMITS["login"]["account"]: 10 / 15 min
    assert settings.RATE_LIMITS["login"]["account"] == f"{allowed}/15m"
    statuses = []
    lock = threading.Lock()
    with gunicorn(
        workers=3,
        database_url=database_url(connection.settings_dict),
        log=tmp_path / "gunicorn.log",
        REDIS_URL="redis://127.0.0.1:6379/0",
        CACHE_KEY_PREFIX=f"catalogue-heavy-{time.time_ns()}",
        TRUSTED_PROXY_COUNT="1",  # every guess seems to come from its own address
    ) as base:

        def guesser(n):
            def work():
                client = Member(base)
                for k in range(5):
                    response = client.post(
                        "/accounts/login/",
                        {"username": "victim", "password": f"guess {n}-{k}"},
                        headers={"X-Forwarded-For": f"203.0.113.{n * 5 + k + 1}"},
                    )
                    with lock:
                        statuses.append(response.status)
                client.close()

            return work

        run_threads([guesser(n) for n in range(8)])
    assert len(statuses) == 40
    assert statuses.count(200) == allowed  # the form again: wrong password
    assert statuses.count(429) == 40 - allowed


@pytest.fixture
def private_cluster():
    reason = PrivateCluster.available()
    if reason:
        pytest.skip(f"no private PostgreSQL cluster: {reason}")
    cluster = PrivateCluster().init()
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.destroy()


SET_UP = """
import json
from django.test import Client
from django.contrib.auth import get_user_model
from papers.core.models import Paper
import datetime as dt
papers = [Paper.objects.create(arxiv_id=f"2401.{n:05d}", title=f"Paper {n}", abstract="x",
          listed_on=dt.date(2026, 11, 20)) for n in range(1, 401)]
members = {}
for n in range(6):
    user = get_user_model().objects.create_user(f"member{n}", password="pw")
    client = Client()
    client.force_login(user)
    members[user.pk] = client.cookies["sessionid"].value
print(json.dumps({"papers": [[p.pk, p.arxiv_id] for p in papers], "members": members}))
"""

FINAL_STATE = """
import json
from collections import Counter
from papers.community.models import Upvote
from papers.core.models import Paper
rows = list(Upvote.objects.values_list("user_id", "paper_id"))
counts = dict(Paper.objects.values_list("pk", "upvote_count"))
print(json.dumps({"rows": rows, "counts": counts}))
"""


def test_postgresql_restart_while_members_vote(tmp_path, private_cluster):
    """The database goes away mid-flow: /healthz says 503 while it is down, the site
    recovers on its own within seconds, and no acknowledged vote is lost."""
    private_cluster.create_database("catalogue")
    url = private_cluster.url("catalogue")
    manage("migrate", "--noinput", database_url=url)
    world = json.loads(
        manage("shell", "-c", SET_UP, database_url=url).stdout.strip().splitlines()[-1]
    )
    papers = world["papers"]

    acknowledged = set()  # (member, paper) whose upvote the server confirmed
    failures = Counter()
    health = []  # (time, status) from /healthz
    stop = threading.Event()
    lock = threading.Lock()

    with gunicorn(
        workers=2,
        database_url=url,
        log=tmp_path / "gunicorn.log",
        RATE_LIMITS_ENABLED="false",
        CONN_MAX_AGE="60",  # persistent connections: they must survive the restart too
        PAGE_CACHE_SECONDS="0",  # /healthz and every page really ask the database
    ) as base:

        def voter(member, session):
            def work():
                client = Member(base, session, timeout=5)
                # Each member upvotes the papers in order: every confirmed vote is a new
                # row that must still be there at the end. A vote that fails is sent
                # again (it says "up", so a repeat is harmless) until it is confirmed.
                for pk, arxiv_id in papers:
                    while not stop.is_set():
                        try:
                            response = client.post(
                                f"/papers/{arxiv_id}/upvote/", {"vote": "up"}, headers=JSON
                            )
                        except (OSError, http.client.HTTPException) as error:
                            outcome = type(error).__name__
                        else:
                            ok = response.status == 200 and response.json()["voted"]
                            outcome = "ok" if ok else response.status
                        if outcome == "ok":
                            with lock:
                                acknowledged.add((int(member), pk))
                            break
                        with lock:
                            failures[outcome] += 1
                        time.sleep(0.1)
                client.close()

            return work

        def prober():
            client = Member(base, timeout=5)
            while not stop.is_set():
                try:
                    status = client.get("/healthz").status
                except OSError:
                    status = None
                health.append((time.monotonic(), status))
                time.sleep(0.1)

        workers = [voter(m, s) for m, s in world["members"].items()] + [prober]
        threads = [threading.Thread(target=w) for w in workers]
        for thread in threads:
            thread.start()
        try:
            wait_for(lambda: len(acknowledged) >= 30, 30, "votes before the restart")
            before_stop = len(acknowledged)
            private_cluster.stop("immediate")  # a crash, not a polite shutdown
            stopped_at = time.monotonic()
            wait_for(
                lambda: any(s == 503 for t, s in health if t > stopped_at),
                15,
                "/healthz to answer 503 while the database is down",
            )
            time.sleep(1)
            private_cluster.start()
            started_at = time.monotonic()
            wait_for(
                lambda: any(s == 200 for t, s in health if t > started_at),
                15,
                "/healthz to answer 200 again",
            )
            recovered_at = min(t for t, s in health if t > started_at and s == 200)
            count_at_recovery = len(acknowledged)
            wait_for(
                lambda: len(acknowledged) >= count_at_recovery + 30, 30, "votes after the restart"
            )
        finally:
            stop.set()
            for thread in threads:
                thread.join(60)

    down = [s for t, s in health if stopped_at < t < started_at]
    assert 503 in down
    assert 500 not in [s for _, s in health]  # /healthz itself never crashes
    # While it was down, votes were refused with 503 (try again), never a server error.
    assert failures[503] > 0
    assert 500 not in failures, failures
    assert recovered_at - started_at < 10, "the site took too long to recover"
    assert before_stop >= 30 and len(acknowledged) > count_at_recovery
    final = json.loads(
        manage("shell", "-c", FINAL_STATE, database_url=url).stdout.strip().splitlines()[-1]
    )
    rows = {tuple(row) for row in final["rows"]}
    lost = acknowledged - rows
    assert not lost, f"{len(lost)} acknowledged votes lost"
    counts = Counter(paper for _, paper in rows)
    for paper, count in final["counts"].items():
        assert count == counts[int(paper)], paper
    print(
        f"{len(acknowledged)} votes confirmed, none lost; refused or failed while down: "
        f"{dict(failures)}; back {recovered_at - started_at:.1f} s after PostgreSQL restarted"
    )
