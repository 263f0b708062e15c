"""Logic behind the source-linked research report site.

Subpackages: ``sources`` (ingest raw documents into reader pages),
``bibliography`` (the BibTeX data), ``citations`` (syntax, rendering,
checking), ``checks`` (repository checks run by ``make check``).
MkDocs hooks in ``hooks/`` and commands in ``scripts/`` are thin adapters.
"""
