"""`reportsite pdf`: the whole report as one linked, archivable PDF (WeasyPrint).

The PDF is made from the built site, so it carries exactly what the site shows:
each page's article HTML is taken in reading order (cover, contents, the home
page's introduction, the threads, the synthesis pages, the references, and an
appendix with the five sources' reader pages), every id is prefixed with its
page so ids stay unique, and every link to another page of the report becomes a
link inside the PDF — a ¶ citation jumps to that paragraph in the appendix.
Links to pages the PDF leaves out point at the site when SITE_URL is set and
are plain text otherwise. Print layout lives in docs/stylesheets/print.css,
which the site also uses for the browser's own print.

Reproducible: the creation date is SOURCE_DATE_EPOCH, or the commit's date.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import yaml
from bs4 import BeautifulSoup, Comment, Tag

from .chinese import mark_chinese
from .problems import Problem
from .sources.registry import REPO_ROOT
from .theme import unwrap_prewrapped_tables

CONFIG = REPO_ROOT / "mkdocs.yml"
PRINT_CSS = REPO_ROOT / "docs" / "stylesheets" / "print.css"
OUTPUT = REPO_ROOT / "site" / "downloads" / "us-eu-ai-report.pdf"
LICENCE = "Text: CC BY 4.0. Code: MIT. The source documents reprinted in the appendix remain the work of their authors and publishers."

_BASE = "https://report.invalid/"  # resolves relative links; never fetched
# Runs of Chinese characters and CJK punctuation (text, not HTML).
# Inline SVG does not see the document's stylesheets in WeasyPrint, so figures get
# their paper colours here (the browser's print uses print.css instead).
_SVG_STYLE = """
text { font-family: "Noto Sans CJK SC", "DejaVu Sans", sans-serif; fill: #1a1a1a; }
.argmap__heading { font-weight: bold; fill: #555; }
.argmap__box { stroke-width: 1.5; }
.argmap__box--claim { fill: #e8eaf6; stroke: #3f51b5; }
.argmap__box--reason { fill: #ffffff; stroke: #3f51b5; }
.argmap__box--evidence { fill: #f5f5f5; stroke: #9e9e9e; }
.argmap__label--claim { font-weight: bold; }
.argmap__attribution, .argmap__attribution--claim { fill: #555; }
.argmap__edge { fill: none; stroke: #757575; stroke-width: 1.4; }
.argmap__arrowhead { fill: #757575; }
.timeline__axis, .timeline__tick { stroke: #1a1a1a; stroke-width: 1.5; }
.timeline__stem { stroke: #bdbdbd; }
.timeline__year { font-weight: bold; }
.timeline__date { fill: #555; font-size: 11px; }
.timeline__mark--meeting { fill: #3f51b5; }
.timeline__mark--milestone { fill: #e91e63; }
"""


class PdfError(Exception):
    """A problem that stops the PDF build; the message says what to do."""


@dataclass(frozen=True)
class Chapter:
    url: str    # site-relative URL of the page, "" for the home page
    title: str  # short title (from the nav): running header, contents, bookmarks of parts
    kind: str   # intro | thread | synthesis | references | source

    @property
    def slug(self) -> str:
        return self.url.strip("/").replace("/", "-") or "introduction"


@dataclass(frozen=True)
class Version:
    commit: str | None
    epoch: int
    dirty: bool

    @property
    def date(self) -> str:
        return datetime.fromtimestamp(self.epoch, timezone.utc).strftime("%Y-%m-%d")

    @property
    def iso(self) -> str:
        return datetime.fromtimestamp(self.epoch, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- Inputs ---------------------------------------------------------------------

def _mkdocs_yml(config: Path = CONFIG) -> dict:
    class Loader(yaml.SafeLoader):
        pass
    Loader.add_multi_constructor("", lambda loader, suffix, node: None)  # !ENV, !!python/…: not needed here
    return yaml.load(config.read_text(encoding="utf-8"), Loader=Loader)


def _url(md_path: str) -> str:
    return "" if md_path == "index.md" else md_path.removesuffix(".md").removesuffix("index").rstrip("/") + "/"


def chapters(config: Path = CONFIG) -> dict[str, list[Chapter]]:
    """The PDF's parts in reading order, from mkdocs.yml's nav (section index pages become part openers)."""
    sections = {"Threads": "thread", "Synthesis": "synthesis", "Sources": "source"}
    parts: dict[str, list[Chapter]] = {"intro": [Chapter("", "Introduction", "intro")]}
    for item in _mkdocs_yml(config)["nav"]:
        (title, value), = item.items()
        if title in sections:
            kind = sections[title]
            parts[kind] = [Chapter(_url(path), name, kind) for entry in value if isinstance(entry, dict)
                           for name, path in entry.items()]
        elif title == "References":
            parts["references"] = [Chapter(_url(value), title, "references")]
    order = ["intro", "thread", "synthesis", "references", "source"]
    return {kind: parts.get(kind, []) for kind in order}


def version(repo: Path = REPO_ROOT) -> Version:
    def git(*args: str) -> str | None:
        try:
            out = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True)
            return out.stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            return None
    commit = git("rev-parse", "HEAD")
    epoch = os.environ.get("SOURCE_DATE_EPOCH") or git("log", "-1", "--format=%ct") or "0"
    dirty = bool(git("status", "--porcelain", "--untracked-files=no"))
    return Version(commit, int(epoch), dirty)


def check_engine():
    """WeasyPrint, its system libraries and a CJK font; one clear PdfError otherwise."""
    try:
        import weasyprint
    except ModuleNotFoundError as exc:
        raise PdfError(f"the PDF engine WeasyPrint is not installed (no module '{exc.name}'): run `make install`, "
                       "which installs the versions pinned in requirements.txt") from None
    except OSError as exc:  # cffi cannot open Pango's shared library
        raise PdfError(f"the PDF engine WeasyPrint cannot load the Pango library ({exc}). "
                       "Install it: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0") from None
    if not cjk_fonts():
        raise PdfError("no font with Chinese characters was found (`fc-list :lang=zh` lists none). "
                       "Install Noto CJK: sudo apt-get install fonts-noto-cjk")
    return weasyprint


def cjk_fonts() -> list[str]:
    try:
        out = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return []
    return sorted({line.strip() for line in out.splitlines() if "Noto" in line and "CJK" in line})


# --- Assembly --------------------------------------------------------------------

class _Linker:
    """Rewrites ids and links of one page so the page can live inside the single PDF document."""

    def __init__(self, slugs: dict[str, str], site_url: str):
        self.slugs = slugs
        self.site_url = site_url

    def prefix_ids(self, article: Tag, slug: str) -> None:
        for tag in article.find_all(id=True):
            if tag.find_parent("svg") is None and tag.name != "svg":
                tag["id"] = f"{slug}--{tag['id']}"
        for tag in article.find_all("a", attrs={"name": True}):
            del tag["name"]

    def target(self, href: str, page_url: str, slug: str) -> str | None:
        """The rewritten href: '#…' inside the PDF, an absolute URL, or None for plain text."""
        if href.startswith("#"):
            return f"#{slug}--{href[1:]}" if len(href) > 1 else f"#{slug}"
        absolute = urljoin(_BASE + page_url, href)
        if not absolute.startswith(_BASE):
            return href  # another host, mailto: …
        parts = urlsplit(absolute)
        path = parts.path.lstrip("/").removesuffix("index.html")
        if path in self.slugs:
            return f"#{self.slugs[path]}--{parts.fragment}" if parts.fragment else f"#{self.slugs[path]}"
        if path.removesuffix("/") + "/" == "/" and "" in self.slugs:  # the home page
            return f"#{self.slugs['']}"
        if self.site_url:
            return self.site_url + path + (f"#{parts.fragment}" if parts.fragment else "")
        return None

    def rewrite_links(self, article: Tag, page_url: str, slug: str) -> None:
        for a in article.find_all("a"):
            attr = "href" if a.has_attr("href") else "xlink:href" if a.has_attr("xlink:href") else None
            if attr is None:
                continue
            new = self.target(a[attr], page_url, slug)
            if new is None:
                a.unwrap()
                continue
            a[attr] = new
            if new.startswith("#") and "--" not in new and not a.find_parent("svg"):
                a["class"] = [*a.get("class", []), "pdf-xref"]  # print.css adds the chapter's page


def _drop_section(article: Tag, heading_id: str) -> None:
    """Remove the heading with this id and everything after it up to the next heading of the same level."""
    heading = article.find(id=heading_id)
    if heading is None:
        return
    for sibling in list(heading.find_next_siblings()):
        if sibling.name in ("h1", heading.name):
            break
        sibling.decompose()
    heading.decompose()


def _details_to_div(soup: BeautifulSoup, details: Tag) -> None:
    details.name = "div"
    details["class"] = ["admonition", *details.get("class", [])]
    summary = details.find("summary")
    if summary:
        summary.name = "p"
        summary["class"] = ["admonition-title"]


def _clean(soup: BeautifulSoup, article: Tag) -> None:
    """What is chrome on paper: permalinks, edit buttons, comments, "Cite this page"."""
    for tag in article.select("a.headerlink, .md-content__button, .md-source-file, .src-lang"):
        tag.decompose()
    unwrap_prewrapped_tables(article)  # the screen's scrolling frames; paper lays tables out itself
    for comment in article.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    _drop_section(article, "cite-this-page")


def _mark_chinese(soup: BeautifulSoup, article: Tag) -> None:
    mark_chinese(soup, article)


def _fragment(soup: BeautifulSoup, html: str) -> list[Tag]:
    return [node for node in BeautifulSoup(html.strip(), "html.parser").contents
            if isinstance(node, Tag) or node.strip()]


def _intro(soup: BeautifulSoup, article: Tag, chapter: Chapter, site_url: str) -> None:
    """The home page, adapted to paper: its citation guide speaks of the appendix, not of clicks and hovers."""
    h1 = article.find("h1")
    h1.string = "Introduction"
    for heading_id in ("the-threads", "also-here"):
        _drop_section(article, heading_id)
    how = article.find(id="how-to-read-a-citation")
    if how is None:
        raise PdfError("docs/index.md has no section 'How to read a citation': the PDF's introduction adapts it")
    for sibling in list(how.find_next_siblings()):
        if sibling.name in ("h1", "h2"):
            break
        sibling.decompose()
    online = f' The online edition, <a href="{site_url}">{site_url}</a>,' if site_url else " The online edition"
    how.insert_after(*_fragment(soup, (
        "<p>A citation such as (Zhang et al. 2022, ¶12) names the authors and year, then the paragraph. "
        "The five sources are printed in full in the appendix, where every paragraph carries its number "
        "in the margin (¶12) and, for the journal articles, markers such as [p. 70] show where a printed "
        "page of the original begins; a page locator (p. 70) refers to those printed pages. To check a "
        "citation, turn to the source in the appendix (the contents list it under its authors and year) "
        "and find the paragraph by its number. In the PDF, every ¶ and page locator is also a link to "
        "that place in the appendix.</p>"
        f"<p>Each chapter ends with its references; the <a href=\"references/\">References</a> chapter lists "
        f"all five sources with their BibTeX.{online} opens the same passages from each citation and shows "
        "a preview of the cited text.</p>")))


def _part_opener(soup: BeautifulSoup, article: Tag | None, title: str, extra: str = "") -> list[Tag]:
    """A part's first page: the section index page's heading and opening prose (lists of its pages included)."""
    heading = soup.new_tag("h1", attrs={"class": "pdf-part__title"})
    heading.string = title
    nodes: list[Tag] = [heading]
    if article is not None:
        for child in list(article.find_all(recursive=False)):
            if child.name == "h1":
                continue
            if child.name not in ("p", "ul"):
                break
            nodes.append(child.extract())
    nodes += _fragment(soup, extra) if extra else []
    return nodes


def _appendix_source(soup: BeautifulSoup, article: Tag, chapter: Chapter, site_url: str) -> None:
    """A reader page for paper: its card, the short preparation summary and the text with ¶ numbers and notes."""
    key = chapter.url.strip("/").split("/")[-1]
    online = f'<a href="{site_url}{chapter.url}">{site_url}{chapter.url}</a>' if site_url else \
        f"the reader page <code>{chapter.url}</code> of the report's website"
    prepared = next((d for d in article.find_all("details", recursive=False)
                     if d.find("summary") and d.find("summary").get_text().startswith("How this text was prepared")), None)
    if prepared is not None:
        for table in prepared.find_all("table")[1:]:
            table.decompose()
        spun = " and, for each paragraph, the text as it was reposted" if article.select("details.quote") else ""
        prepared.append(_fragment(soup, (
            f'<p class="pdf-online-pointer">The full record of the repairs — every change with its place, '
            f"the text before and after, and the reason{spun} — is not printed here; it is on {online}.</p>"))[0])
    for quote in article.select(".src-body details.quote"):
        quote.decompose()
    for para in article.select(".src-para--bilingual"):
        # The ¶ number's own empty paragraph would be left behind at a page end; it goes in the Chinese text's first line.
        first, zh = para.find("p", recursive=False), para.select_one(".src-zh p")
        pnum = first.select_one("a.src-pnum") if first else None
        if pnum is not None and zh is not None and not first.get_text(strip=True).replace(pnum.get_text(), ""):
            zh.insert(0, pnum.extract())
            first.decompose()
    h1 = article.find("h1")
    kicker = soup.new_tag("span", attrs={"class": "pdf-kicker", "lang": "en"})
    kicker.string = chapter.title.split(" · ")[0]
    h1.insert(0, kicker)
    notes = article.select_one("div.footnote")
    if notes is not None:
        notes.insert(0, _fragment(soup, '<p class="pdf-notes-title">Notes · 注释</p>')[0])
    if key and not article.select(".src-para"):
        raise PdfError(f"docs/sources/{key}.md has no numbered paragraphs (.src-para): run `make sources`")


def _cover(v: Version, site_url: str, site_name: str) -> str:
    commit = f"commit <code>{v.commit[:12]}</code> of {v.date}" if v.commit else f"version of {v.date}"
    dirty = " (with uncommitted changes)" if v.dirty else ""
    url = f'<p class="pdf-cover__url">Online edition: <a href="{site_url}">{site_url}</a></p>' if site_url else ""
    return f"""
<section class="pdf-cover" id="cover">
  <p class="pdf-cover__kicker">A source-linked report</p>
  <h1 class="pdf-cover__title">{site_name}</h1>
  <p class="pdf-cover__subtitle">Five Chinese-language analyses of US–EU cooperation on artificial intelligence
  and of global AI governance, read paragraph by paragraph, with the sources’ full texts in the appendix</p>
  <div class="pdf-cover__colophon">
    <p>The report’s contributors</p>
    <p>PDF edition built from {commit}{dirty}.</p>
    {url}
    <p>{LICENCE}</p>
  </div>
</section>"""


def _contents(parts: dict[str, list[Chapter]], titles: dict[str, str]) -> str:
    def entry(href: str, label: str, cls: str) -> str:
        return f'<li class="{cls}"><a href="#{href}">{label}</a></li>'
    items = []
    names = {"thread": "Threads", "synthesis": "Synthesis", "source": "Appendix: the sources"}
    for kind, chapters_ in parts.items():
        if kind in names:
            items.append(entry(f"part-{kind}", names[kind], "pdf-toc__part"))
        for ch in chapters_:
            label = titles.get(ch.slug, ch.title)
            items.append(entry(ch.slug, label, "pdf-toc__chapter" if kind in names else "pdf-toc__part"))
    return f'<nav class="pdf-toc" id="contents"><h1 class="pdf-toc__title">Contents</h1><ul>{"".join(items)}</ul></nav>'


def assemble(site_dir: Path, v: Version, site_url: str = "", config: Path = CONFIG) -> str:
    """The single HTML document WeasyPrint renders."""
    site_url = site_url.rstrip("/") + "/" if site_url else ""
    parts = chapters(config)
    site_name = _mkdocs_yml(config).get("site_name", "")
    all_chapters = [ch for chs in parts.values() for ch in chs]
    linker = _Linker({ch.url: ch.slug for ch in all_chapters}, site_url)
    soup = BeautifulSoup("<!DOCTYPE html><html lang='en'><head></head><body class='pdf-edition'></body></html>",
                         "html.parser")
    body = soup.body
    body.append(_fragment(soup, _cover(v, site_url, site_name))[0])
    titles: dict[str, str] = {}
    sections: list[Tag] = []
    for kind, chapters_ in parts.items():
        if kind in ("thread", "synthesis", "source"):
            index_url = {"thread": "threads/", "synthesis": "synthesis/", "source": "sources/"}[kind]
            index = _article(site_dir, index_url, required=False)
            title = {"thread": "Threads", "synthesis": "Synthesis", "source": "Appendix: the sources"}[kind]
            extra = ""
            if kind == "source":
                extra = ("<p>Each text is printed as the site’s reader page shows it: the bibliographic card, a short "
                         "account of how the text was prepared, then the text with its paragraph numbers (¶) in the "
                         "margin, printed-page markers such as [p. 70] and the notes. The long tables of individual "
                         "repairs stay online; each source says where.</p>")
            part = soup.new_tag("section", attrs={"class": f"pdf-part pdf-part--{kind}", "id": f"part-{kind}"})
            if index is not None:
                _clean(soup, index)
                linker.rewrite_links(index, index_url, f"part-{kind}")
            part.extend(_part_opener(soup, index, title, extra))
            sections.append(part)
        for ch in chapters_:
            article = _article(site_dir, ch.url)
            _clean(soup, article)
            if kind == "intro":
                _intro(soup, article, ch, site_url)
            elif kind == "source":
                _appendix_source(soup, article, ch, site_url)
            for details in article.find_all("details"):
                _details_to_div(soup, details)
            linker.prefix_ids(article, ch.slug)
            linker.rewrite_links(article, ch.url, ch.slug)
            h1 = article.find("h1")
            titles[ch.slug] = ch.title
            if h1 is not None:
                h1["data-running"] = ch.title
            section = soup.new_tag("section", attrs={"class": f"pdf-chapter pdf-chapter--{kind}", "id": ch.slug})
            section.extend(list(article.contents))
            sections.append(section)
    body.append(_fragment(soup, _contents(parts, titles))[0])
    body.extend(sections)
    for svg in body.find_all("svg"):
        style = soup.new_tag("style")
        style.string = _SVG_STYLE
        svg.insert(0, style)
    _mark_chinese(soup, body)
    _check_links(body)
    _head(soup, site_name, v, site_url)
    return str(soup)


def _article(site_dir: Path, url: str, required: bool = True) -> Tag | None:
    page = site_dir / url / "index.html"
    if not page.exists():
        if not required:
            return None
        raise PdfError(f"{page}: page missing from the built site — is it still in mkdocs.yml's nav?")
    article = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").select_one("article.md-content__inner")
    if article is None:
        raise PdfError(f"{page}: no <article class=\"md-content__inner\"> — has the theme changed?")
    return article


def _check_links(body: Tag) -> None:
    """Every '#' link must land on an id; a dangling citation is an error, other dangling links become text."""
    ids = {tag["id"] for tag in body.find_all(id=True)}
    for a in body.find_all("a", href=True):
        href = a["href"]
        if not href.startswith("#") or href[1:] in ids:
            continue
        if "cite__loc" in (a.get("class") or []):
            raise PdfError(f"citation {a.get_text()} links to {href}, which is not in the PDF's appendix")
        a.unwrap()
    seen: set[str] = set()
    for tag in body.find_all(id=True):
        if tag["id"] in seen:
            raise PdfError(f"duplicate id '{tag['id']}' in the assembled PDF document")
        seen.add(tag["id"])


def _head(soup: BeautifulSoup, site_name: str, v: Version, site_url: str) -> None:
    head = soup.head
    meta = {
        "author": "The report's contributors",
        "description": "A source-linked English report on five Chinese-language analyses of US–EU cooperation "
                       "on artificial intelligence and global AI governance, with the sources' texts.",
        "keywords": "artificial intelligence, AI governance, United States, European Union, Trade and Technology "
                    "Council, TTC, China, transatlantic relations, 人工智能, 全球治理",
        "dcterms.created": v.iso,
        "dcterms.modified": v.iso,
    }
    head.append(soup.new_tag("meta", charset="utf-8"))
    title = soup.new_tag("title")
    title.string = site_name
    head.append(title)
    for name, content in meta.items():
        head.append(soup.new_tag("meta", attrs={"name": name, "content": content}))


# --- Rendering -------------------------------------------------------------------

def render(html: str, output: Path, base_dir: Path) -> None:
    weasyprint = check_engine()
    output.parent.mkdir(parents=True, exist_ok=True)
    # The build needs no network: WeasyPrint may read local files only (links are never fetched).
    fetcher = weasyprint.urls.URLFetcher(allowed_protocols={"file", "data"})
    document = weasyprint.HTML(string=html, base_url=str(base_dir) + "/", url_fetcher=fetcher)
    tmp = output.with_suffix(".pdf.part")
    document.write_pdf(
        tmp,
        stylesheets=[weasyprint.CSS(filename=str(PRINT_CSS), url_fetcher=fetcher)],
        pdf_tags=True,            # tagged PDF (structure tree), for screen readers and reflow
        pdf_identifier=True,      # derived from the content, so it is reproducible
        uncompressed_pdf=False,
    )
    tmp.replace(output)


def build(output: Path = OUTPUT, site_dir: Path | None = None) -> list[Problem]:
    """Build the PDF; return the problems that stopped it (empty on success)."""
    from .checks import site as site_check  # imports mkdocs machinery only when needed

    check_engine()
    v = version()
    os.environ.setdefault("SOURCE_DATE_EPOCH", str(v.epoch))
    site_url = os.environ.get("SITE_URL", "")
    with tempfile.TemporaryDirectory(prefix="reportsite-pdf-") as tmp:
        if site_dir is None:
            site_dir = Path(tmp) / "site"
            from .search import SKIP_ENV

            os.environ[SKIP_ENV] = "1"  # a printed report has no search box
            try:
                problems = site_check.build(site_dir)
            finally:
                os.environ.pop(SKIP_ENV, None)
            if problems:
                return problems
        html = assemble(site_dir, v, site_url)
        render(html, output, site_dir)
    return []


def describe(path: Path) -> str:
    size = path.stat().st_size
    try:
        from pypdf import PdfReader
        pages = f"{len(PdfReader(path).pages)} pages, "
    except Exception:  # pypdf is a test dependency; the size alone will do
        pages = ""
    return f"{pages}{size / 1_000_000:.1f} MB"


