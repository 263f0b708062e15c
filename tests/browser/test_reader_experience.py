"""Reader experience on desktop and phone, light and dark: citation previews that fit the
viewport, close with Escape and open on a first tap; 24 px targets; contrast; figures and
tables that stay readable."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

THREAD = "/threads/alliance-resilience/"
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def new_page(browser):
    """A page factory: new_page(viewport, **context options); every context is closed at the end."""
    contexts = []

    def make(viewport=DESKTOP, **options):
        context = browser.new_context(viewport=viewport, **options)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def _visible_refs(page, limit):
    """Indexes (among `.cite__ref a.cite__loc`) of visible locators that have a preview, spread over the page."""
    return page.evaluate(
        """limit => {
            const links = [...document.querySelectorAll('.cite__ref a.cite__loc')];
            const ok = links.map((a, i) => [a, i]).filter(([a]) =>
                a.checkVisibility() && a.hasAttribute('data-passages')).map(([, i]) => i);
            const step = Math.max(1, Math.floor(ok.length / limit));
            return ok.filter((_, k) => k % step === 0).slice(0, limit);
        }""",
        limit,
    )


def _bring_to_middle(link):
    """Scroll a locator to the middle of the viewport and let the page settle. Blocks far from the viewport
    are laid out lazily (content-visibility in site.css), so content moves as they come into view; an
    element scrolled to the top edge could end up under the sticky header."""
    link.evaluate("""el => new Promise(done => {
        el.scrollIntoView({block: 'center'});
        requestAnimationFrame(() => requestAnimationFrame(() => { el.scrollIntoView({block: 'center'}); done(); }));
    })""")


def _contrast(page, selector, scheme):
    """WCAG contrast ratio of the first `selector`'s text colour against the page background."""
    return page.evaluate(
        """([selector, scheme]) => {
            document.body.setAttribute('data-md-color-scheme', scheme);
            const el = document.querySelector(selector);
            const parse = c => { const m = c.match(/[\\d.]+/g).map(Number); return [m[0], m[1], m[2], m.length > 3 ? m[3] : 1]; };
            // Text colour composited over the background it sits on (the first opaque ancestor background).
            let bgEl = el, bg;
            while (bgEl) { bg = parse(getComputedStyle(bgEl).backgroundColor); if (bg[3] > 0.99) break; bgEl = bgEl.parentElement; }
            if (!bgEl) bg = [255, 255, 255, 1];
            const style = getComputedStyle(el);
            const fg = parse(el instanceof SVGElement ? style.fill : style.color);
            const alpha = fg[3] * Number(style.opacity);
            const mixed = [0, 1, 2].map(i => fg[i] * alpha + bg[i] * (1 - alpha));
            const lum = rgb => { const [r, g, b] = rgb.map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; }); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
            const [hi, lo] = [lum(mixed), lum(bg)].sort((a, b) => b - a);
            return (hi + 0.05) / (lo + 0.05);
        }""",
        [selector, scheme],
    )


# ---- Citation previews -------------------------------------------------------------------

@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390px", "1366px"])
def test_previews_stay_inside_the_viewport(new_page, site_url, viewport):
    page = new_page(viewport)
    page.goto(site_url + THREAD, wait_until="networkidle")
    links = page.locator(".cite__ref a.cite__loc")
    sample = _visible_refs(page, 25)
    assert len(sample) >= 10
    outside = []
    for i in sample:
        link = links.nth(i)
        _bring_to_middle(link)
        link.hover()
        preview = link.locator("xpath=..").locator(".cite__preview")
        expect(preview).to_be_visible()
        box = preview.bounding_box()
        if box["x"] < 0 or box["y"] < 0 or box["x"] + box["width"] > viewport["width"] \
                or box["y"] + box["height"] > viewport["height"]:
            outside.append((link.inner_text(), box))
        page.mouse.move(0, 0)  # onto the sticky header: no locator can scroll under the pointer there
    assert outside == []


