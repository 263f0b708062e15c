"""MkDocs plugin `report-citations`: a thin wrapper over mkdocs-bibtex 4.4.

mkdocs-bibtex is archived upstream. We keep what it does well — loading the
bibliography with pybtex and formatting author-date citations and reference
entries with pandoc's citeproc and a CSL style — and replace what is broken
(each defect is pinned by a test in tests/citations/test_upstream_defects.py):

* locators vanish in footnote mode and when not an English term (第68页):
  we never hand locators to pandoc; we render them ourselves, as links to the
  paragraph/page anchors of the reader pages;
* dashes and quotes come back as Markdown "smart" ASCII (``---``, ``--``, ``"``):
  pandoc's Markdown writer is asked for real Unicode (``-smart``);
* citation-like text in code spans and code blocks is processed: our parser
  skips code;
* an unknown key only logs a warning: here it fails the build with page:line.

Several citations of one work in one bracket are grouped as CSL's cite grouping
does: ``[@du-alliance, ¶28; @du-alliance, ¶31]`` reads "Du and Li 2024, ¶¶28, 31"
(Chinese pages: "¶¶28、31", "第68、70页"), with one link to the reference and one
link (and preview) per locator.
"""

from __future__ import annotations

import html
import posixpath
import re
from pathlib import Path

import pypandoc
from mkdocs.config import config_options
from mkdocs.exceptions import PluginError
from mkdocs_bibtex import registry as upstream_registry
from mkdocs_bibtex.citation import Citation as UpstreamCitation
from mkdocs_bibtex.citation import CitationBlock as UpstreamBlock
from mkdocs_bibtex.config import BibTexConfig
from mkdocs_bibtex.plugin import BibTexPlugin
from mkdocs_bibtex.registry import PandocRegistry
from mkdocs_bibtex.utils import get_path_relative_to_mkdocs_yaml
from pybtex.database import Person

from .. import bibliography
from ..sources.registry import SOURCES
from . import passages, previews
from ..checks.files import front_matter_lines
from .styles import STYLE_FOR_LANGUAGE, csl_path
from .syntax import Citation, CitationBlock, find_citation_blocks


class _UnicodePandoc:
    """Stands in for the pypandoc module inside mkdocs_bibtex.registry so that
    pandoc writes Unicode dashes and quotes instead of ``---`` and ``"``."""

    def __getattr__(self, name):
        return getattr(pypandoc, name)

    @staticmethod
    def convert_text(source, to, format, extra_args=()):
        if to.startswith("markdown") and "-smart" not in to:
            to += "-smart"
        return pypandoc.convert_text(source=source, to=to, format=format, extra_args=list(extra_args))


upstream_registry.pypandoc = _UnicodePandoc()

# One pass, so that the entities it writes are not escaped again.
_INERT = {ord(c): f"&#{ord(c)};" for c in "\\`*_[]{}#|~^$!'\""} | {ord("&"): "&amp;", ord("<"): "&lt;", ord(">"): "&gt;"}
_FOOTNOTE_MARKERS = re.compile(r"(?:\s*\[\^[^\]]+\])+\s*$")
LABELS = {
    "en": {"page": "p.\u00a0{n}", "pages": "pp.\u00a0{a}–{b}", "open": "(", "close": ")", "sep": "; ",
           "references": "References", "reader": "reader page", "bibtex": "BibTeX", "para": "¶{n}",
           "paras": "¶{a}–{b}",
           "untitled": "Title not established:", "cited_as": "Cited on this site as “{name}”.",
           # Several locators of one kind in one group: "¶¶28, 31, 35", "pp.\u00a068, 70–71".
           "para_group": "¶¶{list}", "page_group": "pp.\u00a0{list}", "group_sep": ", ", "range": "{a}–{b}"},
    "zh": {"page": "第{n}页", "pages": "第{a}–{b}页", "open": "（", "close": "）", "sep": "；",
           "references": "参考文献", "reader": "原文", "bibtex": "BibTeX", "para": "¶{n}",
           "paras": "¶{a}–{b}", "untitled": "题名待考：", "cited_as": "",
           "para_group": "¶¶{list}", "page_group": "第{list}页", "group_sep": "、", "range": "{a}–{b}"},
}


def inert(text: str) -> str:
    """Text that neither HTML nor Markdown will interpret."""
    return text.translate(_INERT)


ROMANIZED_AUTHORS_FIELD = "authorlatin"


