"""A laptop: DEBUG on, SQLite unless DATABASE_URL is set, mail printed to the console.

``manage.py`` uses these settings unless DJANGO_SETTINGS_MODULE says otherwise.
"""

from .base import *  # noqa: F403
from .base import LOG_LEVEL, env, logging_config

DEBUG = True
SECRET_KEY = env.string("SECRET_KEY") or "django-insecure-local-development-only"
ALLOWED_HOSTS = env.strings("ALLOWED_HOSTS", "127.0.0.1,localhost")
SERVE_MEDIA = env.boolean("SERVE_MEDIA", default=True)
LOGGING = logging_config(env.string("LOG_FORMAT", "text"), LOG_LEVEL)