def test_escape_dismisses_a_visible_preview(new_page, site_url):
    page = new_page()
    page.goto(site_url + THREAD, wait_until="networkidle")
    link = page.locator(".cite__ref a.cite__loc").nth(_visible_refs(page, 1)[0])
    preview = link.locator("xpath=..").locator(".cite__preview")
    link.hover()
    expect(preview).to_be_visible()
    page.keyboard.press("Escape")
    assert not preview.is_visible()
    # Moving away and back shows it again; keyboard focus shows it and Escape closes it too.
    page.mouse.move(0, 0)
    link.hover()
    assert preview.is_visible()
    page.mouse.move(0, 0)
    link.focus()
    assert preview.is_visible()
    page.keyboard.press("Escape")
    assert not preview.is_visible()
    assert page.evaluate("document.activeElement.classList.contains('cite__loc')")


def test_first_tap_previews_second_tap_navigates(new_page, site_url):
    page = new_page(PHONE, has_touch=True, is_mobile=True)
    page.goto(site_url + THREAD, wait_until="networkidle")
    index = _visible_refs(page, 5)[2]
    link = page.locator(".cite__ref a.cite__loc").nth(index)
    preview = link.locator("xpath=..").locator(".cite__preview")
    href = link.get_attribute("href")
    _bring_to_middle(link)
    link.tap()
    expect(preview).to_be_visible()
    page.wait_for_timeout(300)
    assert page.url.split("#")[0] == site_url + THREAD  # (the hash follows the section: navigation.tracking)
    box = preview.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    link.tap()
    page.wait_for_url(re.compile(re.escape(href.split("#")[1]) + "$"))
    assert "/sources/" in page.url


def test_tap_on_an_open_preview_follows_its_link(new_page, site_url):
    page = new_page(PHONE, has_touch=True, is_mobile=True)
    page.goto(site_url + THREAD, wait_until="networkidle")
    link = page.locator(".cite__ref a.cite__loc").nth(_visible_refs(page, 5)[1])
    preview = link.locator("xpath=..").locator(".cite__preview")
    target = link.get_attribute("href").split("#")[1]
    _bring_to_middle(link)
    link.tap()
    expect(preview).to_be_visible()
    box = preview.bounding_box()
    page.touchscreen.tap(box["x"] + box["width"] / 2, box["y"] + min(box["height"] / 2, 40))
    page.wait_for_url(re.compile(f"#{target}$"))


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390px", "1366px"])
def test_citation_locators_are_24px_targets(new_page, site_url, viewport):
    page = new_page(viewport)
    page.goto(site_url + THREAD, wait_until="networkidle")
    # Blocks far from the viewport are not laid out (content-visibility) and measure 0 × 0: lay out all.
    page.add_style_tag(content="* { content-visibility: visible !important; }")
    small = page.evaluate(
        """() => [...document.querySelectorAll('a.cite__loc')].filter(a => a.checkVisibility())
               .map(a => [a.textContent, a.getBoundingClientRect()])
               .filter(([, r]) => r.width < 24 || r.height < 24).map(([t]) => t)"""
    )
    assert small == []
    size = page.locator("a.cite__loc").first.evaluate("a => getComputedStyle(a).fontSize")
    body = page.locator(".md-typeset p").first.evaluate("p => getComputedStyle(p).fontSize")
    assert float(size[:-2]) <= float(body[:-2])  # the target grew, not the font


# ---- Contrast and text --------------------------------------------------------------------

@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_muted_text_has_4_5_contrast_in_both_schemes(new_page, site_url, scheme):
    page = new_page(color_scheme=scheme)
    page.goto(site_url + "/sources/du-alliance/", wait_until="networkidle")
    body_scheme = page.evaluate("document.body.getAttribute('data-md-color-scheme')")
    assert body_scheme == ("slate" if scheme == "dark" else "default")
    for selector in [".src-pnum", ".src-page", ".src-en .src-page", ".src-tnote"]:
        if page.locator(selector).count():
            assert _contrast(page, selector, body_scheme) >= 4.5, selector


def test_citation_links_are_underlined(new_page, site_url):
    page = new_page()
    page.goto(site_url + THREAD, wait_until="networkidle")
    for selector in ["a.cite__loc", "a.cite__work"]:
        line = page.locator(selector).first.evaluate("a => getComputedStyle(a).textDecorationLine")
        assert "underline" in line, selector


