"""The benchmark: the site under gunicorn with production settings, on PostgreSQL,
at several catalogue sizes, measured by wrk from a separate process on loopback.

``manage.py benchmark`` (``make bench``) orchestrates: for each size it makes sure
a database ``catalogue_bench_<size>`` holds a synthetic catalogue of that size
(generated once, then reused), then runs this command again with
``--size-run`` against that database, which starts gunicorn, measures every
page and prints the figures as JSON. The orchestrator writes them to a JSON
file and a markdown table in ``bench-results/`` and prints the table.
"""

import contextlib
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tools.bench.synthetic import GENERATOR_VERSION

# p95 targets (ms) at the largest size; see README "Performance".
TARGETS_MS = {
    "front": 20,
    "day": 20,
    "week": 20,
    "paper": 15,
    "paper_cold": 50,  # a paper whose similar papers are not cached yet
    "like": 150,
    "author": 15,
    "search": 150,
    "search_facets": 150,
    "upvote": 20,
    "for_you": 50,  # a member's "For you" page (follows, upvotes and a saved paper)
}
RSS_TARGET_MB = 200
IMPORT_TARGET_PER_S = 2000
SEARCH_GROWTH_LIMIT = 2.0
VOTERS = 1000  # members taking turns to vote (as many as real voting would spread over)
MARKER = "synthetic catalogue: papers={papers} seed={seed} generator={version}"

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


def manage(*args, env, capture=False):
    command = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), *args]
    # Only stdout is captured: progress and errors on stderr reach the terminal.
    return subprocess.run(
        command,
        env=env,
        check=True,
        text=True,
        stdout=subprocess.PIPE if capture else None,
        cwd=settings.BASE_DIR,
    )


class Command(BaseCommand):
    help = (
        "Benchmark the site under gunicorn (production settings) on PostgreSQL at several "
        "catalogue sizes; writes bench-results/*.json and *.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("--sizes", default="10000,100000,1000000")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--duration", type=int, default=10, help="seconds per page")
        parser.add_argument("--connections", type=int, default=2, help="concurrent clients")
        parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1))
        parser.add_argument("--port", type=int, default=8765)
        parser.add_argument("--out", default="bench-results")
        parser.add_argument(
            "--server-url",
            default=os.environ.get("BENCH_DATABASE_SERVER", "postgres://postgres@127.0.0.1:5432"),
            help="PostgreSQL server for the benchmark databases (no database name).",
        )
        parser.add_argument("--import-entries", type=int, default=20000)
        parser.add_argument("--size-run", type=int, help=""" (internal) measure one size """)

    def handle(self, *args, **options):
        if shutil.which("wrk") is None:
            raise CommandError("wrk is needed: apt-get install -y wrk")
        if options["size_run"]:
            result = SizeRun(options).run()
            self.stdout.write("SIZE_JSON " + json.dumps(result))
            return
        Orchestrator(options, self.stdout).run()


