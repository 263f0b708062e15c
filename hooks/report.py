"""MkDocs hook: fills the generated parts of hand-written pages (thin adapter over reportsite.pages).

It runs before the citations plugin (higher event priority) so that citations
inside generated tables and figures are rendered like any other citation.
"""

import logging
import os

import jieba
from bs4 import BeautifulSoup
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

from reportsite import chinese, pages, report_data, theme
from reportsite import search as search_index

# Material's search segments Chinese with jieba, which logs a banner on every build. Hooks are imported
# while the configuration loads, before any plugin's on_config initialises jieba.
jieba.setLogLevel(logging.WARNING)


def on_config(config):
    report_data.abbreviations.cache_clear()


@event_priority(50)
def on_page_markdown(markdown, page, config, files):
    try:
        return pages.fill_placeholders(markdown, page.file.src_uri, title=page.title or "", site_url=config.site_url or "")
    except report_data.DataError as exc:
        raise PluginError(str(exc)) from exc


def on_page_content(html, page, config, files):
    soup = BeautifulSoup(html, "html.parser")
    pages.abbreviations_at_first_use(soup)
    theme.prewrap_tables(soup)
    # Reader pages are already tagged block by block; elsewhere Chinese terms sit inside English prose.
    if not (page.file.src_uri.startswith("sources/") and page.file.src_uri != "sources/index.md"):
        chinese.mark_chinese(soup, soup)
    return str(soup)


# ---- Search (thin adapter over reportsite.search) --------------------------------------------------
_search_index = None


def on_pre_build(config):
    global _search_index
    # The PDF edition builds the site only to print it: it needs no search index.
    wanted = not os.environ.get(search_index.SKIP_ENV)
    _search_index = search_index.builder_from_mkdocs_config(config) if wanted else None


# Before Material's search plugin (priority 0), which strips the data-search-* attributes from the page.
@event_priority(100)
def on_page_context(context, page, config, nav):
    if _search_index is not None:
        _search_index.add_page(page.content or "", page.url, page.title or "", page.meta)
    return context


# After Material's search plugin has written its index: this one replaces it.
@event_priority(-100)
def on_post_build(config):
    if _search_index is not None:
        _search_index.write(config.site_dir)
    # A warning fails the strict build: Material changed, and reportsite/theme.py needs a look.
    log = logging.getLogger("mkdocs.plugins.reportsite")
    if config.theme.get("palette") and not theme.trim_palette_stylesheets(config.site_dir):
        log.warning("Material's palette stylesheet no longer has the [%s] rule that reportsite/theme.py removes; "
                    "check what Material does now and update or drop reportsite/theme.py", theme.SWITCHING_ATTRIBUTE)
    try:
        styled = theme.style_prewrapped_tables(config.site_dir)
    except ValueError as exc:
        raise PluginError(str(exc)) from exc
    if not styled:
        log.warning("Material's stylesheet no longer styles tables as %s: the tables reportsite/theme.py frames at "
                    "build time would lose their look; update reportsite/theme.py", theme.UNCLASSED_TABLE)
