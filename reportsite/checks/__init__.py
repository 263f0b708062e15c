"""Repository checks run by `make check` (no browser needed); each returns Problems."""
