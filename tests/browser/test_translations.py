"""The English translation in the browser: the 中文 / English / both control, and previews in English."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def _visible(page, selector: str) -> bool:
    return page.locator(selector).first.is_visible()


def test_language_control_switches_and_is_remembered(page, site_url):
    page.goto(site_url + "/sources/du-alliance/", wait_until="networkidle")
    # Default: both languages, side by side on a wide screen.
    assert page.locator("#src-lang-both").is_checked()
    zh, en = page.locator("#p-2 .src-zh"), page.locator("#p-2 .src-en")
    assert zh.is_visible() and en.is_visible()
    zh_box, en_box = zh.bounding_box(), en.bounding_box()
    assert en_box["x"] > zh_box["x"] + zh_box["width"] / 2, "two columns on a wide screen"
    assert zh.get_attribute("lang") == "zh-Hans" and en.get_attribute("lang") == "en"

    # A note's English rendering follows the control too (the notes are laid out only when a reader nears
    # them, so this asks whether it is displayed, not whether it is on screen).
    note_en = "#fn\\:du-alliance-47 .src-en"
    displayed = "sel => document.querySelector(sel).checkVisibility()"
    assert page.evaluate(displayed, note_en)

    page.click("label[for=src-lang-en]")
    assert en.is_visible() and not zh.is_visible()
    assert page.evaluate(displayed, note_en)
    page.click("label[for=src-lang-zh]")
    assert zh.is_visible() and not en.is_visible()
    assert not page.evaluate(displayed, note_en)

    # The choice survives a new page load.
    page.goto(site_url + "/sources/ye-governance/", wait_until="networkidle")
    assert page.locator("#src-lang-zh").is_checked()
    assert not page.locator("#p-2 .src-en").is_visible()
    page.click("label[for=src-lang-both]")


def test_paragraphs_stack_on_a_phone(browser, site_url):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(site_url + "/sources/zhang-roadmap/", wait_until="networkidle")
    zh, en = page.locator("#p-2 .src-zh").bounding_box(), page.locator("#p-2 .src-en").bounding_box()
    assert en["y"] >= zh["y"] + zh["height"] - 1, "stacked: English below the Chinese"
    context.close()


def test_without_javascript_both_languages_show(browser, site_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site_url + "/sources/rmlt-proposals/")
    assert page.locator("#p-3 .src-zh").is_visible() and page.locator("#p-3 .src-en").is_visible()
    page.click("label[for=src-lang-en]")  # the control itself is CSS: it works without scripts
    assert not page.locator("#p-3 .src-zh").is_visible()
    context.close()


def test_citation_preview_shows_english_first(page, site_url):
    page.goto(site_url + "/threads/roadmap-goals/", wait_until="networkidle")
    ref = page.locator(".cite__ref").filter(has=page.locator(".cite__loc[data-passages]")).first
    ref.locator(".cite__loc").focus()
    preview = ref.locator(".cite__preview")
    expect(preview).to_be_visible()
    text = preview.inner_text()
    assert text.index("English") < text.index("中文原文")
    assert preview.locator(".cite__preview-en").get_attribute("lang") == "en"
