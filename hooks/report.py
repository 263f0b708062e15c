"""MkDocs hook: fills the generated parts of hand-written pages (thin adapter over reportsite.pages).

It runs before the citations plugin (higher event priority) so that citations
inside generated tables and figures are rendered like any other citation.
"""

import logging

import jieba
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

from reportsite import chinese, pages, report_data

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
    # Reader pages are already tagged block by block; elsewhere Chinese terms sit inside English prose.
    if page.file.src_uri.startswith("sources/") and page.file.src_uri != "sources/index.md":
        return html
    return chinese.mark_chinese_in_html(html)
