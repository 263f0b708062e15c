"""English translations of the sources, paragraph by paragraph (data/translations/<key>.yaml).

A translation file holds, for one source, the English of every heading (keyed
by the Chinese heading), every numbered paragraph (keyed by ¶ number) and every
footnote that has Chinese in it (keyed by footnote id). Each paragraph and
footnote entry records ``source_hash``, a fingerprint of the Chinese text it
was made from: when a normalizer changes that text, the fingerprint no longer
matches and the check asks for a review instead of silently showing a
translation of something else. The Chinese text stays authoritative.

The English uses the same inline markup as the Chinese (model.py): footnote
references ``[^id]``, page starts ``⟦page:n⟧``, gaps ``⟦gap⟧`` and superscripts
``⟦sup:x⟧``, so footnote links, page markers and gaps work in both columns.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import search
from .problems import Problem, byte_position
from .sources.model import GAP, MARKUP_RE, Document, Heading, Paragraph, Table, plain_text
from .sources.registry import REPO_ROOT

TRANSLATIONS_DIR = REPO_ROOT / "data" / "translations"
HASH_FIELD = "source_hash"
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# A number as written in either language: 2024, 3.5, 1,000 (commas dropped before comparing).
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
# Numbers the English legitimately writes differently: months (2024年3月 → March 2024) and
# amounts in 万/亿 (1.5万亿 → 1.5 trillion).
_CONVERTED_UNIT = re.compile(r"\s*(?:月|万|亿)")


class TranslationError(ValueError):
    def __init__(self, path: Path, line: int, message: str):
        super().__init__(f"{path}:{line}: {message}")
        self.path, self.line, self.message = path, line, message


def fingerprint(text: str) -> str:
    """Short, stable fingerprint of the Chinese text a translation was made from."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def block_text(block: Paragraph | Table) -> str:
    """The Chinese text of a numbered block, as fingerprinted (tables: caption and cells, row by row)."""
    if isinstance(block, Table):
        return "\n".join([block.caption, *(" | ".join(row) for row in [block.header, *block.rows])])
    return block.text


@dataclass
class Item:
    """The English of one paragraph, table or footnote."""

    en: str = ""
    caption: str = ""
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    note: str = ""
    source_hash: str = ""
    line: int = 1  # line of the entry's key in the file

    @property
    def is_table(self) -> bool:
        return bool(self.header or self.rows)

    def text(self) -> str:
        """All English text of the entry, for checks and previews."""
        if self.is_table:
            return "\n".join([self.caption, *(" | ".join(row) for row in [self.header, *self.rows])])
        return self.en


@dataclass
class Translation:
    key: str
    path: Path
    headings: dict[str, tuple[str, int]]
    paragraphs: dict[int, Item]
    footnotes: dict[str, Item]


class _KeyLineLoader(yaml.SafeLoader):
    """Records the line of every mapping key, so problems point at the entry."""


def _construct_mapping(loader, node, deep=False):
    mapping = yaml.SafeLoader.construct_mapping(loader, node, deep=True)
    lines = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        lines[key] = key_node.start_mark.line + 1
    mapping["__lines__"] = lines
    return mapping


_KeyLineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def path_for(key: str, directory: Path = TRANSLATIONS_DIR) -> Path:
    return directory / f"{key}.yaml"


def _string(path: Path, line: int, value, what: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, (str, int, float)):
        raise TranslationError(path, line, f"{what} must be text, not a {type(value).__name__}")
    return " ".join(str(value).split())


def _item(path: Path, line: int, value, what: str) -> Item:
    if not isinstance(value, dict):
        raise TranslationError(path, line, f"{what} must be a mapping with 'en' (or 'header' and 'rows' for a "
                               "table); see CONTRIBUTING.md → Translations")
    lines = value.get("__lines__", {})
    unknown = sorted(k for k in value if k not in ("en", "caption", "header", "rows", "note", HASH_FIELD, "__lines__"))
    if unknown:
        raise TranslationError(path, lines.get(unknown[0], line), f"unknown field '{unknown[0]}' in {what}; "
                               f"allowed: en, caption, header, rows, note, {HASH_FIELD}")
    header = value.get("header") or []
    rows = value.get("rows") or []
    if not isinstance(header, list) or not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
        raise TranslationError(path, line, f"{what}: 'header' must be a list of cells and 'rows' a list of such lists")
    return Item(
        en=_string(path, line, value.get("en"), f"{what} 'en'"),
        caption=_string(path, line, value.get("caption"), f"{what} 'caption'"),
        header=[_string(path, line, c, f"{what} header cell") for c in header],
        rows=[[_string(path, line, c, f"{what} cell") for c in row] for row in rows],
        note=_string(path, line, value.get("note"), f"{what} 'note'"),
        source_hash=_string(path, line, value.get(HASH_FIELD), f"{what} '{HASH_FIELD}'"),
        line=line,
    )


