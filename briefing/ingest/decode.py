"""Bytes to text: UTF-8 first, then what a page declares, then a detector, with a warning.

Offsets index the decoded text exactly, so nothing here normalises. UTF-8 (or UTF-16 with a
byte-order mark) is read as it is. A file that is not valid UTF-8 is, in the news a policy desk
receives, nearly always Windows-1252 or Latin-1 (an older CMS, a Word export); charset-normalizer
guesses the encoding among the :data:`CANDIDATES` that news is written in, and the caller is told
which encoding was used, because a guess can be wrong. Bytes no candidate decodes get the
one-line error naming the file.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from briefing.errors import InputError

# Said to the user when a guess was made: "path: decoded as windows-1252 ...".
Warn = Callable[[str], None]

_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_HTML_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE
)
# The encodings the detector may choose among: the single-byte Windows and ISO code pages of
# European languages, and the common East Asian encodings. An unrestricted detector names rare
# code pages (cp1006, cp1125) for short English text with one accented letter.
CANDIDATES = (
    "cp1252",
    "iso8859_15",
    "cp1250",
    "iso8859_2",
    "cp1251",
    "koi8_r",
    "cp1253",
    "cp1254",
    "cp1256",
    "cp1257",
    "mac_roman",
    "shift_jis",
    "euc_jp",
    "gb18030",
    "big5",
    "euc_kr",
)
# Where the detector's choice and Windows-1252 give the same text, the name said is
# Windows-1252: it is what such files nearly always are, and the text is the same either way.
_PREFERRED = "cp1252"


def decode(data: bytes, path: str, *, html: bool = False, warn: Warn | None = None) -> str:
    """The text of ``data``; raises :class:`InputError` when it is binary, empty or cannot be
    decoded. ``html``: trust a ``<meta charset>`` declaration before guessing."""
    return decode_exact(data, path, html=html, warn=warn)[0]


def decode_exact(
    data: bytes, path: str, *, html: bool = False, warn: Warn | None = None
) -> tuple[str, bool]:
    """:func:`decode`, and whether the text is the file read as UTF-8 (or UTF-16 with a BOM),
    so that a reader of the file's bytes finds the same offsets; when it is not, the caller
    carries the text itself (``meta.text``)."""
    exact = True
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
            text = _not_utf8(data, path, exc, html=html, warn=warn)
            exact = False
    check_text(text, path)
    return text, exact


def _not_utf8(
    data: bytes, path: str, exc: UnicodeDecodeError, *, html: bool, warn: Warn | None
) -> str:
    where = f"byte 0x{data[exc.start]:02X} at offset {exc.start}"
    declared = declared_charset(data) if html else None
    if declared is not None:
        # The page says what it is; trusting an explicit declaration is not guessing.
        try:
            return data.decode(declared)
        except (UnicodeDecodeError, LookupError):
            raise InputError(
                path, f"is neither valid UTF-8 ({where}) nor valid {declared} as the page declares"
            ) from None
    guessed = detect(data)
    if guessed is None:
        raise InputError(path, f"is not valid UTF-8 ({where}) nor any encoding it could be")
    name, text = guessed
    if warn is not None:
        warn(f"{path}: not valid UTF-8 ({where}); decoded as {name}, the likeliest encoding")
    return text


def detect(data: bytes) -> tuple[str, str] | None:
    """The likeliest encoding of ``data`` among :data:`CANDIDATES` (its display name) and the
    text, or None when none decodes it."""
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=list(CANDIDATES)).best()
    if best is None:
        return None
    text = str(best)
    encoding = best.encoding
    if encoding != _PREFERRED:
        try:
            if data.decode(_PREFERRED) == text:
                encoding = _PREFERRED
        except UnicodeDecodeError:
            pass
    return display_name(encoding), text


def display_name(encoding: str) -> str:
    """``cp1252`` as ``windows-1252``, ``iso8859_15`` as ``iso-8859-15``: the names users see
    in editors and HTTP headers."""
    if re.fullmatch(r"cp125\d", encoding):
        return f"windows-{encoding[2:]}"
    match = re.fullmatch(r"iso8859_(\d+)", encoding)
    if match:
        return f"iso-8859-{match.group(1)}"
    return encoding.replace("_", "-")


def check_text(text: str, path: str) -> None:
    """Decoded text that is still no article: NUL characters, or nothing but whitespace."""
    if "\x00" in text:
        raise InputError(path, "looks binary (NUL bytes), not text")
    if not text.replace("\ufeff", "").strip():
        raise InputError(path, "is empty")


def declared_charset(data: bytes) -> str | None:
    """The encoding an HTML page's ``<meta charset>`` names, when Python knows it and it is
    not UTF-8 (which has already failed)."""
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
