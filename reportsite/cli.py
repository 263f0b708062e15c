"""Command line: `reportsite sources` and `reportsite check` (what make calls)."""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from . import bibliography, translations
from .checks import editorial, files, raw_sources, site
from .citations import check as citations_check
from .problems import Problem, report
from .sources import pipeline


def _generated() -> tuple[dict[Path, str], list[Problem]]:
    try:
        return pipeline.generate_all(), []
    except pipeline.SourceError as exc:
        return {}, [exc.problem]
    except bibliography.BibliographyError as exc:
        return {}, [Problem.at(exc.path, exc.line, 1, exc.message)]


def cmd_sources(args: argparse.Namespace) -> int:
    outputs, problems = _generated()
    if problems:
        print("No file was written.", file=sys.stderr)
        return report(problems)
    changed = [path for path, content in outputs.items()
               if not path.exists() or path.read_text(encoding="utf-8") != content]
    for path in changed:
        pipeline.write_atomically(path, content=outputs[path])
        print(f"wrote {path.relative_to(pipeline.REPO_ROOT)}")
    print(f"{len(outputs)} generated files, {len(changed)} changed.")
    return 0


def check_sources() -> list[Problem]:
    outputs, problems = _generated()
    return problems or pipeline.stale_outputs(outputs)


def check_translations() -> list[Problem]:
    try:
        entries = bibliography.load()
        problems: list[Problem] = []
        for spec in pipeline.specs_from(entries).values():
            if entries[spec.key].get("language").lower() in ("english", "en"):
                continue  # nothing to translate
            doc, _ = pipeline.document(spec)
            problems += translations.check_source(doc)
        return problems
    except pipeline.SourceError as exc:
        return [exc.problem]
    except bibliography.BibliographyError as exc:
        return [Problem.at(exc.path, exc.line, 1, exc.message)]


def cmd_translations_stamp(args: argparse.Namespace) -> int:
    try:
        spec = pipeline.specs_from(bibliography.load()).get(args.key)
        if spec is None:
            print(f"error: no source '{args.key}' in bib/*.bib", file=sys.stderr)
            return 2
        doc, _ = pipeline.document(spec)
        stamped = translations.stamp(doc, set(args.accept or []))
    except (pipeline.SourceError, translations.TranslationError, bibliography.BibliographyError) as exc:
        problem = exc.problem if isinstance(exc, pipeline.SourceError) else Problem.at(exc.path, exc.line, 1, exc.message)
        return report([problem])
    print(f"{translations.path_for(args.key).relative_to(pipeline.REPO_ROOT)}: recorded the fingerprint of "
          f"{len(stamped)} entr{'y' if len(stamped) == 1 else 'ies'}{': ' + ', '.join(stamped) if stamped else ''}")
    print("Run `make sources` to show the translation on the reader page.")
    return 0


def cmd_add_source(args: argparse.Namespace) -> int:
    from .sources import add

    try:
        added = add.add_source(Path(args.file), args.key, args.layout)
    except add.AddSourceError as exc:
        print("Nothing was added.", file=sys.stderr)
        return report([exc.problem])
    except bibliography.BibliographyError as exc:
        print("Nothing was added.", file=sys.stderr)
        return report([Problem.at(exc.path, exc.line, 1, exc.message)])
    pipeline.SOURCES.reload()
    root = pipeline.REPO_ROOT
    blocks = added.document.paragraphs()
    print(f"Added '{args.key}' ({added.layout} layout): {added.document.title}")
    print(f"  copied to     {added.raw_path.relative_to(root)} (byte for byte; checksum added to bib/raw/SHA256SUMS)")
    print(f"  bibliography  {added.bib_path.relative_to(root)}:{added.bib_line} (fields marked TODO)")
    status = cmd_sources(args)
    if status:
        return status
    print(f"  reader page   docs/sources/{args.key}.md ({len(blocks)} numbered paragraphs)")
    print(f"""
Next steps:
  1. Fill in every TODO field of the entry at {added.bib_path.relative_to(root)}:{added.bib_line} from the document itself
     (where the document does not establish a field, replace it with <field>unknown = {{why}}), then run `make sources`.
  2. Add the reader page to `nav` in mkdocs.yml under Sources:  - "Short name · 短题": sources/{args.key}.md
  3. Unless the document is in English, translate it: data/translations/{args.key}.yaml (CONTRIBUTING.md → Translations).
  4. Cite it from a page, e.g. [@{args.key}, ¶1], and run `make check` until it passes.""")
    return 0


def check_site() -> list[Problem]:
    with tempfile.TemporaryDirectory(prefix="reportsite-build-") as tmp:
        problems = site.build(Path(tmp))
        if not problems:
            problems = site.offsite_requests(Path(tmp))
    return problems