def load(key: str, directory: Path = TRANSLATIONS_DIR) -> Translation | None:
    """The translation of source ``key``, or None when it has none yet."""
    path = path_for(key, directory)
    if not path.exists():
        return None
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise TranslationError(path, byte_position(raw, exc.start)[0], "file is not valid UTF-8; save it as UTF-8") from exc
    try:
        data = yaml.load(text, Loader=_KeyLineLoader) or {}
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        raise TranslationError(path, (mark.line + 1) if mark else 1, f"YAML syntax error: {exc.problem}; "
                               "check indentation and quoting around this line") from exc
    if not isinstance(data, dict):
        raise TranslationError(path, 1, "a translation file is a mapping with source, headings, paragraphs, footnotes")
    lines = data.get("__lines__", {})
    if data.get("source") != key:
        raise TranslationError(path, lines.get("source", 1), f"'source' must be '{key}' (the file's name), "
                               f"not '{data.get('source')}'")
    headings_raw = data.get("headings") or {}
    paragraphs_raw = data.get("paragraphs") or {}
    footnotes_raw = data.get("footnotes") or {}
    for name, value in (("headings", headings_raw), ("paragraphs", paragraphs_raw), ("footnotes", footnotes_raw)):
        if not isinstance(value, dict):
            raise TranslationError(path, lines.get(name, 1), f"'{name}' must be a mapping")
    h_lines = headings_raw.get("__lines__", {})
    headings = {str(zh): (_string(path, h_lines.get(zh, 1), en, f"heading '{zh}'"), h_lines.get(zh, 1))
                for zh, en in headings_raw.items() if zh != "__lines__"}
    p_lines = paragraphs_raw.get("__lines__", {})
    paragraphs: dict[int, Item] = {}
    for number, value in paragraphs_raw.items():
        if number == "__lines__":
            continue
        line = p_lines.get(number, 1)
        if not isinstance(number, int) or isinstance(number, bool):
            raise TranslationError(path, line, f"paragraph key '{number}' must be a ¶ number (e.g. 12:)")
        paragraphs[number] = _item(path, line, value, f"¶{number}")
    f_lines = footnotes_raw.get("__lines__", {})
    footnotes = {str(fn): _item(path, f_lines.get(fn, 1), value, f"footnote {fn}")
                 for fn, value in footnotes_raw.items() if fn != "__lines__"}
    return Translation(key, path, headings, paragraphs, footnotes)


# --- what the reader pages and previews show ----------------------------------------

def english_plain(text: str) -> str:
    """English text without markup, for previews: a gap reads "[…]"."""
    return plain_text(text.replace(GAP, "[…]"))


# --- checks ----------------------------------------------------------------------------

def _markers(text: str) -> Counter[str]:
    return Counter(m.group(0) for m in MARKUP_RE.finditer(text))


def _numbers(text: str, chinese: bool) -> set[str]:
    text = MARKUP_RE.sub(" ", text)
    found = set()
    for m in _NUMBER.finditer(text):
        if chinese and _CONVERTED_UNIT.match(text, m.end()):
            continue
        found.add(m.group(0).replace(",", ""))
    return found


@dataclass(frozen=True)
class GlossaryRendering:
    zh_forms: tuple[str, ...]
    english: tuple[str, ...]  # the term, its abbreviation and accepted alternatives
    line: int


def glossary_renderings(path: Path | None = None) -> list[GlossaryRendering]:
    from . import report_data

    path = path or report_data.DATA_DIR / "glossary.yaml"
    if not path.exists():
        return []
    renderings = []
    for term in report_data.load_glossary(path):
        zh_forms = tuple(f.strip() for f in term.zh.split("/") if f.strip())
        english = tuple(e for e in (term.term, term.abbr, *term.also) if e)
        renderings.append(GlossaryRendering(zh_forms, english, term.line))
    return renderings


def contains_term(chinese: str, form: str) -> bool:
    """Whether ``form`` occurs in ``chinese`` as a word (or run of words), by jieba's segmentation.

    A plain substring test would find 法治 (rule of law) inside 硬法治理 (governance by hard law).
    """
    if form not in chinese:
        return False
    if not _CJK.search(form):
        return True
    starts, ends, pos = set(), set(), 0
    # The same jieba set-up (user dictionary, dictionary mode) that segments the search index.
    for token in search.tokenizer().cut(chinese, HMM=False):
        starts.add(pos)
        pos += len(token)
        ends.add(pos)
    index = chinese.find(form)
    while index >= 0:
        if index in starts and index + len(form) in ends:
            return True
        index = chinese.find(form, index + 1)
    return False


