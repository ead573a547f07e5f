"""Settings for the paper catalogue, read from the environment (12-factor).

Nothing set means a local development site on SQLite; see README.md for every
variable. Production (``DEBUG`` off) refuses to start without ``SECRET_KEY``.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (set DEBUG=true for local development)."
        )
    SECRET_KEY = "django-insecure-local-development-only"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

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
    "papers",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # 503 + Retry-After, not a server error, while the database is unreachable.
    "papers.middleware.DatabaseUnavailableMiddleware",
]

# A strict Content-Security-Policy: scripts and styles only from our own static
# files (no inline code; a nonce for the rare tag that needs one), no plugins,
# no framing, forms post only to us.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Server-Timing header with the query count and database time of each request.
if env_bool("SERVER_TIMING"):
    MIDDLEWARE.insert(0, "papers.middleware.ServerTimingMiddleware")

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
                "papers.context_processors.site",
            ],
        },
    },
]

# Database: DATABASE_URL (e.g. postgres://user@host:5432/catalogue); unset means
# a SQLite file in the project folder.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database host that does not answer (a failover, a network fault) makes
    # requests fail within seconds (503, /healthz too) instead of hanging workers.
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = int(
        os.environ.get("DATABASE_CONNECT_TIMEOUT", "5")
    )
if os.environ.get("TEST_DATABASE_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": os.environ["TEST_DATABASE_NAME"]}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: Redis when REDIS_URL is set, local memory otherwise.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "catalogue"),
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
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Email: printed to the console by default; SMTP when EMAIL_HOST is set.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": EMAIL_HOST,
                "port": int(os.environ.get("EMAIL_PORT", "587")),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", default=True),
                "timeout": 10,
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
del EMAIL_HOST
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Paper Catalogue <papers@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

SITE_NAME = os.environ.get("SITE_NAME", "Paper Catalogue")
# The site's public address, for links in emails sent outside a request (the digest).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Production hardening (DEBUG off). Behind a TLS-terminating reverse proxy set
# BEHIND_TLS_PROXY=true: Django then trusts X-Forwarded-Proto, redirects HTTP
# to HTTPS (except /healthz, for the load balancer) and sends HSTS.
BEHIND_TLS_PROXY = env_bool("BEHIND_TLS_PROXY")
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=True)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=BEHIND_TLS_PROXY)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = int(
        os.environ.get("SECURE_HSTS_SECONDS", "31536000" if BEHIND_TLS_PROXY else "0")
    )
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool(
        "SECURE_HSTS_INCLUDE_SUBDOMAINS", default=SECURE_HSTS_SECONDS > 0
    )
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# HSTS preload is an irreversible commitment of the whole domain: the operator
# opts in with SECURE_HSTS_PRELOAD=true; check --deploy need not nag about it.
SILENCED_SYSTEM_CHECKS = ["security.W021"]

# Logs go to stdout: JSON lines in production (LOG_FORMAT=json), readable text
# with DEBUG (LOG_FORMAT=text).
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text" if DEBUG else "json")
LOGGING = {
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
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
    },
}

# Site behaviour.
PAPERS_PER_PAGE = 30
# Pages for visitors who are not logged in are cached this many seconds
# (papers/pagecache.py; any change to the catalogue invalidates them at once).
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "300"))
# Rendered paper-card bodies are kept this long for every reader (papers/cards.py;
# an edit invalidates them at once, a vote does not touch them).
CARD_CACHE_SECONDS = int(os.environ.get("CARD_CACHE_SECONDS", "86400"))
SUBMISSIONS_PER_DAY = int(os.environ.get("SUBMISSIONS_PER_DAY", "5"))
TRENDING_HALF_LIFE_HOURS = float(os.environ.get("TRENDING_HALF_LIFE_HOURS", "24"))
DIGEST_MAX_PAPERS = int(os.environ.get("DIGEST_MAX_PAPERS", "10"))
DIGEST_CONFIRM_MAX_AGE = 3 * 24 * 3600  # seconds a confirmation link stays valid

# Rate limits (papers/ratelimit.py), counted in the cache: per client address
# ("ip"), per logged-in member ("user") and per account name typed into a form
# ("account": the username or email). Rates are "count/period": 10/15m, 100/d.
RATE_LIMITS_ENABLED = env_bool("RATE_LIMITS_ENABLED", default=True)
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
}
# Reverse proxies in front of the app that append the client to X-Forwarded-For.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

# Search: each facet query gives up after this long (its counts show as unavailable);
# facet counts are cached this many seconds; ranking by relevance gives up after this
# long (the page falls back to most upvoted first); results can be paged this deep.
SEARCH_FACET_TIME_LIMIT_MS = int(os.environ.get("SEARCH_FACET_TIME_LIMIT_MS", "200"))
SEARCH_FACET_CACHE_SECONDS = int(os.environ.get("SEARCH_FACET_CACHE_SECONDS", "60"))
# Counts precomputed by `manage.py warm_facets` (cron) are kept this long.
SEARCH_FACET_WARM_SECONDS = int(os.environ.get("SEARCH_FACET_WARM_SECONDS", "86400"))
SEARCH_RANK_TIME_LIMIT_MS = int(os.environ.get("SEARCH_RANK_TIME_LIMIT_MS", "300"))
SEARCH_MAX_RESULTS_WINDOW = int(os.environ.get("SEARCH_MAX_RESULTS_WINDOW", "9000"))
# "More like this" (papers/similar.py): a paper's similar papers are cached this many
# seconds (and worked out afresh at once when its text changes); working them out
# gives up after this long (the page then shows none).
SIMILAR_CACHE_SECONDS = int(os.environ.get("SIMILAR_CACHE_SECONDS", "3600"))
SIMILAR_TIME_LIMIT_MS = int(os.environ.get("SIMILAR_TIME_LIMIT_MS", "250"))
