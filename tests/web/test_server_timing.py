import pytest
from django.test import override_settings

from tests.factories import make_paper

pytestmark = pytest.mark.django_db

WITH_TIMING = ["papers.web.middleware.ServerTimingMiddleware"]


def test_header_reports_the_query_count(client, settings, django_assert_num_queries):
    make_paper(title="Timed")
    with override_settings(MIDDLEWARE=WITH_TIMING + settings.MIDDLEWARE):
        with django_assert_num_queries(1):
            response = client.get("/healthz")
        assert response["X-DB-Queries"] == "1"
        assert 'desc="1 queries"' in response["Server-Timing"]
        response = client.get("/")
        assert int(response["X-DB-Queries"]) >= 3


def test_off_by_default(client):
    assert "Server-Timing" not in client.get("/healthz")
