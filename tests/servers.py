"""Real servers for the heavy tests: gunicorn serving the site, a private PostgreSQL
cluster, and a small HTTP client for members.

Everything listens on 127.0.0.1 on a free port and is stopped (by its own
process id) when the test ends.
"""

import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager, suppress
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings

PROJECT = Path(settings.BASE_DIR)
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
SECRET_KEY = os.environ.get("SECRET_KEY", "tests-only-not-secret")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, timeout: float, what: str, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def database_url(settings_dict: dict) -> str:
    user = settings_dict.get("USER") or "postgres"
    password = f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else ""
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{settings_dict['NAME']}"


def server_env(**extra) -> dict:
    base = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return {
        **base,
        "DJANGO_SETTINGS_MODULE": "tests.server_settings",
        "SECRET_KEY": SECRET_KEY,
        "DEBUG": "false",
        "PYTHONUNBUFFERED": "1",
        **extra,
    }


@contextmanager
def gunicorn(*, workers: int, database_url: str, log: Path, **env):
    """gunicorn with the project's configuration (catalogue/gunicorn.py) on a free port."""
    port = free_port()
    environment = server_env(
        DATABASE_URL=database_url,
        BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY=str(workers),
        **env,
    )
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "python:catalogue.gunicorn", "catalogue.wsgi"],
            cwd=PROJECT,
            env=environment,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            base = f"127.0.0.1:{port}"
            wait_for(lambda: _answers(base), 30, f"gunicorn on {base} (log: {log})")
            yield base
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def _answers(base: str) -> bool:
    try:
        return Member(base).get("/robots.txt").status == 200
    except OSError:
        return False


class Response:
    def __init__(self, status: int, headers: dict, body: bytes):
        self.status = status
        self.headers = headers
        self.body = body

    def json(self):
        return json.loads(self.body)


class Member:
    """An HTTP client with cookies: a visitor, or a member once ``session`` is set."""

    def __init__(self, base: str, session: str | None = None, timeout: float = 10):
        self.base = base
        self.timeout = timeout
        self.cookies = {}
        if session:
            self.cookies[settings.SESSION_COOKIE_NAME] = session
        self._connection = None

    def request(self, method: str, path: str, data: dict | None = None, headers=None):
        body = urlencode(data).encode() if data is not None else None
        sent = {"Host": self.base, **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            if self._connection is None:
                host, port = self.base.split(":")
                self._connection = http.client.HTTPConnection(host, int(port), timeout=self.timeout)
            self._connection.request(method, path, body=body, headers=sent)
            raw = self._connection.getresponse()
            payload = raw.read()
        except (OSError, http.client.HTTPException):
            self.close()
            raise
        for header in raw.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        if raw.headers.get("Connection", "").lower() == "close":
            self.close()
        return Response(raw.status, dict(raw.headers), payload)

    def get(self, path: str, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path: str, data: dict, **kwargs):
        """POST a form with the CSRF token, fetching one first if there is none yet."""
        if "csrftoken" not in self.cookies:
            page = self.get(
                "/submit/" if settings.SESSION_COOKIE_NAME in self.cookies else "/subscribe/"
            )
            match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
            assert match, f"no CSRF token on the page ({page.status})"
        headers = {"X-CSRFToken": self.cookies["csrftoken"], **kwargs.pop("headers", {})}
        return self.request("POST", path, data, headers=headers, **kwargs)

    def close(self):
        if self._connection is not None:
            self._connection.close()
            self._connection = None


class PrivateCluster:
    """A throw-away PostgreSQL cluster (initdb as the postgres user, trust auth)."""

    def __init__(self):
        self.directory = Path(tempfile.mkdtemp(prefix="catalogue-pg-"))
        self.data = self.directory / "data"
        self.port = free_port()
        self.log = self.directory / "postgres.log"

    @staticmethod
    def available() -> str | None:
        """Why a private cluster cannot be made here, or None."""
        if not (PG_BIN / "initdb").exists():
            return f"{PG_BIN / 'initdb'} not found (set PG_BIN to PostgreSQL's bin folder)"
        if os.geteuid() == 0 and not shutil.which("runuser"):
            return "initdb refuses to run as root and runuser is missing"
        return None

    def _run(self, *command):
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        return subprocess.run(
            [*prefix, *map(str, command)], check=True, capture_output=True, text=True
        )

    def init(self):
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres")
        self._run(PG_BIN / "initdb", "-D", self.data, "-A", "trust", "-U", "postgres")
        return self

    def start(self):
        options = f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.directory}"
        self._run(PG_BIN / "pg_ctl", "-D", self.data, "-l", self.log, "-o", options, "-w", "start")

    def stop(self, mode="fast"):
        self._run(PG_BIN / "pg_ctl", "-D", self.data, "-m", mode, "-w", "stop")

    def url(self, name="postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def create_database(self, name):
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')

    def destroy(self):
        with suppress(subprocess.CalledProcessError):  # already stopped
            self.stop("immediate")
        shutil.rmtree(self.directory, ignore_errors=True)


def manage(*args, database_url: str, **env):
    """Run a management command against another database (the private cluster)."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT,
        env=server_env(DATABASE_URL=database_url, **env),
        capture_output=True,
        text=True,
        check=True,
    )
