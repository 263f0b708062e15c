"""Production settings: the site built with SITE_URL (as the deploy workflow builds it) has a full sitemap and
canonical links, and Material's instant navigation works across every page of the nav.

Without SITE_URL Material's sitemap is empty and instant navigation silently falls back to full page loads, so
the other browser tests (built without it) never exercise it. Here the site is built with SITE_URL set to the
address of the local server that serves it.
"""

from __future__ import annotations

import functools
import http.server
import threading
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urljoin

import pytest
from bs4 import BeautifulSoup

from tests.conftest import WORKFLOW_ENV, build_site_with

from .conftest import _QuietHandler

pytestmark = [pytest.mark.browser, pytest.mark.build]

SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
# The links a reader clicks to move between pages, in the order a test prefers them: header tabs, the sidebar
# (it also holds the other sections' items, hidden under the active one when tabs are shown) and the footer.
NAV_LINKS = [".md-tabs__link", ".md-nav--primary a.md-nav__link", ".md-footer__link"]


@pytest.fixture(scope="session")
def production_site(tmp_path_factory):
    """(site_dir, site_url): the site built with SITE_URL set to the address it is then served from."""
    out = tmp_path_factory.mktemp("site-production")
    handler = functools.partial(_QuietHandler, directory=str(out))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)  # bound first: the build needs the port
    url = f"http://127.0.0.1:{server.server_port}/"
    build_site_with(out, {**WORKFLOW_ENV, "SITE_URL": url})
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield out, url
    server.shutdown()
    server.server_close()


def _pages(site_dir: Path) -> list[Path]:
    return sorted(p for p in site_dir.rglob("index.html") if not p.relative_to(site_dir).parts[0] in ("assets", "search"))


def _url_of(site_dir: Path, page: Path, site_url: str) -> str:
    rel = page.parent.relative_to(site_dir).as_posix()
    return site_url if rel == "." else f"{site_url}{rel}/"


def _soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def _h1(soup: BeautifulSoup) -> str:
    h1 = soup.select_one("article h1")
    for permalink in h1.select(".headerlink"):
        permalink.decompose()
    return " ".join(h1.get_text().split())


def test_sitemap_lists_every_page(production_site):
    site_dir, url = production_site
    locs = [loc.text for loc in ET.parse(site_dir / "sitemap.xml").getroot().iter(f"{SITEMAP_NS}loc")]
    assert len(locs) == len(set(locs))
    assert set(locs) == {_url_of(site_dir, page, url) for page in _pages(site_dir)}
    assert len(locs) >= 20


def test_every_page_has_its_canonical_link(production_site):
    site_dir, url = production_site
    for page in _pages(site_dir):
        canonical = _soup(page).select("head link[rel=canonical]")
        assert [c["href"] for c in canonical] == [_url_of(site_dir, page, url)], page


def test_cite_this_page_gives_the_published_address(production_site):
    site_dir, url = production_site
    text = _soup(site_dir / "threads" / "alliance-resilience" / "index.html").get_text()
    assert f"{url}threads/alliance-resilience/" in text and "this page's address" not in text


def _nav_order(page) -> list[str]:
    """Every page of the nav, in nav order, as absolute URLs (read from the home page's primary nav)."""
    hrefs = page.eval_on_selector_all(".md-nav--primary a.md-nav__link[href]", "els => els.map(a => a.href)")
    seen: list[str] = []
    for href in hrefs:
        href = href.split("#")[0]
        if href not in seen:
            seen.append(href)
    return seen


def _click_visible_link_to(page, target: str) -> None:
    page.evaluate("window.scrollTo(0, 0)")  # the header tabs hide once the reader scrolls down
    for _ in range(20):  # ... and come back after a transition
        for selector in NAV_LINKS:
            for link in page.locator(selector).all():
                if link.is_visible() and (link.evaluate("a => a.href") or "").split("#")[0] == target:
                    try:
                        link.click(trial=True, timeout=300)  # visible but covered: try another link to the page
                    except Exception:
                        continue
                    link.click()
                    return
        page.wait_for_timeout(250)
    raise AssertionError(f"no visible nav link to {target} on {page.url}")


