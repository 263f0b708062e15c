"""What a reader does: search, follow a citation, preview it, read a source, switch to dark mode."""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def _first_cited_page(built_site) -> str:
    for path in sorted(built_site.rglob("index.html")):
        if 'class="cite__loc"' in path.read_text(encoding="utf-8") and "/sources/" not in path.as_posix():
            return "/" + path.parent.relative_to(built_site).as_posix() + "/"
    raise AssertionError("no page with citations in the built site")


def test_no_request_leaves_the_machine(page, site_url, built_site):
    hosts = set()
    page.on("request", lambda request: hosts.add(urlsplit(request.url).hostname))
    for path in ["/", _first_cited_page(built_site), "/sources/du-alliance/", "/references/"]:
        page.goto(site_url + path, wait_until="networkidle")
    assert hosts == {"127.0.0.1"}


@pytest.mark.parametrize("query, expected", [("alliance", "alliance"), ("联盟韧性", "联盟韧性"), ("人工智能治理", "人工智能")])
def test_search_finds_english_and_chinese(page, site_url, query, expected):
    page.goto(site_url + "/", wait_until="networkidle")
    page.click(".md-search__input")
    page.keyboard.type(query)
    page.keyboard.press("End")  # CJK text arrives as an input event; the search also listens for keys
    page.wait_for_selector(".md-search-result__item", timeout=15000)
    results = page.inner_text(".md-search-result").replace("\u200b", "")
    assert expected.lower() in results.lower()


def test_citation_preview_on_hover_and_keyboard_focus(page, site_url, built_site):
    page.goto(site_url + _first_cited_page(built_site), wait_until="networkidle")
    refs = page.locator(".cite__ref").filter(has=page.locator(".cite__loc[data-passages]"))
    first, second = refs.nth(0), refs.nth(1)
    preview = first.locator(".cite__preview")
    # The page carries no preview text: it is built from the source's store when first wanted.
    assert page.locator(".cite__preview").count() == 0
    first.locator(".cite__loc").hover()
    expect(preview).to_be_visible()
    assert not second.locator(".cite__preview").is_visible()
    assert re.search(r"[\u4e00-\u9fff]", preview.inner_text())
    # The preview shows the paragraph the link points to.
    number = first.locator(".cite__loc").get_attribute("href").split("#p-")[-1]
    assert preview.inner_text().startswith(f"¶{number}")
    page.mouse.move(0, 0)
    assert not preview.is_visible()
    first.locator(".cite__loc").focus()
    assert preview.is_visible()
    assert first.locator(".cite__loc").get_attribute("aria-describedby") == preview.get_attribute("id")


def test_following_a_citation_opens_and_highlights_the_paragraph(page, site_url, built_site):
    page.goto(site_url + _first_cited_page(built_site), wait_until="networkidle")
    link = page.locator(".cite__loc[href*='#p-']").first
    href = link.get_attribute("href")
    target = href.split("#")[1]
    link.click()
    page.wait_for_url(re.compile(f"#{target}$"))
    paragraph = page.locator(f"#{target}")
    assert paragraph.is_visible()
    assert page.evaluate(f"document.querySelector('#{target}').matches(':target, .src-para--highlight')")
    background = paragraph.evaluate("e => getComputedStyle(e).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")


def test_range_citation_highlights_every_paragraph(page, site_url):
    page.goto(site_url + "/sources/zhang-roadmap/?hl=2-4#p-2", wait_until="networkidle")
    highlighted = page.evaluate("[...document.querySelectorAll('.src-para--highlight')].map(e => e.id)")
    assert highlighted == ["p-2", "p-3", "p-4"]


def test_dark_mode_toggle_keeps_text_readable(page, site_url):
    page.goto(site_url + "/sources/du-alliance/", wait_until="networkidle")
    schemes = []
    for _ in range(3):
        schemes.append(page.evaluate("document.body.getAttribute('data-md-color-scheme')"))
        page.locator("form[data-md-component=palette] label:visible").first.click()
    assert "slate" in schemes and "default" in schemes
    page.evaluate("document.body.setAttribute('data-md-color-scheme', 'slate')")
    color = page.locator(".src-para").first.evaluate("e => getComputedStyle(e).color")
    r, g, b = map(int, re.findall(r"\d+", color)[:3])
    assert r + g + b > 400  # light text on the dark background


BUNDLE = "**/assets/javascripts/bundle.*.min.js"
PALETTE_LABELS = "form[data-md-component=palette] label:not([hidden])"


@pytest.mark.parametrize("system, scheme", [("dark", "slate"), ("light", "default")])
def test_a_first_visit_is_in_the_systems_palette_before_materials_script_runs(browser, site_url, system, scheme):
    # Material's script is held back: what the page shows then is what it shows from its first paint. Before the
    # palette override (overrides/partials/javascripts/palette.html) a dark system got the light page here.
    context = browser.new_context(viewport={"width": 390, "height": 844}, color_scheme=system)
    page = context.new_page()
    page.route(BUNDLE, lambda route: route.abort())
    page.goto(site_url + "/sources/du-alliance/", wait_until="domcontentloaded")
    assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == scheme
    context.close()


def test_a_palette_chosen_earlier_wins_over_the_system_preference(browser, site_url):
    context = browser.new_context(viewport={"width": 390, "height": 844}, color_scheme="dark")
    page = context.new_page()
    page.goto(site_url + "/", wait_until="networkidle")
    # The reader picks light mode with Material's toggle (automatic -> light); Material stores the choice.
    page.locator(PALETTE_LABELS).click()
    assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "default"
    page.route(BUNDLE, lambda route: route.abort())
    page.goto(site_url + "/sources/du-alliance/", wait_until="domcontentloaded")
    assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "default"
    context.close()
