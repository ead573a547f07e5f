"""gunicorn settings for `make serve`: `gunicorn -c python:catalogue.gunicorn catalogue.wsgi`.

Environment: BIND (default 127.0.0.1:8000), WEB_CONCURRENCY (workers; default
2 x CPUs + 1), GUNICORN_THREADS (threads per worker; 4), GUNICORN_TIMEOUT (30 s),
FORWARDED_ALLOW_IPS (127.0.0.1: the reverse proxy whose X-Forwarded-* headers are
trusted).

Threaded workers (gthread): a client that sends its request slowly holds one
thread, not a whole worker. That is not a defence on its own: in production the
reverse proxy in front must buffer whole requests before passing them on (nginx
does by default), so slow clients never reach gunicorn (docs/deploying.md).
"""

import multiprocessing
import os

from gunicorn.glogging import Logger

bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", 2 * multiprocessing.cpu_count() + 1))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so that memory stays flat over weeks.
max_requests = 5000
max_requests_jitter = 500
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
# gunicorn's own messages and the access log as JSON lines on stdout, like the
# application's logs (catalogue.logs.JsonFormatter).
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "catalogue.logs.JsonFormatter"}},
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "stream": "ext://sys.stdout",
        }
    },
    "root": {"handlers": ["stdout"], "level": "INFO"},
    "loggers": {
        "gunicorn.error": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
        "gunicorn.access": {"handlers": ["stdout"], "level": "INFO", "propagate": False},
    },
}


class JsonLogger(Logger):
    """Access log entries with their fields as structured data."""

    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        entry = {
            # The peer gunicorn saw (the proxy); what the client claims is kept apart.
            "remote": environ.get("REMOTE_ADDR", ""),
            "forwarded_for": environ.get("HTTP_X_FORWARDED_FOR", ""),
            "method": environ.get("REQUEST_METHOD"),
            "path": environ.get("PATH_INFO"),
            "query": environ.get("QUERY_STRING"),
            "status": int(str(resp.status).split()[0]),
            "bytes": getattr(resp, "sent", None),
            "duration_ms": round(request_time.total_seconds() * 1000, 2),
            "agent": environ.get("HTTP_USER_AGENT", ""),
        }
        self.access_log.info(
            "%s %s %s", entry["method"], entry["path"], entry["status"], extra=entry
        )


logger_class = JsonLogger
