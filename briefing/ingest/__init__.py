"""ingest: files, folders and standard input to articles; sentences and quotations.

Bad input never raises past this stage: each unreadable file becomes one ``InputError`` that
names the file and the problem, so a batch goes on without it.
"""

from briefing.ingest.files import (
    expand_paths,
    load_all,
    load_article,
    read_all,
    read_stdin,
    slugify,
)

__all__ = ["expand_paths", "load_all", "load_article", "read_all", "read_stdin", "slugify"]
