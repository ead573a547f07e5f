"""Cross-site scripting in a real browser: pages full of hostile data run no script.

Each payload in tests/xss.py sets ``window.__xss`` or opens a dialog if it ever
runs. The page also records Content-Security-Policy violations: a payload that
became markup but was stopped by the policy is still a bug (escaping failed,
only the second line of defence held), so a violation fails the test too.
"""

from urllib.parse import quote

import pytest

from tests.xss import PAYLOADS, hostile_catalogue

RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (event) {
    window.__violations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


@pytest.fixture
def hostile():
    return hostile_catalogue()


def visit_and_check(page, url):
    dialogs = page.dialogs_seen
    response = page.goto(url)
    assert response.status in (200, 400), url
    assert "script-src 'self'" in response.headers["content-security-policy"], url
    page.wait_for_load_state("load")
    # Click every link a payload could have left (javascript: URLs run on click).
    for link in page.locator("main a[href^='javascript' i]").all():
        link.click(no_wait_after=True)
    page.wait_for_timeout(50)
    state = page.evaluate("[window.__xss, window.__violations]")
    assert state == [None, []], f"{url}: {state}"
    assert dialogs == [], f"{url}: {dialogs}"
    # Still on the same document (a payload did not navigate away).
    assert page.evaluate("typeof window.__violations") == "object", url


@pytest.fixture
def watched_page(page):
    page.add_init_script(RECORD_VIOLATIONS)
    page.dialogs_seen = []
    page.on("dialog", lambda dialog: (page.dialogs_seen.append(dialog.message), dialog.dismiss()))
    return page


def test_pages_with_hostile_data_run_no_script(watched_page, hostile):
    search = [f"/papers/?q={quote(p)}" for p in PAYLOADS[:6]]
    for url in hostile["pages"] + search:
        visit_and_check(watched_page, url)


def test_member_pages_with_hostile_data_run_no_script(watched_page, member_page, hostile):
    for url in hostile["pages"][:11]:
        visit_and_check(member_page, url)


def test_the_checks_see_a_script_that_runs(watched_page, live_url):
    """The browser side of the checks: a violation is recorded, a dialog is caught."""
    watched_page.goto("/")
    watched_page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.__xss = 1'; document.body.appendChild(s); }"
    )
    watched_page.wait_for_timeout(50)
    assert watched_page.evaluate("window.__xss") is None  # the policy blocked it
    assert watched_page.evaluate("window.__violations.length") == 1
