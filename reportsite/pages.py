"""Generated parts of hand-written pages, made from the data files (one fact, written once).

A page asks for a fragment with an HTML comment placeholder; the MkDocs hook
replaces it at build time, before the citations plugin runs, so citations in
the data render like citations written on the page:

    <!-- sources-table -->            the five sources at a glance (bib/sources.bib, data/theses.yaml)
    <!-- threads-list -->             the thread pages with their theses (data/theses.yaml)
    <!-- argument-map: <thread> -->   SVG argument map + text version (data/arguments/<thread>.yaml)
    <!-- ttc-timeline -->             timeline figure + table (data/ttc_timeline.yaml)
    <!-- governance-models -->        comparison table (data/governance_models.yaml)
    <!-- agreement-matrix -->         claims × sources matrix (data/agreement_matrix.yaml)
    <!-- glossary -->                 glossary table (data/glossary.yaml)
    <!-- cite-this-page -->           suggested citation and BibTeX for the page

Every page also gets the glossary's abbreviations (shown on hover), marked at their first use only
(see abbreviations_at_first_use).
"""

from __future__ import annotations

import posixpath
import html
import re

from . import bibliography, figures, report_data
from .report_data import DATA_DIR, STANCES
from .sources.registry import SOURCES

SITE_TITLE = "US–EU AI Cooperation and Global AI Governance"
STANCE_LABELS = {"supports": "✔ supports", "qualifies": "≈ qualifies", "contests": "✘ contests", "silent": "— silent"}


def _rel(from_src: str, to_src: str) -> str:
    return posixpath.relpath(to_src, posixpath.dirname(from_src) or ".")


def _page_dir_url(page_src: str) -> str:
    """The directory URL MkDocs gives a page (use_directory_urls), '' for the home page."""
    stem = page_src[:-3]
    directory = posixpath.dirname(stem) if stem == "index" or stem.endswith("/index") else stem
    return directory + "/" if directory else ""


def paragraph_url(page_src: str, key: str, paragraph: int) -> str:
    return posixpath.relpath(f"sources/{key}", _page_dir_url(page_src) or ".") + f"/#p-{paragraph}"


def theses() -> dict:
    path = DATA_DIR / "theses.yaml"
    return report_data.load_yaml(path) if path.is_file() else {}


def sources_table(page_src: str, **_) -> str:
    entries = bibliography.load()
    source_theses = theses().get("sources", {})
    rows = ["| Source | Authors | Outlet | Year | Thesis | Reader page |", "| --- | --- | --- | --- | --- | --- |"]
    for key in SOURCES:
        e = entries[key]
        title, translation = e.get("title"), e.get("titletranslation")
        label = f"{translation} ({title})" if title and translation else title or "Title not established (see reader page)"
        authors = "、".join(e.authors) or "Unnamed researcher"
        outlet = e.get("journal") or e.get("series") or e.get("institution")
        english = e.get("journaltranslation")
        outlet_text = (f"《{outlet}》" + (f" ({english})" if english else "")) if outlet else ""
        thesis = " ".join(str(source_theses.get(key, "")).split()) or "—"
        rows.append(f"| {label} | {authors} | {outlet_text} | {e.get('year') or 'n.d.'} | {thesis} | "
                    f"[`{key}`]({_rel(page_src, f'sources/{key}.md')}) |")
    return "\n".join(rows) + "\n"


def threads_list(page_src: str, **_) -> str:
    items = []
    for thread in theses().get("threads", []):
        link = _rel(page_src, f"threads/{thread['slug']}.md")
        items.append(f"- **[{thread['title']}]({link})** — {' '.join(str(thread['thesis']).split())}")
    return "\n".join(items) + "\n"


def argument_map(page_src: str, thread: str, **_) -> str:
    path = report_data.argument_map_path(thread)
    if not path.is_file():
        raise report_data.DataError(path, 1, f"argument map '{thread}' asked for by docs/{page_src} does not exist; "
                                    "create it (format: see reportsite/report_data.py) or fix the placeholder")
    argmap = report_data.load_argument_map(path)
    svg = figures.argument_map_svg(argmap, lambda key, n: paragraph_url(page_src, key, n))
    return f'<figure class="figure">\n{svg}\n<figcaption>{figures._e(argmap.title)}</figcaption>\n</figure>\n\n' + \
        figures.argument_map_text(argmap)


