"""Turn input files (or stdin) into :class:`~briefing.models.Article` models.

Every offset the later stages produce indexes ``Article.text``, so this module never
normalises: files are read as bytes and decoded (``decode``: UTF-8, UTF-16 with a byte-order
mark, or the likeliest other encoding, with a warning), with no newline translation. For
``.txt`` and ``.md`` the text is the file exactly; for HTML it is the text trafilatura extracts,
for JSON the ``"text"`` field, for PDF, Word and email the text ``documents`` reads, and in
those cases the text is also copied into ``meta.text`` so JSON output carries the string the
offsets refer to.

Every problem with an input is an :class:`~briefing.errors.InputError` naming the file, so a
batch (:func:`load_all`) reports the bad file and goes on with the others; a file in a folder
that is not an article is listed too, with the reason, never passed over in silence. Nothing
here touches the network: a URL among the inputs is handed to the ``remote`` the caller gives
(``briefing.ingest.web``).
"""

from __future__ import annotations

import math
import os
import re
import stat
import sys
import unicodedata
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any, Protocol

from briefing.errors import InputError
from briefing.ingest.decode import Warn, check_text, decode_exact
from briefing.ingest.formats import guess_format, parse_text
from briefing.models import Article, InputFormat

MAX_BYTES = 2 * 1024 * 1024
ARTICLE_SUFFIXES = (
    ".txt",
    ".md",
    ".markdown",
    ".html",
    ".htm",
    ".json",
    ".pdf",
    ".docx",
    ".eml",
)
STDIN_PATH = "<stdin>"
STDIN_ID = "stdin"

_SUFFIX_FORMAT: dict[str, InputFormat] = {
    ".txt": "txt",
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".json": "json",
    ".pdf": "pdf",
    ".docx": "docx",
    ".eml": "eml",
}
_KINDS = ".txt, .md, .html, .htm, .json, .pdf, .docx, .eml"
_NO_ARTICLES = f"folder holds no articles ({_KINDS})"
_URL = re.compile(r"https?://", re.IGNORECASE)


class Remote(Protocol):
    """What reads the URLs among the inputs, and the items of the feeds (``ingest.web``)."""

    def prefetch(self, urls: Sequence[str]) -> None:
        """Fetch these ahead, together (they are read in order afterwards)."""

    def load(self, url: str, warn: Warn | None) -> Article | None:
        """The article at ``url``; None when it is one already read under another URL."""

    def extra(self, warn: Warn | None) -> Iterator[Article | InputError]:
        """The feeds' items, after the inputs."""


def is_url(value: str | Path) -> bool:
    """An input that names a web page (http or https), not a file."""
    return isinstance(value, str) and bool(_URL.match(value))


# ---------------------------------------------------------------------------------------------
# public API


def load_article(path: str | Path, warn: Warn | None = None) -> Article:
    """Load one article file; ``"-"`` reads stdin. Raises :class:`InputError`. ``warn`` hears
    what the reader should know of (an encoding that had to be guessed)."""
    if str(path) == "-":
        return read_stdin(sys.stdin, warn=warn)
    shown = str(path)
    data = _read_file(shown)
    fmt = _SUFFIX_FORMAT.get(Path(shown).suffix.lower(), "txt")
    return _parse(data, shown, fmt, slugify(Path(shown).stem), warn)


def read_stdin(stream: IO[Any], path: str = STDIN_PATH, warn: Warn | None = None) -> Article:
    """Read one article from a stream (stdin), guessing its format from the content.

    JSON when it parses as an object with a ``"text"`` field, HTML when it starts with ``<``
    and looks like HTML, plain text otherwise. The article's id is ``"stdin"``.
    """
    source = getattr(stream, "buffer", stream)
    try:
        raw = source.read(MAX_BYTES + 1)
    except OSError as exc:
        raise InputError(path, f"cannot be read: {_os_problem(exc)}") from None
    if isinstance(raw, str):
        if len(raw) > MAX_BYTES:  # characters, so at least this many bytes
            raise InputError(path, f"is over {_mb(MAX_BYTES)} MB; the limit is 2 MB")
        text = raw
        check_text(text, path)
    else:
        if len(raw) > MAX_BYTES:
            raise InputError(path, f"is over {_mb(MAX_BYTES)} MB; the limit is 2 MB")
        text, exact = decode_exact(raw, path, warn=warn)
        if not exact:
            return _carrying_text(parse_text(text, path, guess_format(text), STDIN_ID))
    return parse_text(text, path, guess_format(text), STDIN_ID)


