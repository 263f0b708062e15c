"""Accessibility gate: axe-core (bundled with axe-playwright-python, no network) finds no serious or critical
violation on one page of each kind, in light and dark mode, on a desktop and on a phone."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

PAGES = {
    "home": "/",
    "thread": "/threads/alliance-resilience/",
    "synthesis": "/synthesis/governance-models/",
    "reader": "/sources/du-alliance/",
    "references": "/references/",
}
VIEWPORTS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
# Material's palette follows prefers-color-scheme (mkdocs.yml), which Playwright sets per context.
SCHEMES = {"light": "default", "dark": "slate"}
BLOCKING = {"serious", "critical"}


@pytest.fixture(scope="module")
def axe():
    sync_axe = pytest.importorskip("axe_playwright_python.sync_playwright")
    return sync_axe.Axe()


def _describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{v['impact']} {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:5]:
            lines.append(f"    {node['target']}: {node.get('failureSummary', '').splitlines()[-1:]}")
    return "\n".join(lines)


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("kind", PAGES)
def test_no_serious_or_critical_axe_violations(browser, site_url, axe, kind, scheme, viewport):
    context = browser.new_context(viewport=VIEWPORTS[viewport], color_scheme=scheme)
    page = context.new_page()
    try:
        page.goto(site_url + PAGES[kind], wait_until="networkidle")
        assert page.get_attribute("body", "data-md-color-scheme") == SCHEMES[scheme]
        page.wait_for_timeout(200)  # Material wraps tables and the page script marks scrolling regions on load
        results = axe.run(page)
        blocking = [v for v in results.response["violations"] if v["impact"] in BLOCKING]
        assert blocking == [], f"{PAGES[kind]} ({scheme}, {viewport}):\n{_describe(blocking)}"
    finally:
        context.close()


def test_search_dialog_and_progress_bar_are_named(page, site_url):
    """Material leaves both unnamed; overrides/partials/ name them."""
    page.goto(site_url + "/", wait_until="networkidle")
    assert page.get_by_role("dialog", name="Search").count() == 1
    assert page.get_by_role("progressbar", name="Loading the page").count() == 1


def test_regions_that_scroll_sideways_can_be_scrolled_from_the_keyboard(browser, site_url):
    context = browser.new_context(viewport=VIEWPORTS["phone"])
    page = context.new_page()
    page.goto(site_url + "/synthesis/ttc-timeline/", wait_until="networkidle")
    figure = page.locator("figure.figure").first
    page.wait_for_function("el => el.getAttribute('tabindex') === '0'", arg=figure.element_handle())
    figure.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("el => el.scrollLeft > 0", arg=figure.element_handle())  # scrolling may be smooth
    # On a desktop the same figure fits and is no tab stop.
    page.set_viewport_size(VIEWPORTS["desktop"])
    page.wait_for_function("el => !el.hasAttribute('tabindex')", arg=figure.element_handle())
    context.close()


def test_a_wide_region_in_a_closed_details_becomes_a_tab_stop_when_opened(browser, site_url):
    """The region script leaves closed <details> alone (measuring them would lay out hidden content at every
    page load, on a reader page a table of a thousand elements) and marks their wide regions once they open."""
    context = browser.new_context(viewport=VIEWPORTS["phone"])
    page = context.new_page()
    page.goto(site_url + "/sources/du-alliance/", wait_until="networkidle")
    region = page.evaluate_handle("""() => {
        const details = document.createElement("details");
        details.innerHTML = '<summary>Wide</summary><div class="md-typeset__scrollwrap">'
            + '<div style="width: 2000px">a row too wide for a phone</div></div>';
        document.querySelector(".md-content article").append(details);
        dispatchEvent(new Event("resize"));  // the script re-measures on resize
        return details.querySelector(".md-typeset__scrollwrap");
    }""")
    page.wait_for_timeout(500)  # the script runs when the browser is next idle
    assert region.get_attribute("tabindex") is None
    page.locator("details summary", has_text="Wide").click()
    page.wait_for_function("el => el.getAttribute('tabindex') === '0'", arg=region)
    context.close()
