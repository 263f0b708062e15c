"""MkDocs hook: fills generated parts of hand-written pages (thin adapter over reportsite.pages)."""

from reportsite import pages


def on_page_markdown(markdown, page, config, files):
    return pages.fill_placeholders(markdown, page.file.src_uri)