def expand_paths(paths: Sequence[str | Path]) -> tuple[list[str | Path], list[InputError]]:
    """Expand folders into the article files they hold; files and ``"-"`` pass through.

    Folders are walked recursively in sorted order, taking files whose suffix is one of
    :data:`ARTICLE_SUFFIXES` and skipping hidden files and folders. Directory symlinks that
    lead back to a folder already walked are not followed again.
    """
    files: list[str | Path] = []
    errors: list[InputError] = []
    for item in _expand(paths):
        (errors if isinstance(item, InputError) else files).append(item)  # type: ignore[arg-type]
    return files, errors


def _expand(paths: Sequence[str | Path]) -> list[str | Path | InputError]:
    """Files and errors in input order, so a batch reports problems where they occur."""
    out: list[str | Path | InputError] = []
    for given in paths:
        shown = str(given)
        if shown == "-" or is_url(given):
            out.append(given)
            continue
        try:
            st = os.stat(shown)
        except FileNotFoundError:
            problem = (
                "is a broken symbolic link"
                if os.path.islink(shown)
                else "no such file or directory"
            )
            out.append(InputError(shown, problem))
            continue
        except OSError as exc:
            out.append(InputError(shown, f"cannot be read: {_os_problem(exc)}"))
            continue
        if not stat.S_ISDIR(st.st_mode):
            out.append(given)
            continue
        walked: list[str | InputError] = []
        others: list[tuple[str, str]] = []
        _walk(shown, set(), walked, others)
        if not walked:
            out.append(InputError(shown, _NO_ARTICLES + _not_read(shown, others)))
            continue
        out.extend(walked)
        out.extend(InputError(path, problem) for path, problem in others)
    return out


def read_all(
    paths: Sequence[str | Path],
    *,
    stdin: IO[Any] | None = None,
    remote: Remote | None = None,
    warn: Warn | None = None,
) -> Iterator[Article | InputError]:
    """Each input's article, or its error, one at a time in input order, then the feeds'
    items (``remote``, which also reads the URLs among the inputs).

    Ids are unique within the batch: the slug of the file stem, then ``-2``, ``-3`` ... for
    later articles with the same slug, in input order. Standard input is read once. Skipped
    files in a folder (not articles) come after the folder's articles.
    """
    used: set[str] = set()
    stdin_read = False
    expanded = _expand(paths)
    if remote is not None:
        remote.prefetch([str(i) for i in expanded if not isinstance(i, InputError) and is_url(i)])
    for item in _chain(expanded, remote, warn):
        if isinstance(item, InputError):
            yield item
            continue
        try:
            if isinstance(item, Article):
                article = item
            elif is_url(item):
                if remote is None:
                    raise InputError(str(item), "is a URL, and web pages are not read here")
                fetched = remote.load(str(item), warn)
                if fetched is None:
                    continue
                article = fetched
            elif str(item) == "-":
                if stdin_read:
                    raise InputError(STDIN_PATH, "stdin was already read; give '-' only once")
                stdin_read = True
                article = read_stdin(stdin if stdin is not None else sys.stdin, warn=warn)
            else:
                article = load_article(item, warn)
        except InputError as exc:
            yield exc
            continue
        unique = _unique_id(article.meta.id, used)
        if unique != article.meta.id:
            article = article.model_copy(
                update={"meta": article.meta.model_copy(update={"id": unique})}
            )
        yield article


def _chain(
    expanded: list[str | Path | InputError], remote: Remote | None, warn: Warn | None
) -> Iterator[str | Path | InputError | Article]:
    yield from expanded
    if remote is not None:
        yield from remote.extra(warn)


def load_all(
    paths: Sequence[str | Path],
    *,
    stdin: IO[Any] | None = None,
    remote: Remote | None = None,
    warn: Warn | None = None,
) -> tuple[list[Article], list[InputError]]:
    """Expand and load every input, collecting one error per bad file (see :func:`read_all`)."""
    articles: list[Article] = []
    errors: list[InputError] = []
    for item in read_all(paths, stdin=stdin, remote=remote, warn=warn):
        (errors if isinstance(item, InputError) else articles).append(item)  # type: ignore[arg-type]
    return articles, errors


def slugify(stem: str) -> str:
    """A file stem as an article id: lowercase ASCII letters, digits and single hyphens."""
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_stem.lower()).strip("-")
    return slug or "article"


