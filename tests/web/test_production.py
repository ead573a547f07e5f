"""Production mode: the settings refuse to start unsafely and pass check --deploy."""

import json
import logging
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from catalogue.logs import JsonFormatter

PROJECT = Path(settings.BASE_DIR)


def manage(*args, **env):
    # A clean production environment: nothing from the test run (the browser tests
    # set DJANGO_ALLOW_ASYNC_UNSAFE, which check --deploy rightly rejects).
    leave_out = {"DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    base = {k: v for k, v in os.environ.items() if k not in leave_out}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT,
        env={**base, "DJANGO_SETTINGS_MODULE": "catalogue.settings.prod", **env},
        capture_output=True,
        text=True,
    )


PRODUCTION = {
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "papers.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://papers.example.org",
    "BEHIND_TLS_PROXY": "true",
    "EMAIL_HOST": "smtp.example.org",
}


def test_check_deploy_is_clean_under_production_settings():
    result = manage("check", "--deploy", "--fail-level", "DEBUG", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_secret_key():
    env = {**PRODUCTION, "SECRET_KEY": ""}
    result = manage("check", **env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set in production" in result.stderr


def test_production_settings_are_hardened():
    code = (
        "from django.conf import settings as s; import json; print(json.dumps(["
        "s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS, s.SECURE_PROXY_SSL_HEADER, "
        "s.STORAGES['staticfiles']['BACKEND'], s.DATABASES['default']['CONN_HEALTH_CHECKS']]))"
    )
    result = manage("shell", "-c", code, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == [
        False,
        True,
        True,
        True,
        31536000,
        ["HTTP_X_FORWARDED_PROTO", "https"],
        "whitenoise.storage.CompressedManifestStaticFilesStorage",
        True,
    ]


@pytest.mark.django_db
def test_https_redirect_spares_the_health_check(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    assert client.get("/healthz").status_code == 200
    response = client.get("/papers/")
    assert response.status_code == 301
    assert response["Location"].startswith("https://")
    assert client.get("/papers/", secure=True).status_code == 200


def test_postgresql_connections_give_up_within_seconds():
    code = "from django.conf import settings as s; print(s.DATABASES['default']['OPTIONS'])"
    env = {**PRODUCTION, "DATABASE_URL": "postgres://u@db.example.org:5432/catalogue"}
    assert manage("shell", "-c", code, **env).stdout.splitlines()[-1] == "{'connect_timeout': 5}"
    env["DATABASE_CONNECT_TIMEOUT"] = "2"
    assert manage("shell", "-c", code, **env).stdout.splitlines()[-1] == "{'connect_timeout': 2}"


def test_json_log_lines():
    record = logging.makeLogRecord(
        {"name": "django.request", "levelname": "WARNING", "msg": "Not Found: %s",
         "args": ("/x",), "status_code": 404}
    )  # fmt: skip
    entry = json.loads(JsonFormatter().format(record))
    assert entry["level"] == "WARNING"
    assert entry["message"] == "Not Found: /x"
    assert entry["status_code"] == 404
    assert entry["time"].endswith("+00:00")


def test_gunicorn_config_uses_the_cpu_count_and_json_access_log():
    result = subprocess.run(
        [sys.executable, "-c",
         "import catalogue.gunicorn as g, multiprocessing as m; "
         "print(g.workers == 2 * m.cpu_count() + 1, g.logger_class.__name__)"],
        cwd=PROJECT, capture_output=True, text=True,
        env={k: v for k, v in os.environ.items() if k != "WEB_CONCURRENCY"},
    )  # fmt: skip
    assert result.stdout.split() == ["True", "JsonLogger"], result.stderr