def test_chinese_is_never_italic(new_page, site_url):
    page = new_page()
    page.goto(site_url + "/sources/du-alliance/", wait_until="networkidle")
    italic = page.evaluate(
        """() => [...document.querySelectorAll('em, i, cite')]
               .filter(e => e.matches(':lang(zh)') && getComputedStyle(e).fontStyle !== 'normal').length"""
    )
    assert italic == 0
    assert page.evaluate(
        """() => { const p = document.createElement('p'); p.lang = 'zh-Hans'; p.innerHTML = '<em>联盟韧性</em>';
                   document.querySelector('.md-content').append(p);
                   return getComputedStyle(p.firstChild).fontStyle; }"""
    ) == "normal"


def test_chinese_without_a_language_tag_is_set_in_a_simplified_chinese_face(new_page, site_url):
    """The site's font stack (site.css) reaches the page through Material's --md-text-font. Set as
    --md-text-font-family on :root it was overridden by Material's own value on <body>: Chinese outside a
    lang="zh" element (the page title in the header, the source card) fell to the system's fallback font,
    Japanese glyph forms here."""
    page = new_page()
    page.goto(site_url + "/sources/du-alliance/", wait_until="networkidle")
    family = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert family.startswith("system-ui") and '"Noto Sans CJK SC"' in family, family
    stack_faces = {"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "PingFang SC", "Hiragino Sans GB",
                   "Microsoft YaHei", "WenQuanYi Micro Hei"}
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    for selector in ("[data-md-component=header-topic] .md-ellipsis", ".src-card td"):
        assert page.locator(selector).first.evaluate("e => /[\\u4e00-\\u9fff]/.test(e.textContent) && !e.closest('[lang|=zh]')")
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        faces = {font["familyName"] for font in cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]}
        assert faces & stack_faces, (selector, faces)
        assert not any(mark in face for face in faces for mark in (" JP", " KR", " TC", " HK")), (selector, faces)


@pytest.mark.parametrize("key", ["du-alliance", "zhang-roadmap", "ye-governance"])  # the sources with notes
def test_the_notes_placeholder_height_holds_all_of_a_reader_pages_notes(new_page, site_url, key):
    """Until a reader nears them, a reader page's notes hold a placeholder height (site.css). Notes taller
    than it overflowed onto the footer: the last notes then lay on its dark background for anything that
    reads what is under them (axe found 3.2:1 contrast there). A phone, where the notes are tallest."""
    page = new_page(PHONE)
    page.goto(site_url + f"/sources/{key}/", wait_until="networkidle")
    notes = page.locator(".src-body ~ .footnote")
    placeholder = notes.evaluate("n => parseFloat(getComputedStyle(n).containIntrinsicHeight.split(' ').pop())")
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    page.wait_for_function("n => n.checkVisibility({contentVisibilityAuto: true})", arg=notes.element_handle())
    height = notes.evaluate("n => n.getBoundingClientRect().height")
    assert height <= placeholder, (f"the notes of {key} are {height:.0f}px tall on a phone, more than the "
                                   f"{placeholder:.0f}px placeholder: raise contain-intrinsic-size in site.css")


def test_print_styles_apply_in_print_only_and_do_not_hold_up_the_screen(new_page, site_url):
    page = new_page()
    page.goto(site_url + "/sources/du-alliance/", wait_until="networkidle")
    media = page.evaluate("[...document.querySelectorAll('link[rel=stylesheet]')]"
                          ".filter(l => l.href.endsWith('/print.css')).map(l => l.media)")
    assert media == ["print"]  # not render-blocking on screen
    assert page.locator(".src-lang").is_visible() and page.locator(".md-header").is_visible()
    page.emulate_media(media="print")
    assert not page.locator(".src-lang").is_visible() and not page.locator(".md-header").is_visible()
    assert page.locator("#p-2 .src-zh").is_visible() and page.locator("#p-2 .src-en").is_visible()


# ---- Figures and wide tables ---------------------------------------------------------------

