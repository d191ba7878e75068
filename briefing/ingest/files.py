"""Turn input files (or stdin) into :class:`~briefing.models.Article` models.

Every offset the later stages produce indexes ``Article.text``, so this module never
normalises: files are read as bytes and decoded (UTF-8, or UTF-16 when the file starts with
a UTF-16 byte-order mark), with no newline translation. For ``.txt`` and ``.md`` the text is
the file exactly; for HTML it is the text trafilatura extracts and for JSON the ``"text"``
field, and in those two cases the text is also copied into ``meta.text`` so JSON output
carries the string the offsets refer to.

Every problem with an input is an :class:`~briefing.errors.InputError` naming the file, so a
batch (:func:`load_all`) reports the bad file and goes on with the others. Nothing here
touches the network.
"""

from __future__ import annotations

import json
import math
import os
import re
import stat
import sys
import unicodedata
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any

from briefing.errors import InputError
from briefing.models import Article, ArticleMeta, InputFormat

MAX_BYTES = 2 * 1024 * 1024
ARTICLE_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".json")
STDIN_PATH = "<stdin>"
STDIN_ID = "stdin"

_SUFFIX_FORMAT: dict[str, InputFormat] = {
    ".txt": "txt",
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".json": "json",
}
_NO_ARTICLES = "folder holds no articles (.txt, .md, .html, .htm, .json)"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_TITLE_MAX = 200
_BYLINE = re.compile(r"^[Bb][Yy][ \t]+(?P<name>\S.{0,120})$")
_LOOKS_HTML = re.compile(
    r"<(?:!doctype\s+html|html|head|body|article|main|p|div|h[1-6]|title|meta|section)\b",
    re.IGNORECASE,
)
_HTML_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE
)


# ---------------------------------------------------------------------------------------------
# public API


def load_article(path: str | Path) -> Article:
    """Load one article file; ``"-"`` reads stdin. Raises :class:`InputError`."""
    if str(path) == "-":
        return read_stdin(sys.stdin)
    shown = str(path)
    data = _read_file(shown)
    fmt = _SUFFIX_FORMAT.get(Path(shown).suffix.lower(), "txt")
    return _parse(data, shown, fmt, slugify(Path(shown).stem))


def read_stdin(stream: IO[Any], path: str = STDIN_PATH) -> Article:
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
        _check_text(text, path)
    else:
        if len(raw) > MAX_BYTES:
            raise InputError(path, f"is over {_mb(MAX_BYTES)} MB; the limit is 2 MB")
        text = _decode(raw, path)
    return _parse_text(text, path, _guess_format(text), STDIN_ID)


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
        if shown == "-":
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
        _walk(shown, set(), walked)
        out.extend(walked)
        if not walked:
            out.append(InputError(shown, _NO_ARTICLES))
    return out


def read_all(
    paths: Sequence[str | Path], *, stdin: IO[Any] | None = None
) -> Iterator[Article | InputError]:
    """Each input's article, or its error, one at a time in input order.

    Ids are unique within the batch: the slug of the file stem, then ``-2``, ``-3`` ... for
    later articles with the same slug, in input order. Standard input is read once.
    """
    used: set[str] = set()
    stdin_read = False
    for item in _expand(paths):
        if isinstance(item, InputError):
            yield item
            continue
        try:
            if str(item) == "-":
                if stdin_read:
                    raise InputError(STDIN_PATH, "stdin was already read; give '-' only once")
                stdin_read = True
                article = read_stdin(stdin if stdin is not None else sys.stdin)
            else:
                article = load_article(item)
        except InputError as exc:
            yield exc
            continue
        unique = _unique_id(article.meta.id, used)
        if unique != article.meta.id:
            article = article.model_copy(
                update={"meta": article.meta.model_copy(update={"id": unique})}
            )
        yield article


def load_all(
    paths: Sequence[str | Path], *, stdin: IO[Any] | None = None
) -> tuple[list[Article], list[InputError]]:
    """Expand and load every input, collecting one error per bad file (see :func:`read_all`)."""
    articles: list[Article] = []
    errors: list[InputError] = []
    for item in read_all(paths, stdin=stdin):
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


def _decode(data: bytes, path: str, *, html: bool = False) -> str:
    if data.startswith(_UTF16_BOMS):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputError(
                path, f"is not valid UTF-16 ({exc.reason} at offset {exc.start})"
            ) from None
    else:
        if b"\x00" in data:
            raise InputError(path, "looks binary (NUL bytes), not text")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            declared = _declared_charset(data) if html else None
            if declared is None:
                raise InputError(
                    path, f"is not valid UTF-8 (byte 0x{data[exc.start]:02X} at offset {exc.start})"
                ) from None
            # The page says what it is; trusting an explicit declaration is not guessing.
            try:
                text = data.decode(declared)
            except (UnicodeDecodeError, LookupError):
                raise InputError(
                    path,
                    f"is neither valid UTF-8 (byte 0x{data[exc.start]:02X} at offset {exc.start})"
                    f" nor valid {declared} as the page declares",
                ) from None
    _check_text(text, path)
    return text


