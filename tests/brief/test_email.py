"""The brief as an email (``-o brief.eml``): a MIME message that the standard library parses back
into a plain-text and an HTML alternative, whose HTML loads nothing from anywhere.

Built from the example articles and the morning fixtures, and from an article whose text is
hostile markup (script, images, links, CSS that fetches).
"""

from __future__ import annotations

import email
import email.policy
import email.utils
import json
import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefing.cli import main
from tests.conftest import EXAMPLES, ROOT

MORNING = ROOT / "tests" / "data" / "morning"
HOSTILE = (
    'The ministry said <script>fetch("https://evil.example/a")</script> talks resumed. '
    '<img src="https://evil.example/pixel.gif"> <link rel="stylesheet" href="//evil.example/x.css">'
    ' <a href="https://evil.example/">Read more</a> <div style="background: url(https://evil.example/b)">'
    "@import url(https://evil.example/c.css);</div> Officials said the talks would go on."
)
# elements that load something, or run something, in a mail client
_LOADING_TAGS = {"img", "link", "script", "iframe", "object", "embed", "video", "audio", "source"}
_LOADING_TAGS |= {"frame", "frameset", "form", "input", "base", "meta_refresh", "svg", "style"}
_URL_ATTRS = {"src", "href", "srcset", "background", "action", "poster", "data", "formaction"}


class _Resources(HTMLParser):
    """Every tag, every attribute that names a URL, and every style, of an HTML document."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.urls: list[tuple[str, str, str]] = []
        self.styles: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            if name in _URL_ATTRS or (tag == "meta" and name == "http-equiv"):
                self.urls.append((tag, name, value or ""))
            if name == "style":
                self.styles.append(value or "")

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _build(tmp_path: Path, *paths: Path | str, extra: tuple[str, ...] = ()) -> bytes:
    out = tmp_path / "brief.eml"
    r = CliRunner().invoke(
        main, ["build", *map(str, paths), "-o", str(out), "--quiet", *extra], catch_exceptions=False
    )
    assert r.exit_code == 0, r.output
    return out.read_bytes()


def _parse(raw: bytes) -> email.message.EmailMessage:
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(msg, email.message.EmailMessage)
    assert not msg.defects
    return msg


def _assert_loads_nothing(html: str) -> _Resources:
    found = _Resources()
    found.feed(html)
    found.close()
    assert not set(found.tags) & _LOADING_TAGS, set(found.tags) & _LOADING_TAGS
    assert found.urls == [], found.urls
    for style in found.styles:
        assert "url(" not in style.lower() and "@import" not in style.lower(), style
    assert "@font-face" not in html and "@import" not in html
    assert not re.search(r"\b(?:https?|ftp|file|cid|data):", "".join(found.styles), re.I)
    return found


@pytest.fixture(scope="module")
def morning_eml(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return _build(tmp_path_factory.mktemp("eml"), MORNING, EXAMPLES)


def test_the_message_is_multipart_alternative_with_text_and_html(morning_eml: bytes):
    msg = _parse(morning_eml)
    assert msg.get_content_type() == "multipart/alternative"
    parts = [p.get_content_type() for p in msg.iter_parts()]
    assert parts == ["text/plain", "text/html"]  # the richest last, as RFC 2046 asks
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    for section in ("BOTTOM LINE", "KEY DEVELOPMENTS", "SOURCES"):
        assert section in text
    for section in ("Bottom line", "Key developments", "Sources"):
        assert section in html
    # every development has its headline in both parts, and says how many articles carry it
    assert re.search(r"<strong>[^<]{10,}</strong>(?: <span[^>]*>[^<]*</span>)* <span[^>]*>\[", html)
    assert re.search(r"\d+ articles?", text)
    # the same lines in both: a line of the HTML's bottom line is in the text too
    first = unescape(re.search(r"<li[^>]*>([^<]{30})", html).group(1))
    assert first in " ".join(text.split())


def test_headers_are_those_a_mail_tool_needs(morning_eml: bytes):
    msg = _parse(morning_eml)
    assert msg["From"] == "Briefing <briefing@localhost>"
    assert msg["Subject"].startswith("Morning brief \u2014 ")
    assert email.utils.parsedate_to_datetime(msg["Date"]) is not None
    assert re.fullmatch(r"<[^<>@\s]+@localhost>", msg["Message-ID"])
    assert msg["MIME-Version"] == "1.0"
    assert "To" not in msg


def test_the_html_part_loads_no_external_resource(morning_eml: bytes):
    html = _parse(morning_eml).get_body(("html",)).get_content()
    found = _assert_loads_nothing(html)
    assert found.styles, "styles are inline, on the elements"
    assert "<style" not in html


def test_hostile_article_text_stays_text(tmp_path: Path):
    article = tmp_path / "hostile.json"
    article.write_text(
        json.dumps(
            {
                "title": 'Talks <img src="https://evil.example/t.gif"> resume',
                "text": HOSTILE,
                "outlet": "Wire <b>Service</b>",
                "published": "2024-06-14",
            }
        ),
        encoding="utf-8",
    )
    msg = _parse(_build(tmp_path, article))
    html = msg.get_body(("html",)).get_content()
    found = _assert_loads_nothing(html)
    shown = " ".join(found.text)
    assert '<img src="https://evil.example/t.gif">' in shown  # as words, escaped in the markup
    assert "&lt;img" in html and "<b>" not in html
    assert "\n" not in msg["Subject"] and "evil.example" in msg["Subject"]


def test_from_and_to_are_configurable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("BRIEFING_EMAIL_TO", "desk@example.org, Duty Officer <duty@example.org>")
    raw = _build(
        tmp_path,
        EXAMPLES / "kcna-putin-pyongyang.txt",
        extra=("--email-from", "Analysis Desk <analysis@example.org>"),
    )
    msg = _parse(raw)
    assert msg["From"] == "Analysis Desk <analysis@example.org>"
    assert msg["To"] == "desk@example.org, Duty Officer <duty@example.org>"
    assert msg["Message-ID"].endswith("@example.org>")


@pytest.mark.parametrize(
    "option, value",
    [
        ("--email-from", "not an address"),
        ("--email-from", "a@b.org, c@d.org"),
        ("--email-from", "Desk <desk@example.org>\nBcc: x@evil.example"),
        ("--email-to", "nobody"),
    ],
)
def test_a_bad_address_is_one_line_and_exit_2(tmp_path: Path, option: str, value: str):
    r = CliRunner().invoke(
        main,
        ["build", str(EXAMPLES), "-o", str(tmp_path / "b.eml"), option, value],
        catch_exceptions=False,
    )
    assert r.exit_code == 2
    lines = r.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"briefing: error: {option}: "), r.output
    assert not (tmp_path / "b.eml").exists()