@pytest.mark.parametrize("path", [THREAD, "/synthesis/ttc-timeline/"])
def test_figures_take_the_content_width_and_scroll_on_phones(new_page, site_url, path):
    page = new_page(DESKTOP)
    page.goto(site_url + path, wait_until="networkidle")
    svg = page.locator("figure.figure .figure-svg").first
    assert svg.bounding_box()["width"] >= 600
    phone = new_page(PHONE)
    phone.goto(site_url + path, wait_until="networkidle")
    figure = phone.locator("figure.figure").first
    assert figure.locator(".figure-svg").bounding_box()["width"] >= 600
    assert figure.evaluate("f => f.scrollWidth > f.clientWidth && getComputedStyle(f).overflowX === 'auto'")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # the page itself does not scroll sideways


def test_glossary_keeps_readable_columns_on_phones(new_page, site_url):
    page = new_page(PHONE)
    page.goto(site_url + "/synthesis/glossary/", wait_until="networkidle")
    table = page.locator("article table").first
    widths = table.evaluate("t => [...t.querySelectorAll('thead th')].map(c => c.getBoundingClientRect().width)")
    assert min(widths) >= 150
    box = table.bounding_box()
    # It was a 358 px wide, ~23,000 px tall column of squeezed text (a ratio near 70).
    assert box["width"] > PHONE["width"] and box["height"] / box["width"] < 20
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # the table scrolls, not the page


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390px", "1366px"])
def test_agreement_matrix_claim_column_stays_in_view(new_page, site_url, viewport):
    page = new_page(viewport)
    page.goto(site_url + "/synthesis/agreement-matrix/", wait_until="networkidle")
    claim = page.locator("article table tbody tr:first-child td:first-child").first
    other = page.locator("article table tbody tr:first-child td:nth-child(3)").first
    claim.scroll_into_view_if_needed()
    before, other_before = claim.bounding_box()["x"], other.bounding_box()["x"]
    scrolled = page.evaluate("""() => { const w = document.querySelector('article table').closest('.md-typeset__scrollwrap');
                                       w.scrollLeft = 300; return w.scrollLeft; }""")
    page.wait_for_timeout(100)
    if viewport is PHONE:
        assert scrolled > 100
    assert other.bounding_box()["x"] == pytest.approx(other_before - scrolled, abs=2)
    # The claim cell stuck to the scroll box's left edge (it starts a table padding further in).
    wrap_left = page.evaluate("document.querySelector('article table').closest('.md-typeset__scrollwrap').getBoundingClientRect().left")
    assert claim.bounding_box()["x"] == pytest.approx(max(wrap_left, before - scrolled), abs=2)
    assert claim.bounding_box()["x"] >= 0


def test_tables_framed_at_build_time_stay_in_place_and_look_like_materials(new_page, site_url):
    """reportsite/theme.py frames tables at build time so that Material's script does not move them at start-up;
    they must keep Material's table look and must not be framed twice."""
    page = new_page(PHONE)
    page.goto(site_url + "/synthesis/governance-models/", wait_until="networkidle")
    assert page.evaluate("document.querySelector('article table').className") == "prewrapped"
    facts = page.evaluate("""() => { const t = document.querySelector('article table');
        const s = getComputedStyle(t), cell = getComputedStyle(t.querySelector('td'));
        let frames = 0;
        for (let el = t.parentElement; el; el = el.parentElement) if (el.matches('.md-typeset__scrollwrap')) frames++;
        return {frames, display: s.display, borderTop: s.borderTopStyle,
                fontSize: parseFloat(s.fontSize) / parseFloat(getComputedStyle(document.documentElement).fontSize),
                cellPadding: cell.paddingTop}; }""")
    # Material's rules: .md-typeset table:not([class]) {display: inline-block; font-size: .64rem; border: solid}
    assert facts["frames"] == 1  # Material's script would have framed an unclassed table a second time
    assert facts["display"] == "inline-block" and facts["borderTop"] == "solid"
    assert facts["fontSize"] == pytest.approx(0.64, abs=0.01)
    assert facts["cellPadding"] != "0px"


