"""Settings every way of running the site shares, read from the environment (12-factor).

``dev``, ``prod`` and ``test`` (beside this file) build on it. docs/deploying.md
lists every variable.
"""

from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

from . import env

BASE_DIR = Path(__file__).resolve().parent.parent.parent

DEBUG = False
SECRET_KEY = env.string("SECRET_KEY")
ALLOWED_HOSTS = env.strings("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env.strings("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "django_filters",
    "django_tasks_db",
    # The site's apps, lowest first: each may import only those above it
    # (docs/architecture.md; tests/test_architecture.py checks it).
    "papers.core",
    "papers.web",
    "papers.search",
    "papers.ingest",
    "papers.community",
    "papers.digest",
    "papers.api",
    "papers.browse",
    "papers.demo",
]
AUTH_USER_MODEL = "community.User"

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Every answer under /api/ is JSON, errors included.
    "papers.web.middleware.ApiJsonErrorsMiddleware",
    # X-Degraded, and never cached, when part of a response is a fallback.
    "papers.web.middleware.DegradedResponseMiddleware",
    # No NUL character enters (query strings: dropped; form posts: 400).
    "papers.web.middleware.NulBytesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # 503 + Retry-After, not a server error, while the database is unreachable.
    "papers.web.middleware.DatabaseUnavailableMiddleware",
]
# Server-Timing header with the query count and database time of each request.
SERVER_TIMING = env.boolean("SERVER_TIMING")
if SERVER_TIMING:
    MIDDLEWARE.insert(0, "papers.web.middleware.ServerTimingMiddleware")

# A strict Content-Security-Policy: scripts and styles only from our own static
# files (no inline code; a nonce for the rare tag that needs one), no plugins,
# no framing, forms post only to us.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", *env.strings("CSP_IMG_SRC")],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

ROOT_URLCONF = "catalogue.urls"
WSGI_APPLICATION = "catalogue.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",
                "papers.web.context_processors.site",
                "papers.community.context_processors.notifications",
            ],
        },
    },
]

# Database: DATABASE_URL (e.g. postgres://user@host:5432/catalogue); unset means
# a SQLite file in the project folder.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env.integer("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database host that does not answer (a failover, a network fault) makes
    # requests fail within seconds (503, /healthz too) instead of hanging workers.
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env.integer(
        "DATABASE_CONNECT_TIMEOUT", 5
    )