def _check_text(text: str, path: str) -> None:
    if "\x00" in text:
        raise InputError(path, "looks binary (NUL bytes), not text")
    if not text.replace("\ufeff", "").strip():
        raise InputError(path, "is empty")


def _declared_charset(data: bytes) -> str | None:
    match = _HTML_CHARSET.search(data[:4096])
    if not match:
        return None
    name = match.group(1).decode("ascii", "ignore").lower()
    if name in {"utf-8", "utf8"}:
        return None
    try:
        "".encode(name)
    except LookupError:
        return None
    return name


def _mb(size: int) -> str:
    return f"{math.ceil(size / (1024 * 1024) * 10) / 10:.1f}"


def _os_problem(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return "permission denied"
    return (exc.strerror or str(exc)).lower()


# ---------------------------------------------------------------------------------------------
# folders


def _walk(folder: str, seen: set[tuple[int, int]], out: list[str | InputError]) -> None:
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
            _walk(child, seen, out)
        elif entry.name.lower().endswith(ARTICLE_SUFFIXES):
            if is_file:
                out.append(child)
            elif entry.is_symlink() and not os.path.exists(child):
                out.append(InputError(child, "is a broken symbolic link"))


# ---------------------------------------------------------------------------------------------
# formats


def _parse(data: bytes, path: str, fmt: InputFormat, article_id: str) -> Article:
    text = _decode(data, path, html=fmt == "html")
    return _parse_text(text, path, fmt, article_id)


def _parse_text(text: str, path: str, fmt: InputFormat, article_id: str) -> Article:
    if fmt == "html":
        return _from_html(text, path, article_id)
    if fmt == "json":
        return _from_json(text, path, article_id)
    if fmt == "md":
        return _from_markdown(text, path, article_id)
    return _from_plain(text, path, article_id)


def _guess_format(text: str) -> InputFormat:
    body = text.lstrip("\ufeff").lstrip()
    if body.startswith("{"):
        try:
            value = json.loads(body)
        except ValueError:
            value = None
        if isinstance(value, dict) and "text" in value:
            return "json"
    if body.startswith("<") and _LOOKS_HTML.search(body[:4096]):
        return "html"
    return "txt"


def _paragraphs(text: str) -> list[str]:
    """Paragraphs for metadata sniffing only (a normalised copy; the text itself is untouched)."""
    flat = text.replace("\ufeff", "").replace("\r\n", "\n").replace("\r", "\n")
    return [p.strip() for p in re.split(r"\n[ \t\u00a0]*\n", flat) if p.strip()]


def _headline(paragraph: str) -> str | None:
    line = paragraph.strip()
    if "\n" in line or not line or len(line) >= _TITLE_MAX:
        return None
    if line.endswith(".") or not re.search(r"\w", line):
        return None
    return line


def _name_connectors() -> frozenset[str]:
    """Lowercase words a byline name may hold ("von", "bin"), from ``data/names.yaml``.

    Imported when first needed: the lexicon lives in ``briefing.analyze``, which imports ingest.
    """
    from briefing.analyze.lexicon import lexicon

    return lexicon().names.connectors


def _byline(paragraph: str) -> str | None:
    """The name in a byline paragraph ("By Nadeem Faisal Baiga"), or None."""
    line = paragraph.strip().strip("*_").strip()
    match = _BYLINE.match(line)
    if "\n" in line or not match:
        return None
    name = match.group("name").strip().rstrip(",;")
    words = re.split(r"[ \t]+|,[ \t]*", name)
    if not 1 <= len(words) <= 10 or not words[0][:1].isupper():
        return None
    connectors = _name_connectors()
    for word in words:
        if not word or not (word[:1].isupper() or word.lower() in connectors):
            return None
    if name.endswith(".") and not re.search(r"\b[A-Z]\.$", name):
        return None  # a sentence ("By Tuesday Seoul Had Responded."), not a name
    return name


def _author(paragraphs: list[str], title: str | None) -> str | None:
    if len(paragraphs) < 2:
        return None
    candidates = [paragraphs[-1]]
    if title is not None:
        candidates.append(paragraphs[1])  # a byline just under the headline
    for paragraph in candidates:
        name = _byline(paragraph)
        if name:
            return name
    return None


def _from_plain(text: str, path: str, article_id: str) -> Article:
    paragraphs = _paragraphs(text)
    title = _headline(paragraphs[0]) if len(paragraphs) > 1 else None
    meta = ArticleMeta(
        id=article_id, path=path, title=title, author=_author(paragraphs, title), format="txt"
    )
    return Article(meta=meta, text=text)


def _front_matter(text: str) -> dict[str, Any]:
    flat = text.lstrip("\ufeff").replace("\r\n", "\n")
    match = re.match(r"---\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|$)", flat, re.DOTALL)
    if not match:
        return {}
    import yaml

    try:
        value = yaml.safe_load(match.group(1))
    except yaml.YAMLError:
        return {}
    return value if isinstance(value, dict) else {}


def _md_body(text: str) -> str:
    flat = text.lstrip("\ufeff").replace("\r\n", "\n")
    match = re.match(r"---\n.*?\n(?:---|\.\.\.)[ \t]*(?:\n|$)", flat, re.DOTALL)
    return flat[match.end() :] if match else flat


def _from_markdown(text: str, path: str, article_id: str) -> Article:
    front = _front_matter(text)
    body = _md_body(text)
    paragraphs = _paragraphs(body)

    def field(*names: str) -> str | None:
        for name in names:
            value = front.get(name)
            if value is not None and not isinstance(value, (dict, list)):
                return str(value).strip() or None
        return None

    title = field("title")
    if title is None and paragraphs:
        first_line = paragraphs[0].split("\n", 1)[0]
        atx = re.match(r"#\s+(.+?)(?:\s+#+)?\s*$", first_line)
        setext = re.match(r"([^\n]+)\n=+\s*$", paragraphs[0])
        if atx:
            title = atx.group(1).strip()
        elif setext:
            title = setext.group(1).strip()
        elif len(paragraphs) > 1:
            title = _headline(paragraphs[0])
    meta = ArticleMeta(
        id=article_id,
        path=path,
        title=title,
        author=field("author", "byline") or _author(paragraphs, title),
        outlet=field("outlet", "source", "publisher", "sitename"),
        published=field("published", "date"),
        url=field("url", "link"),
        format="md",
    )
    return Article(meta=meta, text=text)


def _from_json(text: str, path: str, article_id: str) -> Article:
    try:
        value = json.loads(text.lstrip("\ufeff"))
    except json.JSONDecodeError as exc:
        raise InputError(
            path, f"is not valid JSON (line {exc.lineno} column {exc.colno})"
        ) from None
    except ValueError as exc:  # e.g. numbers too large to convert
        raise InputError(path, f"is not valid JSON ({exc})") from None
    if not isinstance(value, dict):
        raise InputError(path, 'JSON must be one article object with a "text" field')
    if "text" not in value:
        raise InputError(path, 'JSON must be one article object with a "text" field')
    fields: dict[str, str | None] = {}
    for name in ("text", "title", "outlet", "published", "author", "url"):
        item = value.get(name)
        if item is None and name != "text":
            fields[name] = None
            continue
        if not isinstance(item, str):
            raise InputError(path, f"JSON field '{name}' must be a string, got {_json_type(item)}")
        fields[name] = item if name == "text" else (item.strip() or None)
    body = fields["text"]
    assert body is not None
    if not body.strip():
        raise InputError(path, "JSON field 'text' is empty")
    if "\x00" in body:
        raise InputError(path, "JSON field 'text' looks binary (NUL characters), not text")
    meta = ArticleMeta(
        id=article_id,
        path=path,
        title=fields["title"],
        outlet=fields["outlet"],
        published=fields["published"],
        author=fields["author"],
        url=fields["url"],
        format="json",
        text=body,
    )
    return Article(meta=meta, text=body)


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


# The article's date from its metadata only (article:published_time and the like, JSON-LD
# datePublished, <time datetime>), the first publication rather than the last update. Without
# this, a page with no such metadata gets the first date found anywhere in its text or image
# URLs, often a photo caption's ("FILE ... July 29, 2016"): no date is better than a wrong one.
_HTML_DATE_PARAMS = {"extensive_search": False, "original_date": True}


def _from_html(html: str, path: str, article_id: str) -> Article:
    import trafilatura

    markup = html.lstrip("\ufeff")
    if not re.search(r"<html\b", markup[:4096], re.IGNORECASE):
        # trafilatura discards bare fragments ("<p>...</p>"); give it a whole page.
        markup = f"<html><body>{markup}</body></html>"
    try:
        # A string input and no url: trafilatura parses locally and never fetches anything.
        doc = trafilatura.bare_extraction(
            markup,
            with_metadata=True,
            include_comments=False,
            include_images=False,
            include_links=False,
            include_formatting=False,
            date_extraction_params=_HTML_DATE_PARAMS,
        )
    except Exception as exc:  # noqa: BLE001 - any parser failure is a bad input, not a crash
        detail = " ".join(str(exc).split())[:120] or type(exc).__name__
        raise InputError(path, f"HTML could not be parsed ({detail})") from None
    raw = getattr(doc, "text", None) if doc is not None else None
    # One paragraph per extracted block, separated by a blank line as in the .txt articles.
    lines = [line.strip() for line in (raw or "").splitlines()]
    text = "\n\n".join(line for line in lines if line)
    if not text:
        raise InputError(path, "HTML has no extractable article text")

    def clean(value: Any) -> str | None:
        if value is None:
            return None
        value = " ".join(str(value).split())
        return value or None

    meta = ArticleMeta(
        id=article_id,
        path=path,
        title=clean(doc.title),
        outlet=clean(doc.sitename),
        published=clean(doc.date),
        author=clean(doc.author),
        url=clean(doc.url),
        format="html",
        text=text,
    )
    return Article(meta=meta, text=text)


def _unique_id(base: str, used: set[str]) -> str:
    candidate, n = base, 1
    while candidate in used:
        n += 1
        candidate = f"{base}-{n}"
    used.add(candidate)
    return candidate
