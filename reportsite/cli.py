"""Command line: `reportsite sources` and `reportsite check` (what make calls)."""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from . import bibliography
from .checks import raw_sources, site
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


def check_site() -> list[Problem]:
    with tempfile.TemporaryDirectory(prefix="reportsite-build-") as tmp:
        problems = site.build(Path(tmp))
        if not problems:
            problems = site.offsite_requests(Path(tmp))
    return problems


CHECKS = {
    "raw": raw_sources.check,
    "sources": check_sources,
    "citations": citations_check.check,
    "site": check_site,
}


def cmd_check(args: argparse.Namespace) -> int:
    names = args.only or list(CHECKS)
    problems: list[Problem] = []
    for name in names:
        found = CHECKS[name]()
        print(f"check {name}: {'ok' if not found else f'{len(found)} problem(s)'}", file=sys.stderr)
        problems += found
    return report(problems)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="reportsite", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("sources", help="regenerate docs/sources/*.md and data/sources/*.json from bib/raw/")
    p.set_defaults(func=cmd_sources)
    p = sub.add_parser("check", help="run the fast checks (never modifies files)")
    p.add_argument("--only", action="append", choices=list(CHECKS), help="run only this check (repeatable)")
    p.set_defaults(func=cmd_check)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
