"""The text formats: plain text, Markdown, JSON and HTML, each to an article with its metadata.

Plain text and Markdown keep the file's text exactly (offsets index it); the title and byline
are sniffed from a normalised copy of the paragraphs. JSON gives its ``"text"`` field and HTML
the text ``pages`` extracts, and both copy it into ``meta.text``.
"""

from __future__ import annotations

import json
import re
from typing import Any

from briefing.errors import InputError
from briefing.ingest.pages import extract_html, url_date
from briefing.ingest.sentences import title_case
from briefing.models import Article, ArticleMeta, InputFormat

_TITLE_MAX = 200
# A first paragraph of one line this short, above a longer one, is the headline, full stop or not
# ("Laws don't apply equally to Clinton."): a lead says who did what, where and when, in more.
_TITLE_WORDS = 14
_BYLINE = re.compile(r"^[Bb][Yy][ \t]+(?P<name>\S.{0,120})$")
_LOOKS_HTML = re.compile(
    r"<(?:!doctype\s+html|html|head|body|article|main|p|div|h[1-6]|title|meta|section)\b",
    re.IGNORECASE,
)


def parse_text(text: str, path: str, fmt: InputFormat, article_id: str) -> Article:
    if fmt == "html":
        return _from_html(text, path, article_id)
    if fmt == "json":
        return _from_json(text, path, article_id)
    if fmt == "md":
        return _from_markdown(text, path, article_id)
    return _from_plain(text, path, article_id)


def guess_format(text: str) -> InputFormat:
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


def _headline(paragraph: str, after: str = "") -> str | None:
    """The first paragraph as the article's headline, where it reads as one: a single line,
    without a full stop, in title case, or short above a longer paragraph ("Laws don't apply
    equally to Clinton." above its lead); not a lead sentence ("The minister spoke on
    Sunday." above "More text.")."""
    line = paragraph.strip()
    if "\n" in line or not line or len(line) >= _TITLE_MAX:
        return None
    if not re.search(r"\w", line):
        return None
    short = len(line.split()) <= _TITLE_WORDS < len(after.split())
    if line.endswith(".") and not title_case(line) and not short:
        return None  # a first paragraph that is a lead sentence, not a headline
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
    title = _headline(paragraphs[0], paragraphs[1]) if len(paragraphs) > 1 else None
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
            title = _headline(paragraphs[0], paragraphs[1])
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


def _from_html(html: str, path: str, article_id: str) -> Article:
    page = extract_html(html, path)
    meta = ArticleMeta(
        id=article_id,
        path=path,
        title=page.title,
        outlet=page.outlet,
        published=page.published or url_date(page.url),
        author=page.author,
        url=page.url,
        format="html",
        text=page.text,
    )
    return Article(meta=meta, text=page.text)