def romanize_authors(registry: PandocRegistry) -> None:
    """On English pages cite Chinese authors by their romanized names.

    An entry's ``authorlatin`` field (BibTeX name list, e.g. ``Du, Dongguang and
    Li, Xiangyi``) replaces its ``author`` for this registry only, so English
    readers see "Du and Li 2024" while Chinese pages keep 杜洞光、李相毅.
    """
    for entry in registry.bib_data.entries.values():
        latin = entry.fields.get(ROMANIZED_AUTHORS_FIELD)
        if latin:
            entry.persons["author"] = [Person(name.strip()) for name in re.split(r"\s+and\s+", str(latin))]
        elif not entry.persons.get("author") and entry.fields.get("shortname"):
            # An unsigned work is cited by its title; on English pages that is the site's English short name
            # ("People's Tribune article n.d."), not the long Chinese title, so prose and citations agree.
            entry.fields["shorttitle"] = str(entry.fields["shortname"])
    registry.__dict__.pop("bib_data_bibtex", None)  # drop pybtex's cached BibTeX text


class CitationsConfig(BibTexConfig):
    preview_chars = config_options.Type(int, default=220)
    sources_dir = config_options.Type(str, default="sources")
    references_page = config_options.Type(str, default="references.md")


class CitationsPlugin(BibTexPlugin):
    config_class = CitationsConfig

    def __init__(self):
        super().__init__()
        self._registries: dict[str, PandocRegistry] = {}

    # -- configuration ----------------------------------------------------
    def on_config(self, config):
        if not self.config.csl_file:
            self.config.csl_file = str(csl_path(STYLE_FOR_LANGUAGE["en"]))
        # Fail on a broken bibliography with its file and line, before pybtex
        # gets a chance to fail without one.
        if self.config.bib_file:
            self._bib_files = [Path(get_path_relative_to_mkdocs_yaml(self.config.bib_file, config))]
        else:
            self._bib_files = sorted(Path(get_path_relative_to_mkdocs_yaml(self.config.bib_dir, config)).rglob("*.bib"))
        try:
            self.entries = {}
            for path in self._bib_files:
                self.entries.update(bibliography.load_file(path))
        except bibliography.BibliographyError as exc:
            raise PluginError(str(exc)) from exc
        result = super().on_config(config)
        romanize_authors(self.registry)
        self._registries = {"en": self.registry}
        passages.load_all.cache_clear()
        return result

    def _registry(self, lang: str) -> PandocRegistry:
        if lang not in self._registries:
            self._registries[lang] = PandocRegistry(
                bib_files=[str(path) for path in self._bib_files],
                csl_file=str(csl_path(STYLE_FOR_LANGUAGE[lang])),
                csl_file_encoding=None,
                footnote_format=self.config.footnote_format,
            )
        return self._registries[lang]

    # -- pages --------------------------------------------------------------
    def on_page_markdown(self, markdown, page, config, files):
        lang = "zh" if str(page.meta.get("lang", "en")).startswith("zh") else "en"
        registry = self._registry(lang)
        blocks = find_citation_blocks(markdown)
        src = f"docs/{page.file.src_uri}"
        for block in blocks:
            for cite in block.citations:
                if cite.key not in registry.bib_data.entries:
                    # MkDocs strips the front matter before plugins see the page: count it back in.
                    offset = front_matter_lines(Path(page.file.abs_src_path).read_text(encoding="utf-8")) \
                        if page.file.abs_src_path else 0
                    raise PluginError(
                        f"{src}:{cite.line + offset}:{cite.column}: unknown citation key '@{cite.key}'; "
                        f"known keys: {', '.join(sorted(registry.bib_data.entries))} (bib/*.bib)"
                    )
        singles = {self._single_key(c): UpstreamBlock([UpstreamCitation(key=c.key, prefix=c.prefix)])
                   for b in blocks for c in b.citations}
        if singles:
            registry.validate_citation_blocks(list(singles.values()))
        cited: dict[str, None] = {}
        out, pos = [], 0
        for block in blocks:
            out.append(markdown[pos : block.start])
            out.append(self._render_block(block, registry, singles, page, files, lang))
            pos = block.end
            cited.update({c.key: None for c in block.citations})
        out.append(markdown[pos:])
        markdown = "".join(out)
        if "<!-- full-bibliography -->" in markdown:
            markdown = markdown.replace("<!-- full-bibliography -->", self._full_bibliography(registry, page, files, lang))
        elif cited:
            markdown += "\n\n" + self._page_references(list(cited), registry, page, files, lang)
        return markdown

    @staticmethod
    def _single_key(cite: Citation) -> str:
        return f"{cite.prefix}\x00{cite.key}"

    def _url(self, page, files, src_path: str, fragment: str = "", query: str = "") -> str:
        target = files.get_file_from_path(src_path)
        if target is None:
            raise PluginError(f"{page.file.src_uri}: citation target page '{src_path}' does not exist")
        url = posixpath.relpath(target.url or ".", posixpath.dirname(page.url) or ".") if target.url else "."
        if target.url.endswith("/") and not url.endswith("/"):
            url += "/"
        if target.url == page.url:
            url = ""
        return url + (f"?{query}" if query else "") + (f"#{fragment}" if fragment else "")

    def _author_date(self, cite: Citation, registry: PandocRegistry, singles) -> str:
        text = registry.inline_text(singles[self._single_key(cite)])
        text = _FOOTNOTE_MARKERS.sub("", text).strip()
        for opening, closing in (("(", ")"), ("（", "）")):
            if text.startswith(opening) and text.endswith(closing):
                text = text[1:-1]
        return text

    def _render_block(self, block: CitationBlock, registry, singles, page, files, lang: str) -> str:
        labels = LABELS[lang]
        parts = [self._render_group(group, registry, singles, page, files, labels)
                 for group in self._group(block.citations)]
        return f'<span class="cite-group">{labels["open"]}{labels["sep"].join(parts)}{labels["close"]}</span>'

    @staticmethod
    def _group(citations: list[Citation]) -> list[list[Citation]]:
        """Citations of one work within a bracket, gathered as CSL's cite grouping does.

        Works keep the order in which the author first cites them; a later citation joins
        its work's group unless it has a prefix of its own ("see", "cf.") that differs.
        """
        groups: list[list[Citation]] = []
        for cite in citations:
            home = next((g for g in groups if g[0].key == cite.key and cite.prefix in ("", g[0].prefix)), None)
            if home is None:
                groups.append([cite])
            else:
                home.append(cite)
        return groups

    def _render_group(self, group: list[Citation], registry, singles, page, files, labels) -> str:
        """One author–date (one link to the reference), then every locator of the group,
        each its own link to its paragraph or page, with its own preview."""
        first = group[0]
        reader = f"{self.config.sources_dir}/{first.key}.md"
        work = inert(self._author_date(first, registry, singles))
        ref_url = html.escape(self._url(page, files, page.file.src_uri, f"ref-{first.key}"))
        index = passages.load_all().get(first.key)
        linked = first.key in SOURCES
        # (kind, first, last, url, preview paragraphs), in the author's order.
        items: list[tuple[str, int, int, str | None, list[int]]] = []
        for cite in group:
            cited_paragraphs = cite.locator.paragraph_numbers()
            for a, b in cite.locator.pages:
                url = self._url(page, files, reader, f"page-{a}") if linked else None
                shown = []
                if index:
                    on_page = index.paragraphs_on_page(a)
                    shown = [n for n in cited_paragraphs if n in on_page][:1] or on_page[:1]
                items.append(("page", a, b, url, shown))
            for a, b in cite.locator.paragraphs:
                query = f"hl={a}-{b}" if b != a else ""
                url = self._url(page, files, reader, f"p-{a}", query) if linked else None
                items.append(("para", a, b, url, list(range(a, min(b, a + 1) + 1))))
        pieces = [f'<a class="cite__work" href="{ref_url}">{work}</a>']
        kinds = {kind for kind, *_ in items}
        if len(items) > 1 and len(kinds) == 1:
            # "¶¶28, 31, 35": the sign once, each number its own link named in full for screen readers.
            kind = kinds.pop()
            links = [self._locator(url, labels["range"].format(a=a, b=b) if a != b else str(a), index, shown,
                                   labels, name=self._label(k, a, b, labels))
                     for k, a, b, url, shown in items]
            pieces.append(labels[f"{kind}_group"].format(list=labels["group_sep"].join(links)))
        else:
            pieces += [self._locator(url, self._label(k, a, b, labels), index, shown, labels)
                       for k, a, b, url, shown in items]
        return f'<span class="cite" data-cite="{html.escape(first.key)}">{", ".join(pieces)}</span>'

    @staticmethod
    def _label(kind: str, first: int, last: int, labels) -> str:
        if kind == "page":
            return labels["page"].format(n=first) if first == last else labels["pages"].format(a=first, b=last)
        return labels["para"].format(n=first) if first == last else labels["paras"].format(a=first, b=last)

    def _locator(self, url: str | None, label: str, index, paragraphs: list[int], labels,
                 name: str | None = None) -> str:
        """A locator link to its paragraph or page, naming the paragraphs its preview shows
        (``data-passages``; the text is in the source's preview store, see previews.py).

        `name`, when the visible label is a bare number of a group ("31" in "¶¶28, 31"), is the
        link's accessible name in full ("¶31"); it contains the visible text (WCAG 2.5.3).
        """
        shown = [n for n in paragraphs if index and n in index.paragraphs]
        passages_attr = f' data-passages="{" ".join(map(str, shown))}"' if shown else ""
        named = f' aria-label="{html.escape(name)}"' if name and name != label else ""
        if url is None:
            link = f'<span class="cite__loc"{passages_attr}>{label}</span>'
        else:
            link = f'<a class="cite__loc" href="{html.escape(url)}"{named}{passages_attr}>{label}</a>'
        return f'<span class="cite__ref">{link}</span>'

    # -- after the build ------------------------------------------------------
    def on_post_build(self, config):
        previews.write_stores(passages.load_all(), config["site_dir"], self.config.preview_chars)

    def _reference_line(self, key: str, registry, page, files, lang: str, with_bibtex_link: bool) -> str:
        labels = LABELS[lang]
        text = registry.reference_text(UpstreamCitation(key=key))
        missing_title = registry.bib_data.entries[key].fields.get("titleunknown")
        if missing_title:
            # CSL prints nothing where the title should be; say why, so the gap is not read as an error.
            text = text.rstrip() + f' {labels["untitled"]} {inert(str(missing_title))}'
        fields = registry.bib_data.entries[key].fields
        if lang == "en" and fields.get("titletranslation"):
            # English readers get the title in English; an unsigned work also says how the site cites it.
            text = text.rstrip() + f' [{inert(str(fields["titletranslation"]))}]'
            if fields.get("shorttitle") and fields.get("shorttitle") == fields.get("shortname"):
                text += f' {labels["cited_as"].format(name=inert(str(fields["shortname"])))}'
        links = []
        if key in SOURCES:
            links.append(f'[{labels["reader"]}]({self._rel_md(page, f"{self.config.sources_dir}/{key}.md")})')
        if with_bibtex_link:
            links.append(f'[{labels["bibtex"]}]({self._rel_md(page, self.config.references_page)}#bib-{key})')
        return f'<p class="ref" id="ref-{key}" markdown>{text}{" · " + " · ".join(links) if links else ""}</p>'

    @staticmethod
    def _rel_md(page, target_src: str) -> str:
        return posixpath.relpath(target_src, posixpath.dirname(page.file.src_uri) or ".")

    def _page_references(self, keys: list[str], registry, page, files, lang: str) -> str:
        self._ensure_references(keys, registry)
        body = "\n\n".join(self._reference_line(k, registry, page, files, lang, True) for k in sorted(keys))
        return f'## {LABELS[lang]["references"]} {{ #references }}\n\n<div class="references" markdown>\n\n{body}\n\n</div>\n'

    def _ensure_references(self, keys, registry) -> None:
        missing = [k for k in keys if k not in registry._reference_cache]
        if missing:
            registry.validate_citation_blocks([UpstreamBlock([UpstreamCitation(key=k)]) for k in missing])

    def _full_bibliography(self, registry, page, files, lang: str) -> str:
        keys = sorted(registry.bib_data.entries)
        self._ensure_references(keys, registry)
        sections = []
        for key in keys:
            entry = self.entries.get(key)
            bibtex = entry.source if entry else ""
            sections.append(
                self._reference_line(key, registry, page, files, lang, False).replace(f'id="ref-{key}"', f'id="bib-{key}"', 1)
                + f'\n\n??? example "BibTeX · `{key}`"\n\n    ```bibtex\n'
                + "\n".join("    " + line for line in bibtex.splitlines())
                + "\n    ```\n"
            )
        return '<div class="references references--full" markdown>\n\n' + "\n\n".join(sections) + "\n\n</div>\n"