def test_bibtex_in_a_closed_details_is_not_rendered_until_opened(new_page, site_url):
    """site.css keeps Material's start-up script from laying out hidden code blocks; opening one shows it whole,
    with Material's copy button."""
    page = new_page(DESKTOP)
    page.goto(site_url + "/references/", wait_until="networkidle")
    details = page.locator("article details", has=page.locator(".highlight")).first
    code = details.locator("pre code")
    assert details.get_attribute("open") is None
    assert code.evaluate("el => el.getClientRects().length") == 0  # not rendered
    details.locator("summary").click()
    expect(code).to_be_visible()
    assert code.bounding_box()["height"] > 100 and "@article" in code.inner_text()
    assert details.locator(".md-code__button, .md-clipboard").count() >= 1


def test_a_page_loads_no_preview_text_until_a_citation_is_pointed_at(new_page, site_url, built_site):
    page = new_page()
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(site_url + THREAD, wait_until="networkidle")
    assert not [u for u in requested if "/previews/" in u]
    assert "cite__preview" not in (built_site / THREAD.strip("/") / "index.html").read_text(encoding="utf-8")
    links = page.locator(".cite__ref a.cite__loc[data-passages]")
    for i in _visible_refs(page, 3):
        _bring_to_middle(links.nth(i))
        links.nth(i).hover()
        expect(links.nth(i).locator("xpath=..").locator(".cite__preview")).to_be_visible()
    key = links.first.locator("xpath=ancestor::*[@data-cite][1]").get_attribute("data-cite")
    stores = [u for u in requested if "/previews/" in u]
    assert stores and len(stores) == len(set(stores))  # each source's store once per visit
    assert any(u.endswith(f"/previews/{key}.json") for u in stores)


def test_footnote_reference_previews_its_note(new_page, site_url):
    page = new_page()
    page.goto(site_url + "/sources/ye-governance/", wait_until="networkidle")
    ref = page.locator("sup[id^='fnref'] a.footnote-ref").nth(5)
    note_id = ref.evaluate("a => decodeURIComponent(a.hash.slice(1))")
    note_text = page.evaluate("id => document.getElementById(id).textContent.replace(/↩/g, '').trim()", note_id)
    _bring_to_middle(ref)
    ref.hover()
    preview = ref.locator("xpath=..").locator(".cite__preview")
    expect(preview).to_be_visible()
    assert " ".join(preview.inner_text().split())[:40] == " ".join(note_text.split())[:40]
    assert preview.locator(".footnote-backref").count() == 0
    assert ref.get_attribute("aria-describedby") == preview.get_attribute("id")
    page.keyboard.press("Escape")
    assert not preview.is_visible()


def test_a_lost_footnote_says_so_in_its_preview(new_page, site_url):
    """Many of Du and Li's footnotes are missing from the raw file: such a note is a gap mark with a title."""
    page = new_page()
    page.goto(site_url + "/sources/du-alliance/", wait_until="networkidle")
    ref = page.locator("sup[id^='fnref'] a.footnote-ref").first
    _bring_to_middle(ref)
    ref.hover()
    preview = ref.locator("xpath=..").locator(".cite__preview")
    expect(preview).to_be_visible()
    assert "Text missing in the source" in preview.inner_text()


LAYOUT_SHIFTS = """() => new Promise(done => {
    const shifts = [];
    new PerformanceObserver(list => {
        for (const shift of list.getEntries())
            if (!shift.hadRecentInput)
                shifts.push(shift.sources.map(s => s.node ? s.node.nodeName + '.' + s.node.className : '?').join(', ')
                            + ' moved, score ' + shift.value.toFixed(4));
    }).observe({type: 'layout-shift', buffered: true});
    setTimeout(() => done(shifts), 1000);
})"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", ["/", THREAD, "/synthesis/governance-models/", "/sources/du-alliance/", "/references/"])
def test_nothing_moves_while_a_page_starts(new_page, site_url, path, scheme):
    # Lighthouse's Cumulative Layout Shift, asserted directly: nothing the page shows first moves when Material's
    # script starts (it reveals the search button and the palette toggle in the header) or when the palette applies.
    page = new_page(PHONE, color_scheme=scheme)
    page.goto(site_url + path, wait_until="load")
    assert page.evaluate(LAYOUT_SHIFTS) == []