class Orchestrator:
    def __init__(self, options, stdout):
        self.options = options
        self.stdout = stdout
        try:
            self.sizes = [int(s) for s in options["sizes"].split(",") if s.strip()]
        except ValueError as exc:
            raise CommandError("--sizes is a comma-separated list of paper counts") from exc
        self.server = options["server_url"].rstrip("/")

    def say(self, message):
        self.stdout.write(message)
        self.stdout.flush()

    def env_for(self, database: str, **extra) -> dict:
        env = {
            **os.environ,
            "DATABASE_URL": f"{self.server}/{database}",
            "DJANGO_SETTINGS_MODULE": "tools.bench.settings",
            "SECRET_KEY": os.environ.get(
                "SECRET_KEY", "benchmark-only-secret-key-not-for-production"
            ),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SERVER_TIMING": "true",
            "LOG_LEVEL": "WARNING",
            # One client address sends every request: the per-address limits (the
            # API's 120/min) would answer 429s instead of pages.
            "RATE_LIMITS_ENABLED": "false",
            # The shared cache as in production: Redis, a database of its own.
            "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/1"),
        }
        env.update(extra)
        return env

    def admin_connection(self):
        import psycopg

        return psycopg.connect(f"{self.server}/postgres", autocommit=True)

    def ensure_database(self, papers: int) -> dict:
        name = f"catalogue_bench_{papers}"
        marker = MARKER.format(papers=papers, seed=self.options["seed"], version=GENERATOR_VERSION)
        with self.admin_connection() as conn:
            row = conn.execute(
                "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
                [name],
            ).fetchone()
            if row and row[0] == marker:
                self.say(f"[{papers:,}] reusing database {name}")
                manage("migrate", "--noinput", "-v0", env=self.env_for(name))
                return {"database": name, "generated_seconds": None}
            if row:
                conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        env = self.env_for(name)
        self.say(f"[{papers:,}] migrating {name}")
        manage("migrate", "--noinput", "-v0", env=env)
        self.say(f"[{papers:,}] generating {papers:,} papers")
        started = time.monotonic()
        manage(
            "generate_papers", "--papers", str(papers), "--seed", str(self.options["seed"]),
            env=env,
        )  # fmt: skip
        seconds = time.monotonic() - started
        with self.admin_connection() as conn:
            conn.execute(f"COMMENT ON DATABASE \"{name}\" IS '{marker}'")
        return {"database": name, "generated_seconds": round(seconds, 1)}

    def run(self):
        started = dt.datetime.now(dt.UTC)
        manage(
            "collectstatic", "--noinput", "-v0", env=self.env_for("postgres")
        )  # production static files (hashed names)
        results = {
            "date": started.isoformat(timespec="seconds"),
            "machine": machine_description(),
            "options": {k: self.options[k] for k in ("seed", "duration", "connections", "workers")},
            "sizes": {},
        }
        for papers in self.sizes:
            database = self.ensure_database(papers)
            self.say(f"[{papers:,}] measuring")
            child = manage(
                "benchmark", "--size-run", str(papers),
                "--duration", str(self.options["duration"]),
                "--connections", str(self.options["connections"]),
                "--workers", str(self.options["workers"]),
                "--port", str(self.options["port"]),
                env=self.env_for(database["database"]),
                capture=True,
            )  # fmt: skip
            line = next(line for line in child.stdout.splitlines() if line.startswith("SIZE_JSON "))
            size_result = json.loads(line.removeprefix("SIZE_JSON "))
            size_result["generated_seconds"] = database["generated_seconds"]
            results["sizes"][str(papers)] = size_result
            self.say(render_size_table(papers, size_result))
        results["import"] = self.measure_import()
        results["verdicts"] = verdicts(results)
        out = Path(self.options["out"])
        out.mkdir(exist_ok=True)
        stamp = started.strftime("%Y%m%d-%H%M%S")
        (out / f"bench-{stamp}.json").write_text(json.dumps(results, indent=2))
        markdown = render_markdown(results)
        (out / f"bench-{stamp}.md").write_text(markdown)
        self.say("\n" + markdown)
        self.say(f"Results: {out / f'bench-{stamp}.json'} and .md")

    def measure_import(self) -> dict:
        """import_arxiv throughput on a generated Atom file, into an empty database."""
        entries = self.options["import_entries"]
        name = "catalogue_bench_import"
        with self.admin_connection() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        env = self.env_for(name)
        manage("migrate", "--noinput", "-v0", env=env)
        if "import_arxiv" not in manage("help", "--commands", env=env, capture=True).stdout:
            return {"available": False}
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "feed.xml"
            manage("generate_arxiv_feed", "--entries", str(entries), "--output", str(path), env=env)
            started = time.monotonic()
            manage("import_arxiv", str(path), env=env, capture=True)
            seconds = time.monotonic() - started
        return {
            "available": True,
            "entries": entries,
            "seconds": round(seconds, 2),
            "entries_per_second": round(entries / seconds),
        }


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
        try:
            visitor, member = {}, {}
            visitor["floor"] = self.measure(targets["floor"])
            member["floor"] = self.measure(targets["floor"], session=sessions[0])
            for name, path in targets["pages"].items():
                visitor[name] = self.measure(path)
                member[name] = self.measure(path, session=sessions[0])
            # A member's own front page (members only: visitors are sent to log in).
            member["for_you"] = self.measure(FOR_YOU_PATH, session=sessions[0])
            # Papers whose similar papers are not cached: each request a paper not seen.
            cold = cold_paper_paths()
            half = len(cold) // 2
            visitor["paper_cold"] = self.measure(cold[0], paths=cold[:half])
            member["paper_cold"] = self.measure(cold[half], session=sessions[0], paths=cold[half:])
            vote_path = targets.get("upvote")
            if vote_path:
                member["upvote"] = self.measure(vote_path, voters=sessions)
            rss = worker_rss_mb(server.pid)
        finally:
            server.terminate()
            server.wait(timeout=30)
        for pages in (visitor, member):
            for result in pages.values():
                if result.get("p50_ms") and pages["floor"].get("p50_ms"):
                    result["x_floor"] = round(result["p50_ms"] / pages["floor"]["p50_ms"], 1)
        return {
            "papers": self.papers,
            "targets": targets,
            "visitor": visitor,
            "member": member,
            "worker_rss_mb": rss,
            "warm_facets_seconds": warm_seconds,
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

    def measure(self, path, *, session=None, voters=None, paths=None) -> dict:
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
                self.base + path, script.name, seconds=2, connections=self.options["connections"]
            )
            stats = run_wrk(
                self.base + path,
                script.name,
                seconds=self.options["duration"],
                connections=self.options["connections"],
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
    from papers.core.models import Author, Paper, Topic

    papers = Paper.objects.published()
    latest = papers.order_by("-listed_on").values_list("listed_on", flat=True).first()
    paper = papers.order_by("-upvote_count", "-id").first()
    author = Author.objects.annotate(n=Count("authorships")).order_by("-n").only("slug").first()
    topic = Topic.objects.annotate(n=Count("papers")).order_by("-n").first()
    query = "graph neural network robustness"
    three_words = "diffusion policy planning"
    facets = f"&topic={topic.slug}&category=cs.LG&has_code=true"
    pages = {
        "front": "/",
        "day": Edition.day(latest).get_absolute_url(),
        "week": Edition.week(latest).get_absolute_url(),
        "catalogue": "/papers/",
        "search": f"/papers/?q={three_words.replace(' ', '+')}",
        "search_facets": f"/papers/?q={three_words.replace(' ', '+')}{facets}",
        "paper": paper.get_absolute_url(),
        "like": f"/papers/?like={paper.arxiv_id}",
        "author": author.get_absolute_url(),
        "topic": topic.get_absolute_url(),
        "api": f"/api/v1/papers/?q={query.replace(' ', '+')}",
    }
    try:
        floor = reverse("robots_txt")
    except NoReverseMatch:
        floor = "/healthz"
    targets = {"floor": floor, "pages": pages}
    with contextlib.suppress(NoReverseMatch):
        targets["upvote"] = reverse("paper_upvote", args=[paper.arxiv_id])
    return targets


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


def machine_description() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, {platform.system()}"
    )


