"""ingest: files, folders, standard input, URLs and feeds to articles; sentences and quotations.

``files`` (inputs, folders, stdin), ``formats`` (text, Markdown, JSON, HTML), ``documents``
(PDF, Word, email), ``decode`` (encodings), ``pages`` (HTML text and metadata), ``web`` (URLs
and feeds, over ``fetch``, ``cache`` and ``feeds``), ``state`` (the daily run).

Bad input never raises past this stage: each unreadable file or failed fetch becomes one
``InputError`` that names the input and the problem, so a batch goes on without it.
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
