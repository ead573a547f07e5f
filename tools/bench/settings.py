"""Production settings plus the benchmark's commands (``generate_papers``,
``generate_arxiv_feed``, ``benchmark``); the benchmark's own environment
(papers/..., tools/bench/management/commands/benchmark.py) sets the rest."""

from catalogue.settings.prod import *  # noqa: F403
from catalogue.settings.prod import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "tools.bench"]