def verdicts(results: dict) -> list[dict]:
    """Each target judged on the member's figures (every page rendered, no page cache);
    the visitor's figure (page cache) is given beside it."""
    sizes = sorted(results["sizes"], key=int)
    largest = results["sizes"][sizes[-1]]
    out = []
    for name, limit in TARGETS_MS.items():
        member = largest["member"].get(name, {}).get("p95_ms")
        visitor = largest["visitor"].get(name, {}).get("p95_ms")
        out.append(
            {
                "target": f"{name} p95 < {limit} ms at {int(sizes[-1]):,}",
                "value": member,
                "visitor": visitor,
                "met": member is not None and member < limit,
            }
        )
    if len(sizes) > 1:
        small = results["sizes"][sizes[0]]["member"].get("search", {}).get("p95_ms")
        big = largest["member"].get("search", {}).get("p95_ms")
        growth = round(big / small, 2) if small and big else None
        out.append(
            {
                "target": f"search p95 grows <= {SEARCH_GROWTH_LIMIT}x from "
                f"{int(sizes[0]):,} to {int(sizes[-1]):,}",
                "value": growth,
                "met": growth is not None and growth <= SEARCH_GROWTH_LIMIT,
            }
        )
        changing = [
            name
            for name in largest["member"]
            if len({results["sizes"][s]["member"].get(name, {}).get("queries") for s in sizes}) > 1
        ]
        out.append(
            {
                "target": "query counts independent of N",
                "value": ", ".join(changing) or "all constant",
                "met": not changing,
            }
        )
    rss = largest.get("worker_rss_mb")
    out.append(
        {
            "target": f"app worker RSS < {RSS_TARGET_MB} MB",
            "value": rss,
            "met": rss is not None and rss < RSS_TARGET_MB,
        }
    )
    imported = results.get("import", {})
    rate = imported.get("entries_per_second")
    out.append(
        {
            "target": f"import_arxiv >= {IMPORT_TARGET_PER_S} entries/s",
            "value": rate,
            "met": rate is not None and rate >= IMPORT_TARGET_PER_S,
        }
    )
    return out