# ---------------------------------------------------------------------------------------------
# reading and decoding


def _read_file(path: str) -> bytes:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        problem = (
            "is a broken symbolic link" if os.path.islink(path) else "no such file or directory"
        )
        raise InputError(path, problem) from None
    except OSError as exc:
        raise InputError(path, f"cannot be read: {_os_problem(exc)}") from None
    if stat.S_ISDIR(st.st_mode):
        raise InputError(path, "is a directory, not a file")
    if st.st_size > MAX_BYTES:
        raise InputError(path, f"is {_mb(st.st_size)} MB; the limit is 2 MB")
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except IsADirectoryError:
        raise InputError(path, "is a directory, not a file") from None
    except OSError as exc:
        raise InputError(path, f"cannot be read: {_os_problem(exc)}") from None
    if len(data) > MAX_BYTES:  # a special file, or one that grew since stat
        raise InputError(path, f"is over {_mb(MAX_BYTES)} MB; the limit is 2 MB")
    return data


def _mb(size: int) -> str:
    return f"{math.ceil(size / (1024 * 1024) * 10) / 10:.1f}"


def _os_problem(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return "permission denied"
    return (exc.strerror or str(exc)).lower()


# ---------------------------------------------------------------------------------------------
# folders


def _walk(
    folder: str,
    seen: set[tuple[int, int]],
    out: list[str | InputError],
    others: list[tuple[str, str]],
) -> None:
    """Article files (and the errors of unreadable ones) into ``out``; every other file, with
    the reason it is not read, into ``others``. Hidden files and folders are not content (a
    ``.git``, an editor's swap file) and are passed over."""
    try:
        st = os.stat(folder)
    except OSError as exc:
        out.append(InputError(folder, f"cannot be read: {_os_problem(exc)}"))
        return
    key = (st.st_dev, st.st_ino)
    if key in seen:  # a symlink back to a folder already walked
        return
    seen.add(key)
    try:
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as exc:
        out.append(InputError(folder, f"cannot be read: {_os_problem(exc)}"))
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        child = os.path.join(folder, entry.name)
        try:
            is_dir = entry.is_dir()
            is_file = not is_dir and entry.is_file()
        except OSError as exc:  # e.g. a symlink pointing at itself
            if entry.name.lower().endswith(ARTICLE_SUFFIXES) or entry.is_symlink():
                out.append(InputError(child, f"cannot be read: {_os_problem(exc)}"))
            continue
        if is_dir:
            _walk(child, seen, out, others)
        elif entry.name.lower().endswith(ARTICLE_SUFFIXES):
            if is_file:
                out.append(child)
            elif entry.is_symlink() and not os.path.exists(child):
                out.append(InputError(child, "is a broken symbolic link"))
        elif is_file:
            others.append((child, _not_article(entry.name)))


def _not_article(name: str) -> str:
    suffix = Path(name).suffix.lower()
    kind = f"{suffix} files are" if suffix else "files without a suffix are"
    return f"not an article ({kind} not read; articles are {_KINDS})"


def _not_read(folder: str, others: list[tuple[str, str]]) -> str:
    """The files of a folder with no articles, named on its one line."""
    if not others:
        return ""
    names = ", ".join(os.path.relpath(path, folder) for path, _ in others)
    return f"; not read: {names}"


# ---------------------------------------------------------------------------------------------
# formats


def _parse(
    data: bytes, path: str, fmt: InputFormat, article_id: str, warn: Warn | None = None
) -> Article:
    from briefing.ingest import documents

    if fmt == "pdf":
        return documents.from_pdf(data, path, article_id)
    if fmt == "docx":
        return documents.from_docx(data, path, article_id)
    if fmt == "eml":
        return documents.from_eml(data, path, article_id, warn)
    text, exact = decode_exact(data, path, html=fmt == "html", warn=warn)
    article = parse_text(text, path, fmt, article_id)
    return article if exact else _carrying_text(article)


def _carrying_text(article: Article) -> Article:
    """An article decoded from another encoding than UTF-8 carries its text in ``meta.text``:
    a reader of the file's bytes as UTF-8 would not find the offsets."""
    if article.meta.text is not None:
        return article
    return article.model_copy(
        update={"meta": article.meta.model_copy(update={"text": article.text})}
    )


def _unique_id(base: str, used: set[str]) -> str:
    candidate, n = base, 1
    while candidate in used:
        n += 1
        candidate = f"{base}-{n}"
    used.add(candidate)
    return candidate
