"""Citations: syntax (parse), rendering (through mkdocs-bibtex and pandoc's citeproc), checking."""