CHECKS = {
    "files": files.check,
    "raw": raw_sources.check,
    "sources": check_sources,
    "translations": check_translations,
    "citations": citations_check.check,
    "editorial": editorial.check,
    "site": check_site,
}


def cmd_check(args: argparse.Namespace) -> int:
    names = args.only or list(CHECKS)
    groups: list[list[Problem]] = []
    for name in names:
        found = CHECKS[name]()
        print(f"check {name}: {'ok' if not found else f'{len(found)} problem(s)'}", file=sys.stderr)
        groups.append(found)
        if name == "files" and found:
            # Undecodable files or broken front matter would make every later check fail confusingly.
            print("Other checks not run: fix these first.", file=sys.stderr)
            break
    return report(first_per_location(groups))


def first_per_location(groups: list[list[Problem]]) -> list[Problem]:
    """One check's messages per file position: the site build re-reports what an earlier check already explained.

    ``groups`` holds each check's problems, in the order the checks ran. A position reported by an earlier check
    gets no message from a later one; all messages of one check are kept, even at one position (a bibliography
    entry with several placeholder fields has them all reported at the entry's line).
    """
    kept: list[Problem] = []
    reported: set[tuple[str, int, int]] = set()
    for found in groups:
        kept += [p for p in found if (p.path, p.line, p.column) not in reported]
        reported |= {(p.path, p.line, p.column) for p in found}
    return kept


def cmd_pdf(args: argparse.Namespace) -> int:
    import time

    from . import pdf  # WeasyPrint loads only for this command

    started = time.monotonic()
    try:
        problems = pdf.build(Path(args.output), Path(args.site_dir) if args.site_dir else None)
    except pdf.PdfError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if problems:
        return report(problems)
    # The time and size are the benchmark figures (target: under 90 s and 15 MB on 2 cores).
    print(f"wrote {args.output} ({pdf.describe(Path(args.output))}) in {time.monotonic() - started:.0f} s")
    return 0


def cmd_benchmark(args: argparse.Namespace) -> int:
    from . import benchmark

    return benchmark.main(args)


def cmd_linkcheck(args: argparse.Namespace) -> int:
    from . import linkcheck

    return linkcheck.main()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="reportsite", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("sources", help="regenerate docs/sources/*.md and data/sources/*.json from bib/raw/")
    p.set_defaults(func=cmd_sources)
    p = sub.add_parser("check", help="run the fast checks (never modifies files)")
    p.add_argument("--only", action="append", choices=list(CHECKS), help="run only this check (repeatable)")
    p.set_defaults(func=cmd_check)
    p = sub.add_parser("linkcheck", help="check every external URL with lychee (needs the network)")
    p.set_defaults(func=cmd_linkcheck)
    p = sub.add_parser("add-source", help="add a document: copy it into bib/raw/, scaffold its bibliography "
                       "entry and generate its reader page")
    p.add_argument("file", help="the document: UTF-8 plain text, Markdown or HTML")
    p.add_argument("--key", required=True, help="its BibTeX key, e.g. wang-standards (also the page's address)")
    p.add_argument("--layout", help="normalizer to read it with (default: chosen from the content)")
    p.set_defaults(func=cmd_add_source)
    p = sub.add_parser("translations", help="translations of the sources (data/translations/)")
    tsub = p.add_subparsers(dest="action", required=True)
    t = tsub.add_parser("stamp", help="record the fingerprint of the Chinese text each reviewed translation "
                        "was made from (entries without one, and those given with --accept)")
    t.add_argument("key", help="the source's BibTeX key")
    t.add_argument("--accept", action="append", metavar="N",
                   help="re-record ¶N (or fnID for a footnote) after reviewing it against changed Chinese text")
    t.set_defaults(func=cmd_translations_stamp)
    p = sub.add_parser("pdf", help="build the whole report as one linked PDF (site/downloads/us-eu-ai-report.pdf)")
    p.add_argument("--output", "-o", default="site/downloads/us-eu-ai-report.pdf", help="where to write the PDF")
    p.add_argument("--site-dir", help="use this already built site instead of building one in a temporary directory")
    p.set_defaults(func=cmd_pdf)
    p = sub.add_parser("benchmark", help="Lighthouse (mobile) on one page of each kind, the site served as GitHub "
                       "Pages serves it: scores and bytes transferred (installs Lighthouse into .cache/ once)")
    from . import benchmark  # its options only; the module imports nothing heavy

    benchmark.add_arguments(p)
    p.set_defaults(func=cmd_benchmark)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
