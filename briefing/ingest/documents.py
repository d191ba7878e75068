"""PDF, Word (.docx) and email (.eml) to articles.

Statements and reports arrive as PDF, drafts and notes as Word documents, newsletters as mail.
Each becomes an article whose text is what a reader sees, one paragraph per block with a blank
line between, as in the ``.txt`` articles; offsets index that text, which is also copied into
``meta.text``. Nothing here follows a link, loads an image or runs anything in the document.

PDF has no paragraphs, only positioned lines: pypdf's layout mode keeps the vertical gaps, so a
blank line between lines is a paragraph break and the lines of a paragraph are joined with a
space. Multi-column layouts, running heads and page numbers are not undone.
"""

from __future__ import annotations

import io
import re
from email.message import EmailMessage
from email.utils import parsedate_to_datetime

from briefing.errors import InputError
from briefing.ingest.decode import Warn
from briefing.ingest.pages import clean, extract_html
from briefing.models import Article, ArticleMeta

# a line that ends a paragraph which may go on over the page: no sentence punctuation at its end
# a page's last line this share of its longest line or more is taken to run the text's width
_FULL_LINE = 0.8
_SENTENCE_END = re.compile(r"""[.!?:;"'\u201d\u2019)\]]$""")


def from_pdf(data: bytes, path: str, article_id: str) -> Article:
    """The text of a PDF's pages, with its title and author from the document information."""
    import logging

    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its warnings are not the user's
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise InputError(path, "is an encrypted PDF; save an unencrypted copy to read it")
        pages = [page.extract_text(extraction_mode="layout") for page in reader.pages]
        info = reader.metadata or {}
        title, author = clean(info.get("/Title")), clean(info.get("/Author"))
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - a malformed file is a bad input
        # pypdf meets malformed files with many kinds of error (IndexError, AttributeError,
        # RecursionError ...); each is this file's problem, never the batch's
        detail = " ".join(str(exc).split())[:120] or type(exc).__name__
        raise InputError(path, f"is not a readable PDF ({detail})") from None
    paragraphs: list[str] = []
    runs_on = False  # the last page ended in a full line with no sentence end
    for page in pages:
        here, full = _layout_paragraphs(page)
        if runs_on and here:
            paragraphs[-1] = _join([paragraphs[-1], here.pop(0)])  # a paragraph over the page
        paragraphs.extend(here)
        runs_on = bool(paragraphs) and full and not _SENTENCE_END.search(paragraphs[-1])
    text = "\n\n".join(paragraphs)
    if not text:
        raise InputError(path, "PDF has no text (a scan? it would need OCR, which is not done)")
    return _article(article_id, path, text, "pdf", title=title, author=author)


def _layout_paragraphs(page: str) -> tuple[list[str], bool]:
    """A page's paragraphs, and whether its last line runs the width of the text (so that
    its paragraph may go on over the page; a heading or a byline is short)."""
    out: list[str] = []
    widths = [len(line.strip()) for line in page.splitlines() if line.strip()]
    last = 0
    for block in re.split(r"\n[ \t]*\n", page):
        lines = [" ".join(line.split()) for line in block.splitlines()]
        lines = [line for line in lines if line]
        if lines:
            out.append(_join(lines))
            last = len(block.rstrip().splitlines()[-1].strip())
    full = bool(widths) and last >= _FULL_LINE * max(widths)
    return out, full


def _join(lines: list[str]) -> str:
    """The lines of one paragraph as one line: a space between them, none after a hyphen at
    the end of a word ("Son-" "hui" is "Son-hui", "Russia-" "Ukraine" is "Russia-Ukraine"):
    layout engines break lines after the hyphens a text has."""
    text = lines[0]
    for line in lines[1:]:
        if re.search(r"\w-$", text):
            text += line
        else:
            text += " " + line
    return text


