"""Daily, weekly and monthly editions: one header (tabs, previous and next, a date
picker that works without JavaScript, the sort), and weeks and months grouped by day."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import make_paper

pytestmark = pytest.mark.django_db
MONDAY = dt.date(2026, 11, 23)


@pytest.fixture
def week():
    """Seven papers on Monday, two on Wednesday, one the Monday before."""
    papers = [
        make_paper(title=f"Monday paper {n}", listed_on=MONDAY, upvote_count=n) for n in range(7)
    ]
    papers += [
        make_paper(title=f"Wednesday paper {n}", listed_on=MONDAY + dt.timedelta(days=2))
        for n in range(2)
    ]
    papers.append(make_paper(title="Last week's paper", listed_on=MONDAY - dt.timedelta(days=7)))
    return papers


def tabs(html):
    nav = re.search(r'<nav class="tabs edition-tabs".*?</nav>', html, re.S).group(0)
    return re.findall(r'<a href="([^"]+)"( aria-current="page")?>(\w+)</a>', nav)


def test_one_header_with_tabs_picker_and_sort_on_every_kind(client, week):
    for path, current in [
        ("/papers/date/2026-11-25/", "Daily"),
        ("/papers/week/2026-W48/", "Weekly"),
        ("/papers/month/2026-11/", "Monthly"),
    ]:
        html = client.get(path).content.decode()
        found = tabs(html)
        assert [label for _, _, label in found] == ["Daily", "Weekly", "Monthly"]
        assert [label for _, mark, label in found if mark] == [current]
        assert 'action="/papers/go/"' in html and 'name="date"' in html
        assert 'aria-label="Sort"' in html
    day_tabs = tabs(client.get("/papers/date/2026-11-25/").content.decode())
    assert [url for url, _, _ in day_tabs] == [
        "/papers/date/2026-11-25/",
        "/papers/week/2026-W48/",
        "/papers/month/2026-11/",
    ]
    # From a week, "Daily" opens its latest day with papers.
    week_tabs = tabs(client.get("/papers/week/2026-W48/").content.decode())
    assert week_tabs[0][0] == "/papers/date/2026-11-25/"


def test_the_picker_opens_the_edition_of_what_the_browser_sends(client, week):
    assert client.get("/papers/go/", {"kind": "day", "date": "2026-11-25"})["Location"] == (
        "/papers/date/2026-11-25/"
    )
    assert client.get("/papers/go/", {"kind": "week", "date": "2026-W48"})["Location"] == (
        "/papers/week/2026-W48/"
    )
    # A browser without a week picker sends what was typed: a date is fine too.
    assert client.get("/papers/go/", {"kind": "week", "date": "2026-11-25"})["Location"] == (
        "/papers/week/2026-W48/"
    )
    assert client.get("/papers/go/", {"kind": "month", "date": "2026-11", "sort": "trending"})[
        "Location"
    ] == ("/papers/month/2026-11/?sort=trending")
    for bad in ["", "yesterday", "2026-13", "2026-W60"]:
        response = client.get("/papers/go/", {"kind": "week", "date": bad})
        assert response.status_code == 400
        assert "week such as 2026-W49" in response.content.decode()


def test_the_sort_travels_with_the_tabs_and_the_neighbours(client, week):
    html = client.get("/papers/week/2026-W48/?sort=trending").content.decode()
    assert all(url.endswith("?sort=trending") for url, _, _ in tabs(html))
    assert 'href="/papers/week/2026-W47/?sort=trending"' in html


def test_a_week_is_grouped_by_day_with_each_days_best(client, week):
    response = client.get("/papers/week/2026-W48/")
    html = response.content.decode()
    days = response.context["days"]
    assert [(day.date, day.count) for day in days] == [
        (MONDAY + dt.timedelta(days=2), 2),
        (MONDAY, 7),
    ]
    assert [p.title for p in days[1].papers] == [f"Monday paper {n}" for n in (6, 5, 4, 3, 2)]
    assert html.index("Wednesday, 25 November") < html.index("Monday, 23 November")
    assert "All 7 papers of Monday" in html and "All 2 papers" not in html
    assert "Last week&#x27;s paper" not in html and "Last week's paper" not in html


def test_a_month_is_one_line_per_paper_three_per_day(client, week):
    response = client.get("/papers/month/2026-11/")
    days = response.context["days"]
    assert [len(day.papers) for day in days] == [2, 3, 1]
    html = response.content.decode()
    assert html.count('<ol class="paper-rows">') == 3
    assert "All 7 papers of Monday" in html


def test_grouped_pages_run_a_constant_number_of_queries(client, week):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/papers/month/2026-11/").status_code == 200
        return len(queries)

    before = count()
    for n in range(10):
        make_paper(listed_on=MONDAY + dt.timedelta(days=n % 5), upvote_count=n)
    assert count() == before
