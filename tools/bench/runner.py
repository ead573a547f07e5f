"""One size of the benchmark: gunicorn (production settings) on that size's
PostgreSQL database, measured by wrk (pages) and a plain client (the search
workload, one cold request per query). ``manage.py benchmark --size-run N``
runs this with ``DATABASE_URL`` pointing at the size's database."""

import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError

from .queries import search_paths
from .report import CONCURRENT_MEMBERS

CONCURRENT_SECONDS = 15  # at least: enough requests for a p95 when pages are slow
VOTERS = 1000  # members taking turns to vote (as many as real voting would spread over)
UNAVAILABLE_MARK = b"facet-unavailable"  # templates/includes/_facet.html
ESTIMATE_MARK = b"facet-estimate"

WRK_REPORT = r"""
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.timeout
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "errors": %d, "non_2xx": %d, '
    .. '"p50_us": %d, "p95_us": %d, "p99_us": %d}\n',
    summary.requests, summary.duration, errors, summary.errors.status,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""

# Each request a different path (a paper not asked for yet), from a random start.
WRK_PATHS = r"""
local paths = {PATHS}
math.randomseed(os.time() + os.clock() * 1000000)
local counter = math.random(#paths)
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1])
end
"""

WRK_POST = r"""
local sessions = {SESSIONS}
local counter = 0
request = function()
  counter = counter + 1
  local s = sessions[(counter % #sessions) + 1]
  return wrk.format("POST", nil, {
    ["Cookie"] = "sessionid=" .. s[1] .. "; csrftoken=" .. s[2],
    ["X-CSRFToken"] = s[2],
    ["Accept"] = "application/json",
    ["X-Requested-With"] = "fetch",
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }, "")
end
"""


class SizeRun:
    """Measure one size: runs with DATABASE_URL pointing at that size's database."""

    def __init__(self, options):
        self.options = options
        self.papers = options["size_run"]
        self.port = options["port"]
        self.base = f"http://127.0.0.1:{self.port}"

    def run(self) -> dict:
        from django.core.cache import cache

        from papers.search.catalogue import warm_facet_cache

        def say(message):
            print(f"[{self.papers:,}] {message}", file=sys.stderr, flush=True)

        say("choosing pages, logging in voters")
        targets = discover_targets()
        sessions = bench_sessions(VOTERS)
        say("community: a discussion on the paper, follows and upvotes for For you")
        community_activity(targets["pages"]["paper"])
        cache.clear()  # the benchmark's own Redis database: start cold
        say("warming the facet cache (as cron does: manage.py warm_facets)")
        started = time.monotonic()
        warm_facet_cache()
        warm_seconds = round(time.monotonic() - started, 1)
        say(f"warm_facets took {warm_seconds} s; starting gunicorn")
        server = self.start_server()
        member_session = sessions[0]
        try:
            visitor, member = {}, {}
            visitor["floor"] = self.measure(targets["floor"])
            member["floor"] = self.measure(targets["floor"], session=member_session)
            for name, path in targets["pages"].items():
                visitor[name] = self.measure(path)
                member[name] = self.measure(path, session=member_session)
            member["for_you"] = self.measure(FOR_YOU_PATH, session=member_session)
            # The search workload, cold: the cache emptied before each pass.
            plain, faceted = search_paths(targets["topic_slug"])
            for name, paths in (("search", plain), ("search_facets", faceted)):
                cache.clear()
                member[name] = self.measure_list(paths, session=member_session)
                cache.clear()
                visitor[name] = self.measure_list(paths)
            # Pages whose similar papers are not cached: each request a paper not seen.
            cold = cold_paper_paths()
            quarter = len(cold) // 4
            visitor["similar_cold"] = self.measure(cold[0], paths=cold[:quarter])
            member["similar_cold"] = self.measure(
                cold[quarter], session=member_session, paths=cold[quarter : 2 * quarter]
            )
            likes = [f"/papers/?like={p.strip('/').split('/', 1)[1]}" for p in cold[2 * quarter :]]
            half = len(likes) // 2
            visitor["like_cold"] = self.measure(likes[0], paths=likes[:half])
            member["like_cold"] = self.measure(
                likes[half], session=member_session, paths=likes[half:]
            )
            vote_path = targets.get("upvote")
            if vote_path:
                member["upvote"] = self.measure(vote_path, voters=sessions)
            say(f"{CONCURRENT_MEMBERS} concurrent members, mixed pages")
            mixed = mixed_paths(targets, plain)
            concurrent = self.measure(
                mixed[0],
                session=member_session,
                paths=mixed,
                connections=CONCURRENT_MEMBERS,
                seconds=max(CONCURRENT_SECONDS, self.options["duration"]),
            )
            rss = worker_rss_mb(server.pid)
        finally:
            server.terminate()
            server.wait(timeout=30)
        return {
            "papers": self.papers,
            "targets": targets,
            "visitor": visitor,
            "member": member,
            "concurrent": concurrent,
            "worker_rss_mb": rss,
            "warm_facets_seconds": warm_seconds,
        }

    def measure_list(self, paths, *, session=None) -> dict:
        """One request per path, in turn (each one cold when the cache was emptied):
        latency percentiles, and how many pages had unavailable or estimated counts."""
        who = "member" if session else "visitor"
        print(f"[{self.papers:,}] {who:8} {len(paths)} searches", file=sys.stderr, flush=True)
        self.probe(paths[0], session=session)  # a connection open in the worker
        timings, unavailable, estimated, errors, worst = [], 0, 0, 0, ("", 0.0)
        for path in paths:
            request = urllib.request.Request(
                self.base + path, headers=self.headers(session=session)
            )
            started = time.perf_counter()
            try:
                with urllib.request.urlopen(request, timeout=60) as response:
                    body = response.read()
            except urllib.error.HTTPError as error:
                body, errors = b"", errors + 1
                print(f"  HTTP {error.code} {path}", file=sys.stderr)
            ms = (time.perf_counter() - started) * 1000
            timings.append(ms)
            worst = max(worst, (path, ms), key=lambda item: item[1])
            unavailable += UNAVAILABLE_MARK in body
            estimated += ESTIMATE_MARK in body
        ordered = sorted(timings)

        def rank(q):  # nearest-rank percentile
            return round(ordered[min(len(ordered) - 1, max(0, -(-q * len(ordered) // 100) - 1))], 2)

        return {
            "path": f"{len(paths)} queries (tools/bench/queries.py)",
            "status": 200,
            "requests": len(paths),
            "errors": errors,
            "unavailable": unavailable,
            "estimated": estimated,
            "p50_ms": round(statistics.median(ordered), 2),
            "p95_ms": rank(95),
            "p99_ms": rank(99),
            "max_ms": round(ordered[-1], 2),
            "slowest": worst[0],
            "rps": round(1000 * len(ordered) / sum(ordered), 1),
        }

    def start_server(self):
        gunicorn = Path(sys.executable).with_name("gunicorn")
        server = subprocess.Popen(
            [str(gunicorn), "catalogue.wsgi", "--bind", f"127.0.0.1:{self.port}",
             "--workers", str(self.options["workers"]), "--log-level", "warning"],
            cwd=settings.BASE_DIR,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(f"{self.base}/healthz", timeout=5) as response:
                    if response.status == 200:
                        return server
            except (urllib.error.URLError, OSError):  # (not up yet, or slow to answer)
                time.sleep(0.5)
        server.terminate()
        raise CommandError(
            f"gunicorn did not answer {self.base}/healthz within 60 s "
            f"(exit code {server.poll()}; is port {self.port} free?)"
        )

    def headers(self, *, session=None, voter=None) -> dict:
        if voter:
            session_key, token = voter
            return {
                "Cookie": f"sessionid={session_key}; csrftoken={token}",
                "X-CSRFToken": token,
                "Accept": "application/json",
            }
        if session:
            return {"Cookie": f"sessionid={session[0]}"}
        return {}

    def probe(self, path, *, session=None, voter=None, body=b"") -> dict:
        post = voter is not None
        request = urllib.request.Request(
            self.base + path,
            data=body if post else None,
            method="POST" if post else "GET",
            headers=self.headers(session=session, voter=voter),
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return {"status": response.status, "queries": response.headers.get("X-DB-Queries")}
        except urllib.error.HTTPError as error:
            return {"status": error.code, "queries": error.headers.get("X-DB-Queries")}

    def measure(
        self, path, *, session=None, voters=None, paths=None, connections=None, seconds=None
    ) -> dict:
        """Latency of ``path`` as a visitor, a logged-in member (``session``: no page
        cache) or as many members voting (``voters``); with ``paths``, each request asks
        for the next of them instead (pages not cached yet: ``path`` is one of them)."""
        who = "voters" if voters else "member" if session else "visitor"
        print(f"[{self.papers:,}] {who:8} {path}", file=sys.stderr, flush=True)
        # The first request of a worker also opens its database connection (and a
        # visitor's first request fills the page cache); count a warm request.
        for _ in range(self.options["workers"] + 1):
            probe = self.probe(path, session=session, voter=voters[0] if voters else None)
        if voters:  # count the queries of a vote cast (not of a toggle in either direction)
            self.probe(path, voter=voters[0], body=b"vote=down")
            probe = self.probe(path, voter=voters[0], body=b"vote=up")
        result = {"path": path, "status": probe["status"], "queries": probe["queries"]}
        if probe["status"] >= 400:
            return result
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            if voters:
                lua_sessions = ", ".join(f'{{"{s}", "{t}"}}' for s, t in voters)
                script.write(WRK_POST.replace("{SESSIONS}", "{" + lua_sessions + "}"))
            elif session:
                script.write(f'wrk.headers["Cookie"] = "sessionid={session[0]}"\n')
            if paths:
                lua_paths = ", ".join(f'"{p}"' for p in paths)
                script.write(WRK_PATHS.replace("{PATHS}", "{" + lua_paths + "}"))
            script.write(WRK_REPORT)
        try:
            run_wrk(
                self.base + path,
                script.name,
                seconds=2,
                connections=connections or self.options["connections"],
            )
            stats = run_wrk(
                self.base + path,
                script.name,
                seconds=seconds or self.options["duration"],
                connections=connections or self.options["connections"],
            )
        finally:
            os.unlink(script.name)
        seconds = stats["duration_us"] / 1e6
        result.update(
            {
                "requests": stats["requests"],
                "errors": stats["errors"] + stats["non_2xx"],
                "rps": round(stats["requests"] / seconds, 1),
                "p50_ms": round(stats["p50_us"] / 1000, 2),
                "p95_ms": round(stats["p95_us"] / 1000, 2),
                "p99_ms": round(stats["p99_us"] / 1000, 2),
            }
        )
        return result


def run_wrk(url, script, *, seconds, connections) -> dict:
    output = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "-s", script, url],
        check=True,
        text=True,
        capture_output=True,
    ).stdout
    line = next(line for line in output.splitlines() if line.startswith("BENCH_JSON "))
    return json.loads(line.removeprefix("BENCH_JSON "))


def discover_targets() -> dict:
    """Pick realistic URLs from the catalogue: the latest day, a popular paper, ..."""
    from django.db.models import Count
    from django.urls import NoReverseMatch, reverse

    from papers.core.editions import Edition
    from papers.core.models import Author, Paper, Repository, Topic

    papers = Paper.objects.published()
    latest = papers.order_by("-listed_on").values_list("listed_on", flat=True).first()
    paper = papers.order_by("-upvote_count", "-id").first()
    author = Author.objects.annotate(n=Count("authorships")).order_by("-n").only("slug").first()
    topic = Topic.objects.annotate(n=Count("papers")).order_by("-n").first()
    repository = Repository.objects.annotate(n=Count("papers")).order_by("-n", "pk").first()
    query = "graph neural network robustness"
    pages = {
        "front": "/",
        "day": Edition.day(latest).get_absolute_url(),
        "week": Edition.week(latest).get_absolute_url(),
        "catalogue": "/papers/",
        "paper": paper.get_absolute_url(),
        "like": f"/papers/?like={paper.arxiv_id}",
        "author": author.get_absolute_url(),
        "topic": topic.get_absolute_url(),
        "api": f"/api/v1/papers/?q={query.replace(' ', '+')}",
    }
    if repository is not None:
        pages["repo"] = repository.get_absolute_url()
    try:
        floor = reverse("robots_txt")
    except NoReverseMatch:
        floor = "/healthz"
    targets = {"floor": floor, "pages": pages, "topic_slug": topic.slug}
    with contextlib.suppress(NoReverseMatch):
        targets["upvote"] = reverse("paper_upvote", args=[paper.arxiv_id])
    return targets


def mixed_paths(targets: dict, searches: list[str], papers: int = 40) -> list[str]:
    """What members browse at once: front pages, paper pages and searches, in turn."""
    from papers.core.models import Paper

    recent = (
        Paper.objects.published()
        .exclude(arxiv_id=None)
        .order_by("-listed_on", "-id")
        .values_list("arxiv_id", flat=True)[:papers]
    )
    paper_paths = [f"/papers/{arxiv_id}/" for arxiv_id in recent]
    out = []
    for n in range(max(len(paper_paths), len(searches))):
        out += [
            targets["pages"]["front"],
            paper_paths[n % len(paper_paths)],
            searches[n % len(searches)],
        ]
    return out


FOR_YOU_PATH = "/for-you/"
DISCUSSION_THREADS = 12  # a busy paper: 12 threads of 3 comments


def community_activity(paper_path: str, member_name: str = "bench-voter-0") -> None:
    """What a busy site has, through the community's services: the measured paper gets a
    discussion (``DISCUSSION_THREADS`` threads of 3 comments), and the measuring member
    follows three topics and two authors of the latest day, upvoted ten of its papers
    and saved five, so that "For you" has both of its lists to work out. Idempotent (the
    database is reused)."""
    import datetime as dt

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from papers.community import services as votes
    from papers.community.collections import services as collections
    from papers.community.discussion import services as discussion
    from papers.community.following import services as following
    from papers.community.models import Collection
    from papers.core.models import Authorship, Paper, Topic

    User = get_user_model()
    voters = User.objects.filter(username__startswith="bench-voter-")
    voters.update(date_joined=timezone.now() - dt.timedelta(days=60))  # not held for review
    member = User.objects.get(username=member_name)
    paper = Paper.objects.get(arxiv_id=paper_path.strip("/").split("/", 1)[1])
    if paper.comment_count < DISCUSSION_THREADS * 3:
        writers = list(voters.order_by("pk")[1 : DISCUSSION_THREADS + 3])
        for n in range(DISCUSSION_THREADS):
            top = discussion.comment_create(
                paper=paper, author=writers[n], body=f"Question {n}: does $x_{n}$ hold?"
            )
            for k in (1, 2):
                discussion.comment_create(
                    paper=paper, author=writers[n + k], body="A reply.", parent=top
                )
    published = Paper.objects.published()
    latest = published.order_by("-listed_on").values_list("listed_on", flat=True).first()
    recent = list(published.filter(listed_on=latest).order_by("-id")[:10])
    for topic in Topic.objects.order_by("pk")[:3]:
        following.follow_set(user=member, target=topic, following=True)
    authorships = Authorship.objects.filter(paper__in=recent[:2], position=1)
    for authorship in authorships.select_related("author"):
        following.follow_set(user=member, target=authorship.author, following=True)
    for liked in recent:
        votes.paper_upvote(paper=liked, user=member, voted=True)
    saved = Collection.objects.filter(owner=member).first() or collections.collection_create(
        owner=member, name="Bench reading list"
    )
    for liked in recent[:5]:
        collections.collection_add(collection=saved, paper=liked)


def cold_paper_paths(count: int = 20000, seed: int = 1) -> list[str]:
    """Paths of ``count`` random published papers (each asked for once: their similar
    papers are worked out, not read from the cache)."""
    import random

    from papers.core.models import Paper

    top = Paper.objects.order_by("-id").values_list("id", flat=True).first() or 0
    rng = random.Random(seed)
    ids = rng.sample(range(1, top + 1), min(count * 2, top))
    found = Paper.objects.published().filter(pk__in=ids).exclude(arxiv_id=None)
    paths = [f"/papers/{arxiv_id}/" for arxiv_id in found.values_list("arxiv_id", flat=True)]
    rng.shuffle(paths)
    return paths[:count]


def bench_sessions(count: int) -> list[tuple[str, str]]:
    """Logged-in sessions for ``count`` benchmark members, with CSRF tokens."""
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils.crypto import get_random_string

    User = get_user_model()
    sessions = []
    for n in range(count):
        user, _ = User.objects.get_or_create(
            username=f"bench-voter-{n}", defaults={"email": f"bench-voter-{n}@example.invalid"}
        )
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.save()
        sessions.append((store.session_key, get_random_string(32)))
    return sessions


def worker_rss_mb(master_pid: int) -> float | None:
    try:
        children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    except OSError:
        return None
    sizes = []
    for pid in children:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                sizes.append(int(line.split()[1]) / 1024)
    return round(max(sizes), 1) if sizes else None
