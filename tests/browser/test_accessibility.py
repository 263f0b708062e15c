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
    """The region script leaves closed <details> unmeasured (measuring would lay out hidden content at every
    page load, on a reader page a table of a thousand elements) and marks their wide regions once they open."""
    context = browser.new_context(viewport=VIEWPORTS["phone"])
    page = context.new_page()
    wide = ('<details><summary>Wide</summary><div class="md-typeset__scrollwrap">'
            '<div style="width: 2000px">a row too wide for a phone</div></div></details>')

    def with_wide_details(route):  # in the page as served, so the script finds it as the page loads
        html = route.fetch().text()
        route.fulfill(body=html.replace("</article>", wide + "</article>", 1),
                      headers={"content-type": "text/html; charset=utf-8"})

    page.route("**/sources/du-alliance/", with_wide_details)
    page.goto(site_url + "/sources/du-alliance/", wait_until="networkidle")
    region = page.locator("details", has_text="a row too wide").locator(".md-typeset__scrollwrap")
    page.wait_for_timeout(300)
    assert region.get_attribute("tabindex") is None
    page.locator("details summary", has_text="Wide").click()
    page.wait_for_function("el => el.getAttribute('tabindex') === '0'", arg=region.element_handle())
    context.close()


def test_reader_paragraphs_are_measured_when_laid_out_and_wide_tables_are_tab_stops_from_the_start(browser, site_url):
    """Reader paragraphs far from the viewport are not laid out (site.css, content-visibility), and the region
    script does not force them to be: it measures what the browser has laid out. A paragraph holding a table
    is always laid out, so a table too wide for a phone is a tab stop from the start."""
    context = browser.new_context(viewport=VIEWPORTS["phone"])
    page = context.new_page()
    wide = '<div class="md-typeset__scrollwrap" id="wide-test"><div style="width: 2000px">too wide</div></div>'

    def with_wide_region_in_paragraph_40(route):
        html = route.fetch().text()
        marker = '<div class="src-para src-para--bilingual" data-para="40" id="p-40">'
        assert marker in html
        route.fulfill(body=html.replace(marker, marker + wide, 1), headers={"content-type": "text/html; charset=utf-8"})

    page.route("**/sources/du-alliance/", with_wide_region_in_paragraph_40)
    page.goto(site_url + "/sources/du-alliance/", wait_until="networkidle")
    tables = page.locator("#p-25 .md-typeset__scrollwrap")
    assert tables.count() == 2  # the table as printed and its translation
    for i in range(2):
        page.wait_for_function("el => el.getAttribute('tabindex') === '0'", arg=tables.nth(i).element_handle())
    region = page.locator("#wide-test")
    page.wait_for_timeout(300)
    assert region.evaluate("el => el.checkVisibility({contentVisibilityAuto: true})") is False
    assert region.get_attribute("tabindex") is None
    page.locator("#p-40").scroll_into_view_if_needed()
    page.wait_for_function("el => el.getAttribute('tabindex') === '0'", arg=region.element_handle())
    context.close()
