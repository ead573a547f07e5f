"""Real-browser tests: Playwright (pytest-playwright) driving Debian's Chromium
against pytest-django's ``live_server``.

Reusable fixtures for every browser test:

- ``page``: a fresh page (pytest-playwright) whose relative URLs go to the live server;
- ``live_url``: the live server's base URL (``http://localhost:PORT``);
- ``member``: a member (username ``ada``, password ``MEMBER_PASSWORD``);
- ``member_page``: a page already logged in as ``member`` (session cookie, no form);
- ``nojs_page``: a page with JavaScript disabled;
- ``log_in(page, username, password)``: logs in through the real form;
- ``catalogue``: the demo catalogue (39 real papers listed over the five weekdays
  up to ``ANCHOR``) plus ``MATH_PAPER``, whose title and abstract hold LaTeX;
- ``key_pages``: the pages every accessibility, validity and design check visits;
- ``axe_source`` and ``vnu_command``: the checkers from ``node_modules`` (``npm ci``).

Without ``/usr/bin/chromium`` (or the browser named by ``$CHROMIUM``) every test
here is skipped, and the reason is printed in the summary. Tests that need
axe-core, the Nu HTML Checker or Java are skipped when those are missing, except
with ``CI_REQUIRE_TOOLS=1`` (set by ``.ci/run``), where a missing tool fails them.
"""

import datetime as dt
import os
import shutil
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
ROOT = HERE.parent.parent
ARTIFACTS = ROOT / "test-artifacts"
REQUIRE_TOOLS = os.environ.get("CI_REQUIRE_TOOLS") == "1"
ANCHOR = dt.date(2026, 11, 26)  # a Thursday: the demo fills Fri 20 and Mon 23 to Thu 26
MATH_PAPER = {
    "arxiv_id": "2611.09999",
    "title": "Sharp Rates for $\\alpha$-Divergence Estimation in $\\mathbb{R}^d$",
    "abstract": (
        "We estimate the $\\alpha$-divergence $D_\\alpha(P \\| Q)$ between two densities\n"
        "on $\\mathbb{R}^d$ from $n$ samples and prove that the rate $n^{-1/2}$ is attained\n"
        "when $\\alpha > 1/2$. Code is available at https://example.org/alpha."
    ),
}

# Playwright's sync API keeps an event loop in this thread; Django's ORM (test
# data, the live server's database) refuses to run next to one unless allowed.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def missing_tool(message):
    """Skip a test whose outside tool is missing; in CI (``CI_REQUIRE_TOOLS=1``) fail it."""
    if REQUIRE_TOOLS:
        pytest.fail(f"{message} (CI_REQUIRE_TOOLS=1: the tools must be installed)")
    pytest.skip(message)


def pytest_collection_modifyitems(config, items):
    if CHROMIUM.exists():
        return
    if REQUIRE_TOOLS:
        raise pytest.UsageError(f"CI_REQUIRE_TOOLS=1 but {CHROMIUM} is not installed")
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


@pytest.fixture
def catalogue(demo_snapshot):
    """The demo catalogue listed up to ``ANCHOR``, plus a paper with LaTeX listed on ``ANCHOR``."""
    from tests.factories import make_category, make_paper
    from tests.snapshots import DEMO_ANCHOR

    assert ANCHOR.isoformat() == DEMO_ANCHOR
    demo_snapshot.restore()  # load_demo, built once per test process (tests/conftest.py)
    make_paper(
        **MATH_PAPER,
        authors=["Ada Statistician", "Grace Estimator"],
        categories=[make_category("stat.ML", "Machine Learning (Statistics)")],
        published=ANCHOR,
        listed_on=ANCHOR,
    )


@pytest.fixture
def key_pages(catalogue):
    """(name, path) of the pages the accessibility, validity and design checks visit."""
    from papers.core.models import Author, Topic

    topic = Topic.objects.get(name="Large Language Models")
    author = Author.objects.filter(authorships__paper__arxiv_id="2306.14846").first()
    week = ANCHOR.isocalendar()
    return [
        ("front", "/"),
        ("week", f"/papers/week/{week.year}-W{week.week:02d}/"),
        ("search", f"/papers/?q=learning&topic={topic.slug}&category=cs.LG"),
        ("paper", "/papers/2306.14846/"),
        ("math-paper", f"/papers/{MATH_PAPER['arxiv_id']}/"),
        ("author", author.get_absolute_url()),
        ("topic", topic.get_absolute_url()),
        ("login", "/accounts/login/"),
        ("signup", "/accounts/signup/"),
        ("subscribe", "/subscribe/"),
    ]


@pytest.fixture(scope="session")
def axe_source():
    path = ROOT / "node_modules" / "axe-core" / "axe.min.js"
    if not path.exists():
        missing_tool(f"axe-core not found at {path}: run `npm ci`")
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def vnu_command():
    jar = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
    java = shutil.which("java")
    if not jar.exists():
        missing_tool(f"the Nu HTML Checker not found at {jar}: run `npm ci`")
    if java is None:
        missing_tool("java not found: the Nu HTML Checker needs a JRE (default-jre-headless)")
    return [java, "-jar", str(jar), "--errors-only"]
