"""Character-level repairs shared by several normalizers.

Each function does one thing with a well-kept library where one exists, and
returns the repaired text; callers record what changed as ``Change`` objects.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

import opencc


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional → Simplified Chinese (OpenCC's t2s profile)."""
    return _t2s().convert(text)


def is_fullwidth_alnum(ch: str) -> bool:
    return "\uff10" <= ch <= "\uff19" or "\uff21" <= ch <= "\uff3a" or "\uff41" <= ch <= "\uff5a"


def fold_fullwidth_alnum(text: str) -> str:
    """NFKC-fold full-width Latin letters and digits only.

    Full NFKC would also fold the full-width punctuation a Chinese text keeps
    (，：；（）！？ are U+FF0C etc.), so punctuation is left to callers that
    know the context (e.g. "ＵＳ－ＥＵ" inside a Latin run).
    """
    return "".join(unicodedata.normalize("NFKC", ch) if is_fullwidth_alnum(ch) else ch for ch in text)


def is_private_use(ch: str) -> bool:
    return unicodedata.category(ch) == "Co"


def strip_private_use(text: str) -> tuple[str, int]:
    """Remove private-use code points (extraction debris); returns (text, count)."""
    kept = [ch for ch in text if not is_private_use(ch)]
    return "".join(kept), len(text) - len(kept)