if env.string("TEST_DATABASE_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": env.string("TEST_DATABASE_NAME")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: Redis when REDIS_URL is set, local memory otherwise. The Redis backend fails
# open (papers/web/cache.py): when Redis does not answer within CACHE_TIMEOUT_MS,
# pages are rendered and writes acknowledged without it.
REDIS_URL = env.string("REDIS_URL")
CACHE_TIMEOUT_MS = env.integer("CACHE_TIMEOUT_MS", 250)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "papers.web.cache.FailOpenRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.string("CACHE_KEY_PREFIX", "catalogue"),
            "OPTIONS": {
                "socket_connect_timeout": CACHE_TIMEOUT_MS / 1000,
                "socket_timeout": CACHE_TIMEOUT_MS / 1000,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.string("TIME_ZONE", "UTC")
USE_I18N = False
USE_TZ = True
# urlize links bare "www." addresses with https:// (the default from Django 7).
URLIZE_ASSUME_HTTPS = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Media (paper thumbnails): files under MEDIA_ROOT by default, served by Django only
# when SERVE_MEDIA is on (development); in production the proxy serves MEDIA_ROOT at
# MEDIA_URL, or an S3-compatible object store holds them (MEDIA_S3_BUCKET, below).
MEDIA_ROOT = Path(env.string("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = env.string("MEDIA_URL", "/media/")
SERVE_MEDIA = env.boolean("SERVE_MEDIA", default=False)
MEDIA_S3_BUCKET = env.string("MEDIA_S3_BUCKET")
if MEDIA_S3_BUCKET:  # django-storages (pip install -e ".[s3]"); docs/ingestion.md
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": MEDIA_S3_BUCKET,
            "endpoint_url": env.string("MEDIA_S3_ENDPOINT_URL") or None,
            "region_name": env.string("MEDIA_S3_REGION") or None,
            "access_key": env.string("MEDIA_S3_ACCESS_KEY") or None,
            "secret_key": env.string("MEDIA_S3_SECRET_KEY") or None,
            "custom_domain": env.string("MEDIA_S3_CUSTOM_DOMAIN") or None,
            "querystring_auth": False,  # thumbnails are public
            "file_overwrite": True,
        },
    }

# Email: printed to the console by default; SMTP when EMAIL_HOST is set.
EMAIL_HOST = env.string("EMAIL_HOST")
if EMAIL_HOST:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": EMAIL_HOST,
                "port": env.integer("EMAIL_PORT", 587),
                "username": env.string("EMAIL_HOST_USER"),
                "password": env.string("EMAIL_HOST_PASSWORD"),
                "use_tls": env.boolean("EMAIL_USE_TLS", default=True),
                "timeout": 10,
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
del EMAIL_HOST
DEFAULT_FROM_EMAIL = env.string("DEFAULT_FROM_EMAIL", "Paper Catalogue <papers@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

SITE_NAME = env.string("SITE_NAME", "Paper Catalogue")
# The site's public address, for links in emails sent outside a request (the digest).
SITE_URL = env.string("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# HSTS preload is an irreversible commitment of the whole domain: the operator
# opts in with SECURE_HSTS_PRELOAD=true; check --deploy need not nag about it.
SILENCED_SYSTEM_CHECKS = ["security.W021"]

# Logs go to stdout: JSON lines (LOG_FORMAT=json, production's default) or
# readable text (LOG_FORMAT=text, development's default).
LOG_FORMAT = env.string("LOG_FORMAT", "json")
LOG_LEVEL = env.string("LOG_LEVEL", "INFO")


def logging_config(log_format: str, level: str) -> dict:
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "json": {"()": "catalogue.logs.JsonFormatter"},
            "text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stdout",
                "formatter": "json" if log_format == "json" else "text",
            }
        },
        "root": {"handlers": ["console"], "level": level},
        # httpx logs every request at INFO: the fetchers log what matters themselves.
        "loggers": {"django.db.backends": {"level": "WARNING"}, "httpx": {"level": "WARNING"}},
    }


LOGGING = logging_config(LOG_FORMAT, LOG_LEVEL)

# Site behaviour.
PAPERS_PER_PAGE = 30
# Pages for visitors who are not logged in are cached this many seconds
# (papers/web/pagecache.py; any change to the catalogue invalidates them at once).
PAGE_CACHE_SECONDS = env.integer("PAGE_CACHE_SECONDS", 300)
# Rendered paper-card bodies are kept this long for every reader (papers/web/cards.py;
# an edit invalidates them at once, a vote does not touch them).
CARD_CACHE_SECONDS = env.integer("CARD_CACHE_SECONDS", 86400)
SUBMISSIONS_PER_DAY = env.integer("SUBMISSIONS_PER_DAY", 5)
TRENDING_HALF_LIFE_HOURS = env.number("TRENDING_HALF_LIFE_HOURS", 24)
DIGEST_MAX_PAPERS = env.integer("DIGEST_MAX_PAPERS", 10)
DIGEST_CONFIRM_MAX_AGE = 3 * 24 * 3600  # seconds a confirmation link stays valid

# Rate limits (papers/web/ratelimit.py), counted in the cache: per client address
# ("ip"), per logged-in member ("user") and per account name typed into a form
# ("account": the username or email). Rates are "count/period": 10/15m, 100/d.
RATE_LIMITS_ENABLED = env.boolean("RATE_LIMITS_ENABLED", default=True)
RATE_LIMITS = {
    "login": {"ip": "30/15m", "account": "10/15m"},
    "signup": {"ip": "10/h", "account": "5/h"},
    "password_reset": {"ip": "10/h", "account": "3/h"},
    "password_change": {"user": "10/h"},
    "vote": {"user": ["60/m", "1000/d"]},
    "submit": {"user": "30/h"},
    # Email digest: per address typed ("account"), so nobody can be mail-bombed.
    "subscribe": {"ip": "20/h", "account": "3/h"},
    "unsubscribe": {"ip": "100/h"},
    "api": {"ip": ["120/m", "10000/d"]},
    # Searches on the HTML catalogue (words or ?like=): plenty for a person reading,
    # not for a scraper; BibTeX exports of a list (up to 500 entries each) more firmly.
    "search": {"ip": ["60/m", "1000/h", "5000/d"]},
    "export": {"ip": ["10/m", "100/h"]},
    # Community: posting and editing comments, previews, reports, collections and
    # follows, author claims, profile edits.
    "comment": {"user": ["5/m", "60/d"]},
    "comment_preview": {"user": "30/m"},
    "report": {"user": "20/h"},
    "collect": {"user": ["60/m", "2000/d"]},
    "claim": {"user": "5/d"},
    "profile": {"user": "30/h"},
}
# Reverse proxies in front of the app that append the client to X-Forwarded-For.
TRUSTED_PROXY_COUNT = env.integer("TRUSTED_PROXY_COUNT", 0)

# Importers read at most this much from one input once decompressed (a gzip file that
# expands beyond it fails cleanly); the admin's upload page has its own, lower limit.
IMPORT_MAX_BYTES = env.integer("IMPORT_MAX_BYTES", 4 << 30)

# Search: facet counts are exact up to SEARCH_FACET_EXACT_LIMIT matching papers; above
# it they are estimates from a sample of about SEARCH_FACET_SAMPLE_SIZE matches, shown
# as "≈ 12,400" (papers/search/matches.py). Each facet query gives up after
# SEARCH_FACET_TIME_LIMIT_MS (its counts then come from the sample, and are not cached);
# facet counts are cached this many seconds; ranking by relevance gives up after this
# long (the page falls back to most upvoted first); results can be paged this deep.
SEARCH_FACET_EXACT_LIMIT = env.integer("SEARCH_FACET_EXACT_LIMIT", 10_000)
SEARCH_FACET_SAMPLE_SIZE = env.integer("SEARCH_FACET_SAMPLE_SIZE", 3_000)
SEARCH_FACET_TIME_LIMIT_MS = env.integer("SEARCH_FACET_TIME_LIMIT_MS", 200)
SEARCH_FACET_CACHE_SECONDS = env.integer("SEARCH_FACET_CACHE_SECONDS", 60)
# Counts precomputed by `manage.py warm_facets` (cron) are kept this long.
SEARCH_FACET_WARM_SECONDS = env.integer("SEARCH_FACET_WARM_SECONDS", 86400)
SEARCH_RANK_TIME_LIMIT_MS = env.integer("SEARCH_RANK_TIME_LIMIT_MS", 300)
SEARCH_MAX_RESULTS_WINDOW = env.integer("SEARCH_MAX_RESULTS_WINDOW", 9000)
# "More like this" (papers/search/similar.py): a paper's similar papers are cached this
# many seconds (and worked out afresh at once when its text changes); working them out
# gives up after this long (the page then shows none).
SIMILAR_CACHE_SECONDS = env.integer("SIMILAR_CACHE_SECONDS", 3600)
SIMILAR_TIME_LIMIT_MS = env.integer("SIMILAR_TIME_LIMIT_MS", 250)

# Background work (django.tasks) on a queue in the database: `make worker` runs
# `manage.py db_worker`; several workers on several machines share the queue.
TASKS = {
    "default": {
        "BACKEND": env.string("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# Ingestion (papers/ingest/, docs/ingestion.md): where the fetchers go and how politely.
ARXIV_API_URL = env.string("ARXIV_API_URL", "https://export.arxiv.org/api/query")
ARXIV_PDF_URL = env.string("ARXIV_PDF_URL", "https://arxiv.org/pdf")
HF_API_URL = env.string("HF_API_URL", "https://huggingface.co/api")
GITHUB_API_URL = env.string("GITHUB_API_URL", "https://api.github.com")
GITHUB_TOKEN = env.string("GITHUB_TOKEN")
# Who to contact about our requests: sent in the User-Agent (arXiv asks for it).
INGEST_CONTACT = env.string("INGEST_CONTACT", DEFAULT_FROM_EMAIL)
# arXiv asks for at most one request every 3 seconds (shared by every worker).
ARXIV_REQUEST_INTERVAL = env.number("ARXIV_REQUEST_INTERVAL", 3.0)
ARXIV_CATEGORIES = env.strings("ARXIV_CATEGORIES", "cs.LG,cs.CL,cs.CV,cs.AI,cs.RO,stat.ML")
ARXIV_DAYS = env.integer("ARXIV_DAYS", 2)
HTTP_CONNECT_TIMEOUT = env.number("HTTP_CONNECT_TIMEOUT", 10)
HTTP_READ_TIMEOUT = env.number("HTTP_READ_TIMEOUT", 30)
HTTP_TOTAL_TIMEOUT = env.number("HTTP_TOTAL_TIMEOUT", 120)  # one whole response
HTTP_RETRIES = env.integer("HTTP_RETRIES", 4)
HTTP_BACKOFF_SECONDS = env.number("HTTP_BACKOFF_SECONDS", 2.0)
HTTP_MAX_RETRY_WAIT = env.number("HTTP_MAX_RETRY_WAIT", 120)  # longer Retry-After: later
HTTP_MAX_RESPONSE_BYTES = env.integer("HTTP_MAX_RESPONSE_BYTES", 20 * 1024 * 1024)
# Repositories are refreshed from GitHub once they are this old.
REPOSITORY_REFRESH_HOURS = env.integer("REPOSITORY_REFRESH_HOURS", 24)
THUMBNAIL_WIDTH = env.integer("THUMBNAIL_WIDTH", 240)
THUMBNAIL_MAX_PDF_BYTES = env.integer("THUMBNAIL_MAX_PDF_BYTES", 40 * 1024 * 1024)
THUMBNAILS_PER_RUN = env.integer("THUMBNAILS_PER_RUN", 100)

# Community (papers/community/, README "Community"). Comments: at most this many
# characters of markdown; editable this many minutes after posting; a new account's
# first COMMENT_REVIEW_FIRST comments (0: none) wait for staff approval while the
# account is younger than COMMENT_REVIEW_ACCOUNT_DAYS days; threads per page.
COMMENT_MAX_LENGTH = env.integer("COMMENT_MAX_LENGTH", 5000)
COMMENT_EDIT_MINUTES = env.integer("COMMENT_EDIT_MINUTES", 15)
COMMENT_REVIEW_FIRST = env.integer("COMMENT_REVIEW_FIRST", 1)
COMMENT_REVIEW_ACCOUNT_DAYS = env.integer("COMMENT_REVIEW_ACCOUNT_DAYS", 7)
COMMENT_THREADS_PER_PAGE = env.integer("COMMENT_THREADS_PER_PAGE", 50)
# Notification emails (members who chose them): one email gathers what happened,
# and a member gets at most one every NOTIFICATION_EMAIL_MINUTES.
NOTIFICATION_EMAIL_MINUTES = env.integer("NOTIFICATION_EMAIL_MINUTES", 60)
# "For you": new papers from what a member follows, listed in the last FOR_YOU_DAYS days.
FOR_YOU_DAYS = env.integer("FOR_YOU_DAYS", 14)