def _cells(page: dict) -> str:
    if "p50_ms" not in page:
        return f"HTTP {page.get('status', '–')} | – | – | – | – |"
    return (
        f"{page['p50_ms']} | {page['p95_ms']} | {page['p99_ms']} | {page['rps']} "
        f"| {page.get('x_floor', '–')} |"
    )


def render_size_table(papers: int, size: dict) -> str:
    generated = size.get("generated_seconds")
    lines = [
        f"\n### {papers:,} papers" + (f" (generated in {generated} s)" if generated else ""),
        "",
        "Visitor: not logged in, pages from the page cache. Member: logged in, every page "
        "rendered (no page cache). Latencies in ms.",
        "",
        "| page | visitor p50 | p95 | p99 | req/s | × floor | member p50 | p95 | p99 | req/s "
        "| × floor | queries | errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
        "| ---: |",
    ]
    for name in dict.fromkeys([*size["visitor"], *size["member"]]):
        visitor = size["visitor"].get(name, {"status": "n/a"})
        member = size["member"].get(name, {})
        errors = visitor.get("errors", 0) + member.get("errors", 0)
        lines.append(
            f"| {name} | {_cells(visitor)} {_cells(member)} {member.get('queries', '–')} "
            f"| {errors} |"
        )
    lines.append(
        f"\nLargest gunicorn worker RSS: {size.get('worker_rss_mb')} MB. "
        f"warm_facets took {size.get('warm_facets_seconds')} s."
    )
    return "\n".join(lines)


def render_markdown(results: dict) -> str:
    parts = [
        f"## Benchmark {results['date']}",
        "",
        f"Machine: {results['machine']}. gunicorn workers: {results['options']['workers']}, "
        f"wrk connections: {results['options']['connections']}, "
        f"{results['options']['duration']} s per page.",
    ]
    for papers, size in sorted(results["sizes"].items(), key=lambda item: int(item[0])):
        parts.append(render_size_table(int(papers), size))
    imported = results.get("import", {})
    if imported.get("available"):
        parts.append(
            f"\nimport_arxiv: {imported['entries']:,} entries in {imported['seconds']} s "
            f"({imported['entries_per_second']:,} entries/s)"
        )
    parts += ["", "| target | member | visitor | met |", "| --- | --- | --- | --- |"]
    for verdict in results["verdicts"]:
        parts.append(
            f"| {verdict['target']} | {verdict['value']} | {verdict.get('visitor', '')} "
            f"| {'yes' if verdict['met'] else 'NO'} |"
        )
    return "\n".join(parts) + "\n"
