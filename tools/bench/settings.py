"""Production settings plus the benchmark's commands (``generate_papers``,
``generate_arxiv_feed``, ``benchmark``); the benchmark's own environment
(papers/..., tools/bench/management/commands/benchmark.py) sets the rest."""

import os

# The benchmark's own processes (the orchestrator, generate_papers) need a key to
# start; the servers it measures get one from the benchmark's environment.
os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-not-for-production")

from catalogue.settings.prod import *  # noqa: F403
from catalogue.settings.prod import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "tools.bench"]
