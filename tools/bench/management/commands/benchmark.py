"""The benchmark: the site under gunicorn with production settings, on PostgreSQL,
at several catalogue sizes, measured by wrk from a separate process on loopback.

``manage.py benchmark`` (``make bench``) orchestrates: for each size it makes sure
a database ``catalogue_bench_<size>`` holds a synthetic catalogue of that size
(generated once, then reused), then runs this command again with
``--size-run`` against that database, which starts gunicorn, measures every
page and prints the figures as JSON. The orchestrator writes them to a JSON
file and a markdown table in ``bench-results/`` and prints the table.
"""

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tools.bench.report import (
    machine_description,
    overall_verdicts,
    pg_settings,
    render_markdown,
    render_size_table,
    size_verdicts,
)
from tools.bench.runner import SizeRun
from tools.bench.synthetic import GENERATOR_VERSION

MARKER = "synthetic catalogue: papers={papers} seed={seed} generator={version}"


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
        parser.add_argument("--import-entries", type=int, default=50000)
        parser.add_argument(
            "--skip-import", action="store_true", help="do not measure import_arxiv, load_demo"
        )
        parser.add_argument("--size-run", type=int, help=""" (internal) measure one size """)

    def handle(self, *args, **options):
        if shutil.which("wrk") is None:
            raise CommandError("wrk is needed: apt-get install -y wrk (make bench installs it)")
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
            "postgres": self.postgres_settings(),
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
            size_result["verdicts"] = size_verdicts(size_result)
            results["sizes"][str(papers)] = size_result
            self.say(render_size_table(papers, size_result))
        if not self.options["skip_import"]:
            self.say("measuring import_arxiv and load_demo")
            results["import"] = self.measure_import()
            results["load_demo"] = self.measure_load_demo()
        results["verdicts"] = overall_verdicts(results)
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
        import psycopg

        with psycopg.connect(f"{self.server}/{name}", autocommit=True) as conn:
            analyzed = conn.execute(
                "SELECT count(*) FILTER (WHERE last_analyze IS NOT NULL), count(*) "
                "FROM pg_stat_user_tables WHERE relname IN ('core_paper', 'core_authorship')"
            ).fetchone()
        return {
            "available": True,
            "entries": entries,
            "seconds": round(seconds, 2),
            "entries_per_second": round(entries / seconds),
            "analyzed": "yes" if analyzed[0] == analyzed[1] == 2 else "no",
        }

    def measure_load_demo(self) -> dict:
        """The queries ``load_demo`` makes into an empty database."""
        name = "catalogue_bench_demo"
        with self.admin_connection() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        env = self.env_for(name)
        manage("migrate", "--noinput", "-v0", env=env)
        script = (
            "from django.core.management import call_command\n"
            "from django.db import connection\n"
            "from django.test.utils import CaptureQueriesContext\n"
            "with CaptureQueriesContext(connection) as ctx:\n"
            "    call_command('load_demo', stdout=open('/dev/null', 'w'))\n"
            "print('DEMO_QUERIES', len(ctx))\n"
        )
        output = manage("shell", "-c", script, env=env, capture=True).stdout
        line = next(line for line in output.splitlines() if line.startswith("DEMO_QUERIES "))
        return {"queries": int(line.split()[1])}

    def postgres_settings(self) -> dict:
        with self.admin_connection() as conn:
            return pg_settings(conn)
