"""Production: DEBUG off, hardened, hashed static files; refuses to start without SECRET_KEY.

``wsgi.py``, ``asgi.py`` and ``make serve`` use these settings. Behind a
TLS-terminating reverse proxy set BEHIND_TLS_PROXY=true: Django then trusts
X-Forwarded-Proto, redirects HTTP to HTTPS (except /healthz, for the load
balancer) and sends HSTS. docs/deploying.md has the rest.
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import SECRET_KEY, STORAGES, env

if not SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY must be set in production (or use catalogue.settings.dev on a laptop)."
    )

DEBUG = False
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

BEHIND_TLS_PROXY = env.boolean("BEHIND_TLS_PROXY")
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = env.boolean("SESSION_COOKIE_SECURE", default=True)
CSRF_COOKIE_SECURE = env.boolean("CSRF_COOKIE_SECURE", default=True)
SECURE_SSL_REDIRECT = env.boolean("SECURE_SSL_REDIRECT", default=BEHIND_TLS_PROXY)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.integer("SECURE_HSTS_SECONDS", 31536000 if BEHIND_TLS_PROXY else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.boolean(
    "SECURE_HSTS_INCLUDE_SUBDOMAINS", default=SECURE_HSTS_SECONDS > 0
)
SECURE_HSTS_PRELOAD = env.boolean("SECURE_HSTS_PRELOAD", default=False)
