"""One module per raw layout; each exposes ``normalize(raw: str, key: str) -> Document``."""