@pytest.mark.parametrize("width, height", [(1366, 900), (390, 844)])
def test_instant_navigation_through_the_whole_nav(browser, production_site, width, height):
    site_dir, url = production_site
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(f"console: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
    page.goto(url, wait_until="networkidle")
    # A full page load would drop this; instant navigation swaps the content and keeps it.
    page.evaluate("window.__sameDocument = true")
    order = _nav_order(page)
    expected = {_url_of(site_dir, p, url) for p in _pages(site_dir)}
    assert set(order) == expected
    previous = _h1(_soup(site_dir / "index.html"))
    for target in order[1:]:
        want = _h1(_soup(site_dir / target.removeprefix(url) / "index.html"))
        if width < 1000:
            page.click("label.md-header__button[for=__drawer]")  # open the drawer
            page.evaluate("""target => {  // open the drawer's level that holds the link, as a reader taps to it
                for (const toggle of document.querySelectorAll('.md-nav--primary input.md-nav__toggle'))
                  toggle.checked = false;
                for (const a of document.querySelectorAll('.md-nav--primary a.md-nav__link'))
                  if (a.href.split('#')[0] === target) {
                    for (let el = a.closest('.md-nav'); el; el = el.parentElement.closest('.md-nav')) {
                      const toggle = el.parentElement.querySelector(':scope > input.md-nav__toggle');
                      if (toggle) toggle.checked = true;
                    }
                    return;
                  }
            }""", target)
            page.wait_for_timeout(300)  # the drawer's slide-in transition
        _click_visible_link_to(page, target)
        page.wait_for_function("target => location.href.split('#')[0] === target", arg=target)
        page.wait_for_function(
            "want => { const h = document.querySelector('article h1'); "
            "return h && h.textContent.replace('¶', '').replace(/\\s+/g, ' ').trim() === want }", arg=want)
        assert want != previous, f"{target}: same h1 as the page before"
        assert page.evaluate("window.__sameDocument === true"), f"{target} was a full page load, not instant navigation"
        assert page.title() == _soup(site_dir / target.removeprefix(url) / "index.html").title.get_text(), target
        assert errors == [], f"after navigating to {target}: {errors}"
        previous = want
    context.close()


def test_argument_map_links_work_after_instant_navigation(browser, production_site):
    """The figure that used to stop instant navigation: arrive at it instantly, then follow one of its links."""
    _, url = production_site
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url + "threads/", wait_until="networkidle")
    page.evaluate("window.__sameDocument = true")
    page.locator(".md-nav--primary a.md-nav__link", has_text="Alliance resilience").first.click()
    page.wait_for_selector("svg.argmap")
    assert page.evaluate("window.__sameDocument === true")
    link = page.locator("svg.argmap a.argmap__link").first
    href = link.get_attribute("xlink:href")
    assert href and link.get_attribute("href") is None
    link.click()
    page.wait_for_function("target => location.href === target", arg=urljoin(url + "threads/alliance-resilience/", href))
    page.wait_for_selector(f"[id='{href.split('#')[1]}']")
    assert errors == []
    context.close()


def test_argument_map_links_are_exposed_to_assistive_technology(browser, production_site):
    _, url = production_site
    context = browser.new_context()
    page = context.new_page()
    page.goto(url + "threads/alliance-resilience/", wait_until="networkidle")
    svg = page.locator("svg.argmap")
    assert svg.get_attribute("role") != "img"  # an image's children, links included, are presentational
    # Every evidence link is in the accessibility tree as a link named by its visible text.
    names = svg.locator("a.argmap__link").evaluate_all("els => els.map(a => a.getAttribute('aria-label'))")
    assert names and all(names)
    group = page.get_by_role("group", name=page.locator("svg.argmap title").first.text_content())
    assert group.get_by_role("link").count() == len(names)
    for name in names[:3]:
        assert group.get_by_role("link", name=name, exact=True).count() == 1
    # Chromium's own accessibility tree (what a screen reader gets): links, named, described by the evidence.
    cdp = context.new_cdp_session(page)
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    first_link = cdp.send("DOM.querySelector", {"nodeId": root, "selector": "svg.argmap a.argmap__link"})["nodeId"]
    node = cdp.send("Accessibility.getPartialAXTree", {"nodeId": first_link, "fetchRelatives": False})["nodes"][0]
    assert not node.get("ignored") and node["role"]["value"] == "link" and node["name"]["value"] == names[0]
    described = {p["name"]: p for p in node.get("properties", [])}
    assert node.get("description", {}).get("value") or "describedby" in described
    # ... and reachable with the keyboard.
    first = svg.locator("a.argmap__link").first
    first.focus()
    assert page.evaluate("document.activeElement.classList.contains('argmap__link')")
    context.close()


# Rendered, not merely present: content-visibility (site.css) skips what is off screen or in a closed drawer.
RENDERED = "el => el.checkVisibility({contentVisibilityAuto: true})"


