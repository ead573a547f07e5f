"""Accessibility and validity, judged by tools nobody here wrote.

- axe-core (``node_modules/axe-core``, injected with ``page.evaluate``: the CSP
  refuses inline scripts) finds no serious or critical violation on the key pages,
  in the light and the dark theme;
- the Nu HTML Checker (``node_modules/vnu-jar``, run with Java) finds no error in
  their HTML as served;
- a keyboard alone reaches every control, sees where the focus is, and can skip
  to the content.
"""

import json
import subprocess

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS

SERIOUS = {"serious", "critical"}


def axe_violations(page, axe_source):
    """axe-core's serious and critical violations on the current page, in short."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source)
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        {
            "rule": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "where": [node["target"] for node in violation["nodes"][:5]],
            "why": violation["nodes"][0]["failureSummary"] if violation["nodes"] else "",
        }
        for violation in results["violations"]
        if violation["impact"] in SERIOUS
    ]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_serious_violation_on_the_key_pages(
    new_context, key_pages, axe_source, scheme
):
    page = new_context(color_scheme=scheme).new_page()
    found = {}
    for name, path in key_pages:
        page.goto(path)
        page.wait_for_load_state("load")
        if violations := axe_violations(page, axe_source):
            found[f"{name} {path}"] = violations
    assert found == {}, json.dumps(found, indent=2)


def test_axe_finds_no_serious_violation_for_a_member(member_page, key_pages, axe_source):
    found = {}
    for name, path in key_pages[:5]:
        member_page.goto(path)
        member_page.wait_for_load_state("load")
        if violations := axe_violations(member_page, axe_source):
            found[f"{name} {path}"] = violations
    assert found == {}, json.dumps(found, indent=2)


def check_html(page, vnu_command, pages, *, prefix=""):
    """Save each (name, path) page under test-artifacts/html and run the Nu checker on them."""
    folder = ARTIFACTS / "html"
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for name, path in pages:
        response = page.request.get(path)
        assert response.status == 200, path
        file = folder / f"{prefix}{name}.html"
        file.write_text(response.text(), encoding="utf-8")
        files.append(str(file))
    checked = subprocess.run(
        [*vnu_command, "--format", "gnu", *files], capture_output=True, text=True, timeout=300
    )
    assert checked.returncode == 0, checked.stderr or checked.stdout


def test_the_nu_html_checker_finds_no_error_on_the_key_pages(page, key_pages, vnu_command):
    check_html(page, vnu_command, key_pages)


def focused(page):
    """A description of the element that has the focus, and whether it shows a focus ring."""
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            const style = getComputedStyle(el);
            const ring = (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2)
                || style.boxShadow !== 'none';
            const box = el.getBoundingClientRect();
            return {
                tag: el.tagName.toLowerCase(),
                text: (el.innerText || el.value || el.getAttribute('aria-label') || '')
                    .trim().slice(0, 40),
                // A date, week or month field holds the focus in its inner parts (the
                // calendar button too) and may not match :focus-visible itself.
                focusVisible: el.matches(':focus-visible')
                    || (['date', 'week', 'month'].includes(el.type) && el.matches(':focus-within')),
                ring: ring,
                onScreen: box.width > 0 && box.height > 0,
                index: el.dataset ? (el.dataset.keyboardCheck ?? null) : null,
            };
        }"""
    )


def test_tab_first_reaches_the_skip_link_and_enter_moves_to_the_content(page, catalogue):
    page.goto("/")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).not_to_be_in_viewport()
    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    assert focused(page)["ring"]
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    assert page.url.endswith("#main")
    # The next Tab goes on from the content, not from the header.
    page.keyboard.press("Tab")
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)")


@pytest.mark.parametrize(
    "name", ["front", "week", "search", "paper", "author", "topic", "login", "signup", "subscribe"]
)
def test_every_control_is_reached_by_tab_with_a_visible_focus(page, key_pages, name):
    page.goto(dict(key_pages)[name])
    controls = page.evaluate(
        """() => {
            const controls = [...document.querySelectorAll(
                'a[href], button, input:not([type=hidden]), select, textarea, summary,'
                + ' [tabindex]:not([tabindex="-1"])'
            )].filter(el => el.checkVisibility() && !el.disabled).filter(el => {
                // Tab reaches one radio button of a group (the checked one, else the
                // first); the arrow keys move within it.
                if (el.type !== 'radio') return true;
                const group = [...el.form.querySelectorAll('input[type=radio]')]
                    .filter(other => other.name === el.name);
                return el === (group.find(other => other.checked) || group[0]);
            });
            controls.forEach((el, index) => { el.dataset.keyboardCheck = index; });
            return controls.map(el => el.outerHTML.slice(0, 80));
        }"""
    )
    reached = set()
    for _ in range(2 * len(controls) + 5):  # the focus may start inside (autofocus) and wrap
        page.keyboard.press("Tab")
        now = focused(page)
        if now["tag"] == "body":
            continue
        assert now["focusVisible"] and now["ring"] and now["onScreen"], now
        if now["index"] is not None:
            reached.add(int(now["index"]))
        if len(reached) == len(controls):
            break
    assert [html for index, html in enumerate(controls) if index not in reached] == []
