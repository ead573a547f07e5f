"""Real-browser tests: Playwright (pytest-playwright) driving Debian's Chromium
against pytest-django's ``live_server``.

Reusable fixtures for every browser test:

- ``page``: a fresh page (pytest-playwright) whose relative URLs go to the live server;
- ``live_url``: the live server's base URL (``http://localhost:PORT``);
- ``member``: a member (username ``ada``, password ``MEMBER_PASSWORD``);
- ``member_page``: a page already logged in as ``member`` (session cookie, no form);
- ``nojs_page``: a page with JavaScript disabled;
- ``log_in(page, username, password)``: logs in through the real form.

Without ``/usr/bin/chromium`` (or the browser named by ``$CHROMIUM``) every test
here is skipped, and the reason is printed in the summary.
"""

import os
from pathlib import Path

import pytest

pytest.importorskip("playwright", reason="browser tests need playwright (pip install -e '.[dev]')")

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
]
MEMBER_PASSWORD = "correct horse battery staple"
HERE = Path(__file__).parent

# Playwright's sync API keeps an event loop in this thread; Django's ORM (test
# data, the live server's database) refuses to run next to one unless allowed.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(reason=f"browser tests skipped: {CHROMIUM} not found")
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def live_url(live_server):
    return live_server.url


@pytest.fixture(scope="session")
def base_url(live_url):
    """pytest-playwright opens relative URLs (``page.goto("/")``) on the live server."""
    return live_url


@pytest.fixture(autouse=True)
def _browser_db(transactional_db):
    """The live server runs in another thread: it sees only committed data."""


@pytest.fixture
def member():
    from tests.factories import make_user

    return make_user("ada", password=MEMBER_PASSWORD)


@pytest.fixture
def member_page(page, member, live_url):
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(member)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": live_url}]
    )
    return page


@pytest.fixture
def nojs_page(new_context):
    return new_context(java_script_enabled=False).new_page()


def log_in(page, username, password=MEMBER_PASSWORD):
    """Fill in and send the login form on the current page."""
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.locator("main").get_by_role("button", name="Log in").click()


@pytest.fixture(name="log_in")
def log_in_fixture():
    return log_in