def from_docx(data: bytes, path: str, article_id: str) -> Article:
    """The paragraphs of a Word document (tables included, row by row), with its title and
    author from the document properties or, for the title, its first Title or Heading."""
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - not a zip, not a Word package, a broken part
        detail = " ".join(str(exc).split())[:120] or type(exc).__name__
        raise InputError(path, f"is not a readable Word document ({detail})") from None
    paragraphs: list[str] = []
    heading: str | None = None
    for para in document.paragraphs:
        line = " ".join(para.text.split())
        if not line:
            continue
        style = (para.style.name if para.style is not None else "") or ""
        if heading is None and not paragraphs and style.startswith(("Title", "Heading")):
            heading = line
        paragraphs.append(line)
    for table in document.tables:
        for row in table.rows:
            cells = [" ".join(cell.text.split()) for cell in row.cells]
            line = " | ".join(c for c in dict.fromkeys(cells) if c)
            if line:
                paragraphs.append(line)
    text = "\n\n".join(paragraphs)
    if not text:
        raise InputError(path, "Word document has no text")
    props = document.core_properties
    return _article(
        article_id,
        path,
        text,
        "docx",
        title=clean(props.title) or heading,
        author=clean(props.author),
    )


def from_eml(data: bytes, path: str, article_id: str, warn: Warn | None = None) -> Article:
    """An email: its plain-text part, or failing that its HTML part's text (as an HTML page
    gives it); the subject is the title, the sender the outlet and the Date header the date."""
    from email import message_from_bytes
    from email import policy as email_policy

    try:
        message = message_from_bytes(data, policy=email_policy.default)
    except Exception as exc:  # noqa: BLE001 - the parser's failures are a bad input
        raise InputError(path, f"is not a readable email ({type(exc).__name__})") from None
    if not isinstance(message, EmailMessage) or not message.keys():
        raise InputError(path, "is not an email message (no headers)")
    try:
        part = message.get_body(preferencelist=("plain", "html"))
        content = part.get_content() if part is not None else None
    except (LookupError, ValueError, KeyError) as exc:
        raise InputError(path, f"email body cannot be decoded ({exc})") from None
    if not isinstance(content, str) or not content.strip():
        raise InputError(path, "email has no text or HTML part")
    if part.get_content_subtype() == "html":
        page = extract_html(content, path)
        text = page.text
    else:
        text = _plain_mail(content)
    if not text:
        raise InputError(path, "email has no text")
    return _article(
        article_id,
        path,
        text,
        "eml",
        title=clean(message.get("subject")),
        outlet=_sender(message.get("from")),
        published=_mail_date(message.get("date")),
    )


def _plain_mail(content: str) -> str:
    """A plain-text body with Unix newlines, paragraphs kept, lines of a paragraph kept (a
    newsletter's lines are often meant), the signature ("-- ") cut."""
    flat = content.replace("\r\n", "\n").replace("\r", "\n")
    flat = re.split(r"\n-- \n", flat, maxsplit=1)[0]
    paragraphs = [p.strip("\n") for p in re.split(r"\n[ \t]*\n", flat)]
    return "\n\n".join(p.strip() for p in paragraphs if p.strip())


def _sender(value: object) -> str | None:
    """The sender as an outlet: the display name ("Reuters Daily Briefing"), else the address."""
    if value is None:
        return None
    addresses = getattr(value, "addresses", ())
    if addresses:
        first = addresses[0]
        return clean(first.display_name) or clean(first.addr_spec)
    return clean(str(value))


def _mail_date(value: object) -> str | None:
    if value is None:
        return None
    try:
        when = parsedate_to_datetime(str(value))
    except (TypeError, ValueError, IndexError):
        return None
    return when.isoformat() if when is not None else None


def _article(
    article_id: str,
    path: str,
    text: str,
    fmt: str,
    *,
    title: str | None = None,
    author: str | None = None,
    outlet: str | None = None,
    published: str | None = None,
) -> Article:
    meta = ArticleMeta(
        id=article_id,
        path=path,
        title=title,
        author=author,
        outlet=outlet,
        published=published,
        format=fmt,  # type: ignore[arg-type]
        text=text,
    )
    return Article(meta=meta, text=text)