def _table(header: list[str], rows: list[list[str]]) -> str:
    clean = lambda cell: str(cell).replace("|", "\\|").replace("\n", " ")  # noqa: E731
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join("---" for _ in header) + " |"]
    lines += ["| " + " | ".join(clean(c) for c in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def ttc_timeline(page_src: str, **_) -> str:
    events = report_data.load_timeline(DATA_DIR / "ttc_timeline.yaml")
    title = "TTC ministerial meetings and roadmap milestones, as reported by the sources"
    svg = figures.timeline_svg(events, title)
    table = _table(["Date", "Event", "Place", "AI outcomes reported"],
                   [[e.date, e.title, e.place or "—", e.outcomes] for e in sorted(events, key=lambda e: e.date)])
    return f'<figure class="figure">\n{svg}\n<figcaption>{title}</figcaption>\n</figure>\n\n{table}'


def governance_models(page_src: str, **_) -> str:
    grid = report_data.load_grid(DATA_DIR / "governance_models.yaml")
    return _table(["Dimension", *[h for _, h in grid.columns]],
                  [[row["label"], *[row["cells"][c]["text"] for c, _ in grid.columns]] for row in grid.rows])


def agreement_matrix(page_src: str, **_) -> str:
    grid = report_data.load_grid(DATA_DIR / "agreement_matrix.yaml", stance=True)
    rows = []
    for row in grid.rows:
        cells = []
        for col, _ in grid.columns:
            cell = row["cells"][col]
            cells.append(f"**{STANCE_LABELS[cell['stance']]}** {cell.get('text', '')}".strip())
        rows.append([row["label"], *cells])
    legend = " · ".join(f"**{STANCE_LABELS[s]}**" for s in STANCES)
    return f"Legend: {legend} <!-- no-claim: legend -->\n\n" + _table(["Claim", *[h for _, h in grid.columns]], rows)


def glossary(page_src: str, **_) -> str:
    terms = report_data.load_glossary(DATA_DIR / "glossary.yaml")
    return _table(["Term", "Chinese", "Abbreviation", "Definition", "Where it appears"],
                  [[t.term, t.zh, t.abbr or "—", t.definition, t.appears] for t in sorted(terms, key=lambda t: t.term.lower())])


def cite_this_page(page_src: str, title: str = "", site_url: str = "", **_) -> str:
    url = (site_url.rstrip("/") + "/" + _page_dir_url(page_src)) if site_url else f"(this page's address: {_page_dir_url(page_src)})"
    key = "page-" + re.sub(r"[^a-z0-9]+", "-", page_src[:-3].lower()).strip("-")
    return (
        f"> The report's contributors. “{title}.” *{SITE_TITLE}*. {url}. Accessed (date). <!-- no-claim: citation of this page -->\n\n"
        "```bibtex\n"
        f"@online{{{key},\n  author = {{{{The report's contributors}}}},\n  title = {{{title}}},\n"
        f"  organization = {{{SITE_TITLE}}},\n  url = {{{url}}},\n  urldate = {{YYYY-MM-DD}},\n}}\n```\n"
    )


def fact_check_record(page_src: str, **_) -> str:
    """The published fact-check record (data/audit/): counts per file, then every entry."""
    from .checks import editorial

    records = editorial.load_records()
    if not records:
        return "*No fact-check record yet.*"

    def cell(text: str) -> str:
        # Excerpts may contain citation syntax: shown as text, never rendered as live citations.
        return (html.escape(" ".join(text.split())).replace("|", "&#124;")
                .replace("[", "&#91;").replace("]", "&#93;"))

    def code(text: str) -> str:
        return "`" + " ".join(text.split()).replace("|", "¦") + "`"

    totals = {v: sum(r.counts()[v] for r in records) for v in editorial.VERDICTS}
    rows = [[f"`{r.file}`", str(len(r.entries)), *(str(r.counts()[v]) for v in editorial.VERDICTS), r.reviewed]
            for r in records]
    rows.append(["**All files**", f"**{sum(len(r.entries) for r in records)}**",
                 *(f"**{totals[v]}**" for v in editorial.VERDICTS), ""])
    out = [_table(["Checked file", "Cited sentences", "Supported", "Fixed", "Removed", "Reviewed"], rows), ""]
    for r in records:
        out += [f'??? note "{r.file}: {len(r.entries)} cited sentences"', ""]
        table = _table(["Claim (excerpt)", "Citation", "Verdict", "What was wrong and what changed"],
                       [[cell(e.claim), code(e.cites), e.verdict, cell(e.fix) or "—"] for e in r.entries])
        out += ["    " + line if line else "" for line in table.split("\n")] + [""]
    return "\n".join(out)


PLACEHOLDER = re.compile(r"<!--\s*(?P<name>sources-table|threads-list|argument-map|ttc-timeline|governance-models|agreement-matrix|"
                         r"glossary|cite-this-page|fact-check-record)(?::\s*(?P<arg>[\w-]+))?\s*-->")
MAKERS = {
    "sources-table": sources_table, "threads-list": threads_list, "argument-map": argument_map, "ttc-timeline": ttc_timeline,
    "governance-models": governance_models, "agreement-matrix": agreement_matrix, "glossary": glossary,
    "cite-this-page": cite_this_page, "fact-check-record": fact_check_record,
}


def fill_placeholders(markdown: str, page_src: str, title: str = "", site_url: str = "") -> str:
    def replace(m: re.Match) -> str:
        maker = MAKERS[m.group("name")]
        if m.group("name") == "argument-map":
            return maker(page_src, thread=m.group("arg"))
        return maker(page_src, title=title, site_url=site_url)

    markdown = PLACEHOLDER.sub(replace, markdown)
    abbreviations = report_data.abbreviations()
    if abbreviations:
        markdown += "\n\n" + "\n".join(f"*[{abbr}]: {expansion}" for abbr, expansion in abbreviations) + "\n"
    return markdown


def abbreviations_at_first_use(soup) -> None:
    """Keep an abbreviation's ``<abbr title>`` at its first use only, as print does: Markdown's abbr
    extension marks every occurrence (590 on one thread page, each a hover target and DOM node). On
    reader pages the unit is the paragraph (``.src-para``), because readers arrive at a cited
    paragraph, not at the top of the page; elsewhere it is the page."""
    units = soup.select(".src-para") or [soup]
    for unit in units:
        seen: set[tuple[str, str]] = set()
        for abbr in unit.find_all("abbr"):
            key = (abbr.get_text(), abbr.get("title", ""))
            if key in seen:
                abbr.unwrap()
            else:
                seen.add(key)
