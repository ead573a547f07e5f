import pytest

from papers.ingest.fetchers import http

from .upstream import Upstream


@pytest.fixture(scope="session")
def _upstream_server():
    server = Upstream()
    yield server
    server.close()


@pytest.fixture
def upstream(_upstream_server, settings):
    """The fake upstream (tests/ingest/upstream.py), with the three API URLs and arXiv's
    PDF URL pointing at it, and no routes yet."""
    _upstream_server.reset()
    url = _upstream_server.url
    settings.ARXIV_API_URL = f"{url}/api/query"
    settings.ARXIV_PDF_URL = f"{url}/pdf"
    settings.HF_API_URL = f"{url}/api"
    settings.GITHUB_API_URL = url
    return _upstream_server


@pytest.fixture
def waits(monkeypatch):
    """The waits the fetchers ask for (back-off, Retry-After, politeness), recorded
    instead of slept."""
    recorded = []
    monkeypatch.setattr(http, "pause", recorded.append)
    return recorded