def _has_phrase(text: str, phrase: str) -> bool:
    """``phrase`` in ``text`` as whole words (a plural allowed): "PET" is not found in "competition", nor "EU"
    in "neutral", but "prevention effects" has "prevention effect"."""
    return re.search(rf"(?<![a-z0-9]){re.escape(phrase)}(?:e?s)?(?![a-z0-9])", text) is not None


def _hint(key: str, number: str) -> str:
    return f"compare with docs/sources/{key}.md#{number}"


def check_item(path: Path, key: str, what: str, anchor: str, chinese: str, item: Item,
               glossary: list[GlossaryRendering], glossary_path: Path) -> list[Problem]:
    problems: list[Problem] = []
    at = lambda message: problems.append(Problem.at(path, item.line, 1, message))  # noqa: E731
    english = item.text()
    if not english.strip():
        at(f"{what} of '{key}' has an empty translation; write the English in 'en'")
        return problems
    expected = fingerprint(chinese)
    if not item.source_hash:
        at(f"{what} of '{key}' has no {HASH_FIELD}; once the translation is reviewed against the Chinese "
           f"({_hint(key, anchor)}), run `reportsite translations stamp {key}` to record it")
    elif item.source_hash != expected:
        at(f"{what} of '{key}' was translated from a different Chinese text ({HASH_FIELD} {item.source_hash}, "
           f"now {expected}): the normalizer changed it; review the English ({_hint(key, anchor)}), then run "
           f"`reportsite translations stamp {key} --accept {what.lstrip('¶')}`")
    zh_markers, en_markers = _markers(chinese), _markers(english)
    if zh_markers != en_markers:
        missing = sorted((zh_markers - en_markers).elements())
        extra = sorted((en_markers - zh_markers).elements())
        detail = "; ".join(part for part in (f"missing {' '.join(missing)}" if missing else "",
                                             f"not in the Chinese {' '.join(extra)}" if extra else "") if part)
        at(f"{what} of '{key}': footnote, page and gap markers differ from the Chinese ({detail}); keep each "
           "[^id], ⟦page:n⟧, ⟦gap⟧ and ⟦sup:x⟧ of the Chinese at the corresponding place")
    missing_numbers = sorted(_numbers(chinese, chinese=True) - _numbers(english, chinese=False),
                             key=lambda n: (len(n), n))
    if missing_numbers:
        at(f"{what} of '{key}': number(s) {', '.join(missing_numbers)} of the Chinese are missing from the "
           "English; every year, count and percentage must appear as digits (months may be written as names)")
    plain_zh, lower_en = plain_text(chinese), english.lower()
    for rendering in glossary:
        form = next((f for f in rendering.zh_forms if contains_term(plain_zh, f)), None)
        if form and not any(_has_phrase(lower_en, e.lower()) for e in rendering.english):
            at(f"{what} of '{key}': the Chinese has the glossary term {form} but the English has none of "
               f"{' / '.join(repr(e) for e in rendering.english)}; use the glossary's rendering, or add yours "
               f"to that entry's 'also' list ({Path(glossary_path).name}:{rendering.line})")
    return problems