def test_the_closed_drawer_is_not_rendered_or_tabbed_into_and_opens_with_its_links(browser, site_url):
    """site.css: below Material's drawer breakpoint the navigation drawer's content is not rendered while the
    drawer is closed (a phone styled and laid out its ~180 elements at every page load), so it is also out of
    the tab order; opening the drawer shows it at once, and it stays shown while the drawer slides out."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(site_url + "/sources/du-alliance/", wait_until="networkidle")
    link = page.locator(".md-sidebar--primary a.md-nav__link", has_text="Zhang et al. 2022").first
    assert link.evaluate(RENDERED) is False
    for _ in range(12):  # the header, the language switch and the first paragraphs' links come first
        page.keyboard.press("Tab")
        assert page.evaluate("() => !document.activeElement.closest('.md-sidebar--primary')")
    page.click("label.md-header__button[for=__drawer]")
    assert link.evaluate(RENDERED) is True
    page.wait_for_timeout(300)  # the slide-in transition
    link.click()
    page.wait_for_url("**/sources/zhang-roadmap/")
    link = page.locator(".md-sidebar--primary a.md-nav__link", has_text="Du & Li 2024").first  # not this page
    page.click("label.md-header__button[for=__drawer]")
    page.wait_for_timeout(300)
    assert link.evaluate(RENDERED) is True
    page.evaluate("() => document.getElementById('__drawer').click()")  # close it, as the overlay does
    page.wait_for_timeout(60)
    assert link.evaluate(RENDERED) is True  # mid-way through the slide-out
    page.wait_for_function(f"el => !({RENDERED})(el)", arg=link.element_handle())
    # On a desktop the sidebar is always shown.
    page.set_viewport_size({"width": 1366, "height": 900})
    assert link.evaluate(RENDERED) is True
    context.close()


PHONE_AND_DESKTOP = pytest.mark.parametrize("viewport", [{"width": 390, "height": 844}, {"width": 1366, "height": 900}],
                                            ids=["phone", "desktop"])
# The target's top just under the header (Material leaves a small margin); null-safe, since instant
# navigation may not have put the new page in yet. Polled: the page may still be settling.
LANDED = ("id => { const el = document.getElementById(id); if (!el) return false;"
          " const gap = el.getBoundingClientRect().top - document.querySelector('.md-header').getBoundingClientRect().bottom;"
          " return gap >= 0 && gap <= 40; }")


def _assert_stays(page, predicate: str, target: str) -> None:
    """Still there once everything the jump set off is laid out."""
    page.wait_for_timeout(500)
    assert page.evaluate(predicate, target), target


@PHONE_AND_DESKTOP
def test_a_citation_lands_on_its_paragraph_after_instant_navigation(browser, production_site, viewport):
    """Reader paragraphs far from the viewport are not laid out (site.css). A jump that arrived with their
    estimated heights left a phone reader thousands of pixels from the cited paragraph; the text is laid out
    whole when the address names a place in it."""
    _, url = production_site
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    for target in ("p-40", "p-52"):  # cited on the thread page, far down the reader page
        page.goto(url + "threads/alliance-resilience/", wait_until="networkidle")
        page.evaluate("window.__sameDocument = true")
        page.locator(f".cite a[href$='sources/du-alliance/#{target}']").first.evaluate("a => a.click()")
        page.wait_for_function("id => location.hash === '#' + id", arg=target)
        page.wait_for_function(LANDED, arg=target, timeout=5000)
        assert page.evaluate("window.__sameDocument === true")  # instant navigation, not a page load
        _assert_stays(page, LANDED, target)
    context.close()


@PHONE_AND_DESKTOP
def test_back_returns_to_the_same_place_in_a_reader_page(browser, production_site, viewport):
    """Back fetches the reader page afresh and Material scrolls to the offset it recorded there; in the fresh
    page, paragraphs not yet laid out held estimated heights and the reader landed 7,000-9,000 px from ¶40
    (reader-arrival.js). Material also fetches the page afresh on its first same-page navigation that is not
    a click (here a fragment set from the address), and restores the offset then too."""
    _, url = production_site
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.goto(url + "threads/alliance-resilience/", wait_until="networkidle")
    page.locator(".cite a[href$='sources/du-alliance/#p-40']").first.evaluate("a => a.click()")
    page.wait_for_function(LANDED, arg="p-40", timeout=5000)
    page.wait_for_function("() => history.state && history.state.y > 0")  # Material records the offset after scrolling
    page.locator("a.md-nav__link[href$='/references/']").first.evaluate("a => a.click()")
    page.wait_for_url("**/references/")
    page.wait_for_load_state("networkidle")
    page.go_back()
    page.wait_for_function(LANDED, arg="p-40", timeout=5000)
    _assert_stays(page, LANDED, "p-40")

    page.goto(url + "sources/du-alliance/", wait_until="networkidle")
    page.evaluate("location.hash = 'p-40'")
    page.wait_for_function(LANDED, arg="p-40", timeout=5000)
    _assert_stays(page, LANDED, "p-40")
    context.close()


@PHONE_AND_DESKTOP
def test_a_reader_pages_notes_are_laid_out_when_a_reader_reaches_them(browser, production_site, viewport):
    """The notes below the text (116 on this page) are not laid out while the reader is far from them
    (site.css); a jump to one lands on it and stays, and scrolling down to them lays them out."""
    _, url = production_site
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.goto(url + "sources/du-alliance/", wait_until="networkidle")
    note = page.locator("#fn\\:du-alliance-100")
    assert note.evaluate(RENDERED) is False
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    page.wait_for_function(RENDERED, arg=note.element_handle())

    in_view = ("id => { const box = document.getElementById(id).getBoundingClientRect();"
               " return box.top >= document.querySelector('.md-header').getBoundingClientRect().bottom - 1"
               " && box.bottom <= innerHeight; }")
    page.goto("about:blank")  # a page load, not a jump within the loaded page
    page.goto(url + "sources/du-alliance/#fn:du-alliance-100", wait_until="networkidle")
    page.wait_for_function(in_view, arg="fn:du-alliance-100", timeout=5000)
    _assert_stays(page, in_view, "fn:du-alliance-100")
    context.close()
