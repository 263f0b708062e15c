"""Patterns of extraction damage that must not survive normalization, and the real-source loader,
shared by the per-source normalizer tests."""

import re

from reportsite.sources.model import Document
from reportsite.sources.registry import RAW_DIR, SOURCES

YI = re.compile(r"[\ua000-\ua4cf]")
FULLWIDTH_ALNUM = re.compile(r"[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")
PUA = re.compile(r"[\ue000-\uf8ff]")
PINYIN = re.compile(r"[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ]")


def normalize_real(key: str) -> Document:
    spec = SOURCES[key]
    return spec.normalize((RAW_DIR / spec.raw_name).read_text(encoding="utf-8"))