def check_source(doc: Document, directory: Path = TRANSLATIONS_DIR,
                 glossary_path: Path | None = None) -> list[Problem]:
    """Everything wrong with the translation of one source, against its current normalized text."""
    from . import report_data

    path = path_for(doc.key, directory)
    glossary_path = glossary_path or report_data.DATA_DIR / "glossary.yaml"
    try:
        translation = load(doc.key, directory)
    except TranslationError as exc:
        return [Problem.at(exc.path, exc.line, 1, exc.message)]
    if translation is None:
        return [Problem.at(path, 1, 1, f"source '{doc.key}' has no English translation; create this file "
                           "(format: CONTRIBUTING.md → Translations)")]
    try:
        glossary = glossary_renderings(glossary_path)
    except report_data.DataError as exc:
        return [Problem.at(exc.path, exc.line, 1, exc.message)]
    problems: list[Problem] = []
    headings = [b.text for b in doc.blocks if isinstance(b, Heading)]
    for text in headings:
        if not translation.headings.get(text, ("", 0))[0]:
            problems.append(Problem.at(path, 1, 1, f"heading “{text}” of '{doc.key}' has no translation; add "
                                       f"\"{text}\": \"…\" under headings:"))
    for text, (_, line) in translation.headings.items():
        if text not in headings:
            problems.append(Problem.at(path, line, 1, f"heading “{text}” is not a heading of '{doc.key}' (the "
                                       "normalized text changed, or it was mistyped); copy the heading from the "
                                       "reader page or remove the entry"))
    blocks = doc.paragraphs()
    for number, block in enumerate(blocks, start=1):
        item = translation.paragraphs.get(number)
        if item is None:
            problems.append(Problem.at(path, 1, 1, f"¶{number} of '{doc.key}' has no translation; add it under "
                                       f"paragraphs: ({_hint(doc.key, f'p-{number}')})"))
            continue
        if isinstance(block, Table) != item.is_table:
            kind = "a table: give 'header' and 'rows'" if isinstance(block, Table) else "text: give 'en'"
            problems.append(Problem.at(path, item.line, 1, f"¶{number} of '{doc.key}' is {kind}"))
            continue
        if isinstance(block, Table) and (len(item.header) != len(block.header) or len(item.rows) != len(block.rows)):
            problems.append(Problem.at(path, item.line, 1, f"¶{number} of '{doc.key}': the table has "
                                       f"{len(block.header)} columns and {len(block.rows)} rows; the translation "
                                       f"has {len(item.header)} and {len(item.rows)}"))
        problems += check_item(path, doc.key, f"¶{number}", f"p-{number}", block_text(block), item,
                               glossary, glossary_path)
    for number, item in translation.paragraphs.items():
        if not 1 <= number <= len(blocks):
            problems.append(Problem.at(path, item.line, 1, f"¶{number} does not exist in '{doc.key}' (it has "
                                       f"¶1–¶{len(blocks)}); remove the entry or fix its number"))
    for fn, chinese in doc.footnotes.items():
        needs = bool(_CJK.search(plain_text(chinese)))
        item = translation.footnotes.get(fn)
        if item is None:
            if needs:
                problems.append(Problem.at(path, 1, 1, f"footnote {fn} of '{doc.key}' has Chinese text but no "
                                           f"translation; add \"{fn}\": under footnotes:"))
            continue
        problems += check_item(path, doc.key, f"footnote {fn}", f"fn:{doc.key}-{fn}", chinese, item,
                               glossary, glossary_path)
    for fn, item in translation.footnotes.items():
        if fn not in doc.footnotes:
            problems.append(Problem.at(path, item.line, 1, f"footnote {fn} does not exist in '{doc.key}'; "
                                       "remove the entry or fix its id"))
    return problems


# --- recording reviewed fingerprints ----------------------------------------------------

def stamp(doc: Document, accept: set[str] | None = None, directory: Path = TRANSLATIONS_DIR) -> list[str]:
    """Record fingerprints in the translation file: for entries that have none, and for ``accept``.

    ``accept`` holds ¶ numbers and footnote ids ("12", "fn3") whose changed Chinese text has been
    reviewed. The file is edited line by line (comments and layout kept); returns what was stamped.
    """
    translation = load(doc.key, directory)
    if translation is None:
        raise TranslationError(path_for(doc.key, directory), 1, "no translation file to stamp")
    accept = accept or set()
    blocks = doc.paragraphs()
    targets: list[tuple[int, str, str]] = []  # (line of key, expected hash, label)
    for number, item in translation.paragraphs.items():
        if 1 <= number <= len(blocks) and (not item.source_hash or str(number) in accept):
            targets.append((item.line, fingerprint(block_text(blocks[number - 1])), f"¶{number}"))
    for fn, item in translation.footnotes.items():
        if fn in doc.footnotes and (not item.source_hash or f"fn{fn}" in accept):
            targets.append((item.line, fingerprint(doc.footnotes[fn]), f"footnote {fn}"))
    lines = translation.path.read_text(encoding="utf-8").split("\n")
    for line_no, expected, _ in sorted(targets, reverse=True):
        key_line = lines[line_no - 1]
        indent = len(key_line) - len(key_line.lstrip()) + 2
        # Drop a stale fingerprint line directly under the key, then write the current one.
        end = line_no
        while end < len(lines) and lines[end].strip() and (len(lines[end]) - len(lines[end].lstrip())) >= indent:
            if lines[end].strip().startswith(f"{HASH_FIELD}:"):
                del lines[end]
                continue
            end += 1
        lines.insert(line_no, " " * indent + f"{HASH_FIELD}: {expected}")
    translation.path.write_text("\n".join(lines), encoding="utf-8")
    return [label for _, _, label in sorted(targets)]
