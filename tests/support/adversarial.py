"""Hostile inputs and LLM faults, generated at test time (not a test module).

Used by ``tests/test_reliability.py`` and ``benchmarks/reliability.py``. Nothing here is
random at run time: every file and every fault follows from fixed text and a fixed seed, so
two runs see the same corpus and the same faults.

Corpus::

    cases = write_corpus(tmp / "corpus", port=server_port)   # one file (or folder) per case
    # every case and a good article in one folder:
    folder, good_ids, bad_paths = write_batch(tmp / "batch", tmp / "corpus", cases)

Every remote URL in the corpus points at ``http://127.0.0.1:<port>/``, so a loopback server
counting hits (:class:`HitCounter`) proves that nothing was fetched.

Faults::

    with FaultServer(seed=7, rate=0.3) as server:   # a FakeOpenAIServer deciding per request
        ...
    server.injected  # Counter of faults by kind

A request's fate is decided by the article it carries and how many times that article was
asked before (a seeded hash), not by arrival order, so concurrency does not change it.
"""

from __future__ import annotations

import collections
import hashlib
import os
import re
import shutil
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from .llm_server import (
    FakeOpenAIServer,
    _Handler,
    _Server,
    auto_step,
    cut_step,
    sleep_step,
    status_step,
)

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "articles"
GOOD_ARTICLE = EXAMPLES / "kcna-putin-pyongyang.txt"

# ---------------------------------------------------------------------------------------------
# the corpus


@dataclass(frozen=True)
class Case:
    """One hostile input. ``error``: the problem ``briefing`` must report (None: it must be
    read)."""

    name: str  # file or folder inside the corpus folder
    kind: str  # what it tries
    error: str | None = None
    check: str | None = None  # the path `check --article` gets, if not ``name``
    check_error: str | None = None  # what check must say about it, if not ``error``
    good_ids: tuple[str, ...] = ()  # article ids it yields when read (default: the slug of name)
    xss: int = 0  # script/handler/javascript:/remote-resource vectors it carries

    @property
    def ok(self) -> bool:
        return self.error is None


_LEDE = "Officials in the capital said on Monday that the bridge would reopen after repairs."

_XSS_TEXT = (
    'The mayor said "<script>alert(1)</script> is not a threat" on Tuesday.\n\n'
    'A spokesperson told reporters that <img src="http://127.0.0.1:{port}/x.png" '
    'onerror="alert(2)"> '
    "had been removed.\n\n"
    'According to the ministry, <iframe src="javascript:alert(3)"></iframe> and '
    '<a href="javascript:alert(4)">a link</a> were never published.\n\n'
    '<body onload="alert(5)"><svg onload=alert(6)><a '
    'href="http://127.0.0.1:{port}/track">track</a>\n\n'
    "The minister said the <style>@import url(http://127.0.0.1:{port}/x.css);</style> page was "
    "fine.\n"
)

_HOSTILE_HTML = """<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<title>Bridge reopens &lt;script&gt;alert('title')&lt;/script&gt;</title>
<script>fetch("http://127.0.0.1:{port}/head-script")</script>
<link rel="stylesheet" href="http://127.0.0.1:{port}/style.css">
<meta http-equiv="refresh" content="0; url=http://127.0.0.1:{port}/refresh">
</head>
<body onload="alert('body')">
<article>
<h1>Bridge reopens &lt;img src=x onerror=alert(7)&gt;</h1>
<p>Officials in the capital said on Monday that the bridge would reopen after repairs, according
to the transport ministry.</p>
<p>The mayor said &lt;script&gt;alert("xss")&lt;/script&gt; was a string found on the city website,
and that the site had been fixed.</p>
<img src="http://127.0.0.1:{port}/remote.png" onerror="alert(8)">
<iframe src="http://127.0.0.1:{port}/frame"></iframe>
<p>A spokesperson told reporters that <a href="javascript:alert(9)">the notice</a> and
<a href="http://127.0.0.1:{port}/link" onclick="alert(10)">the page</a> were taken down.</p>
<script>document.write("<p>INJECTED-BY-SCRIPT</p>")</script>
<p onmouseover="alert(11)">Traffic was back to normal by the evening, the police said.</p>
<object data="http://127.0.0.1:{port}/obj"></object><embed src="http://127.0.0.1:{port}/embed">
</article>
</body>
</html>
"""

_HOSTILE_MD = """---
title: "Bridge <script>alert('md')</script> reopens"
url: "javascript:alert('url')"
outlet: "<img src=x onerror=alert('outlet')>"
---
# Bridge reopens <iframe src="javascript:alert(12)">

Officials said on Monday that the bridge would reopen after [repairs](javascript:alert(13)).

The mayor said ![tracker](http://127.0.0.1:{port}/md.png) "nothing was hidden" and
<a href="http://127.0.0.1:{port}/md-link" onclick="alert(14)">the report</a> was correct.

<script>alert(15)</script>
"""

_RTL = (
    "Talks resume in Jerusalem \U0001f1ee\U0001f1f1 and Cairo \U0001f1ea\U0001f1ec\n\n"
    "The foreign minister said \u201c\u05e9\u05dc\u05d5\u05dd \u05e2\u05db\u05e9\u05d9\u05d5\u201d "
    "(peace now) on Sunday, according to Kan.\n\n"
    "\u0642\u0627\u0644 \u0627\u0644\u0645\u062a\u062d\u062f\u062b \u0628\u0627\u0633\u0645 "
    "\u0627\u0644\u0648\u0632\u0627\u0631\u0629 \u0625\u0646 \u0627\u0644\u0645\u062d\u0627\u062f"
    "\u062b\u0627\u062a \u0633\u062a\u0633\u062a\u0623\u0646\u0641. A ministry spokesman said the "
    "talks would resume \U0001f91d\U0001f3fd.\n\n"
    "Egypt's state news agency MENA reported that \u201c\u0627\u0644\u0633\u0644\u0627\u0645 "
    "\u0642\u0631\u064a\u0628\u201d, meaning peace is near, was the message \U0001f54a\ufe0f.\n\n"
    "Mixed line: English \u05e2\u05d1\u05e8\u05d9\u05ea \u0627\u0644\u0639\u0631\u0628\u064a\u0629 "
    "\u4e2d\u6587 \u0440\u0443\u0441\u0441\u043a\u0438\u0439 "
    "\U0001f469\u200d\U0001f469\u200d\U0001f467 "
    "end.\n"
)

_INVISIBLE = (
    "Pay\u200bment row \u2066deepens\u2069\n\n"
    "President \u202eniatuP\u202c said the deal was \u201cdone\u200d\u201d, according to TASS.\n\n"
    "The central bank\u00ad said\u2060 on Friday that rates \u202awould\u202c stay "
    "\u202bunchanged\u202c.\n\n"
    "A\u200c spokes\ufeffwoman told reporters that \u2067\u05dc\u05d0\u2069 meant no "
    "\u200e\u200f.\n\n"
    "Officials said the \u202d\u202e\u202a\u202b\u202c markers were removed \u2068today\u2069.\n"
)


def _quotes_10000() -> str:
    marks = "\u201c\u201d\"\u2018\u2019'\u00ab\u00bb\u201e\u300c"
    run = "".join(marks[i % len(marks)] for i in range(10_000))
    return f"Quote storm\n\nThe minister said {run} on Monday.\n\n{_LEDE}\n"


_UNBALANCED = (
    "Quotes gone wrong\n\n"
    "The minister said \u201cwe will not \u2018yield to \u201cpressure\u201d\u2019 from "
    "anyone\u201d on Monday.\n\n"
    "A spokesman said \u201cthis quote never closes, and the article goes on.\n\n"
    "Then a closing mark\u201d arrives from nowhere, the agency said.\n\n"
    '"Straight "nested "three deep" quotes" here", KCNA reported, \u2018and \u201cmixed\u2019 '
    "kinds\u201d.\n\n"
    "\u00ab Guillemets \u00ab inside \u00bb guillemets, \u201e low \u201c and \u300c CJK \u300d "
    "\u00bb, an official said.\n\n"
    "It's the officials' view that ''doubled'' and \"\" empty quotes mean nothing, Reuters "
    "reported.\n"
)


def corpus_cases() -> list[Case]:
    """Every hostile input, in the order they are written."""
    return [
        Case("empty.txt", "empty file", "is empty"),
        Case("whitespace.txt", "whitespace only", "is empty"),
        Case("nul-bytes.txt", "NUL bytes inside text", "looks binary (NUL bytes), not text"),
        Case(
            "binary.txt",
            "binary data (a PNG with a .txt name)",
            "looks binary (NUL bytes), not text",
        ),
        Case("latin1.txt", "Latin-1 encoded text (read as its likeliest encoding)"),
        Case("utf16-bom.txt", "UTF-16 with a byte-order mark"),
        Case("utf16-broken.txt", "UTF-16 with a BOM and an odd byte count", "is not valid UTF-16"),
        Case("huge-5mb.txt", "a 5 MB article", "is 5.0 MB; the limit is 2 MB"),
        Case("quotes-10000.txt", "10,000 quote marks of ten kinds"),
        Case("unbalanced-quotes.txt", "unbalanced, nested and empty quotes"),
        Case(
            "rtl-mixed.txt",
            "Hebrew and Arabic with English, CJK, Cyrillic, emoji and ZWJ sequences",
        ),
        Case(
            "invisible-bidi.txt", "zero-width characters, soft hyphens and bidi overrides/isolates"
        ),
        Case(
            "hostile-text.txt",
            "raw <script>, <iframe>, on*= handlers, javascript: links, remote <img> as text",
            xss=11,
        ),
        Case(
            "hostile-page.html",
            "HTML page with <script>, <iframe>, onerror/onload, javascript: links, remote images",
            xss=16,
        ),
        Case(
            "hostile-markdown.md",
            "Markdown with raw HTML, javascript: links, remote image, hostile front matter",
            xss=9,
        ),
        Case(
            "hostile-json.json",
            "JSON article with markup in title, outlet, author and a javascript: url",
            xss=4,
        ),
        Case(
            "wrong-types.json",
            "JSON article with wrong field types",
            "JSON field 'text' must be a string, got list",
        ),
        Case(
            "not-object.json",
            "JSON that is an array",
            'JSON must be one article object with a "text" field',
        ),
        Case("truncated.json", "JSON cut off mid-string", "is not valid JSON"),
        Case(
            "symlink-loop",
            "a folder holding a symlink loop (folder link to itself, file link to itself)",
            check="symlink-loop/loop.txt",
            check_error="too many levels of symbolic links",
            good_ids=("inside",),
        ),
        Case(
            "unreadable.txt", "a file without read permission", "cannot be read: permission denied"
        ),
    ]


def write_corpus(dest: Path, port: int = 9) -> list[Case]:
    """Write every case into ``dest`` (created); remote URLs point at 127.0.0.1:``port``."""
    dest.mkdir(parents=True, exist_ok=True)
    files: dict[str, bytes] = {
        "empty.txt": b"",
        "whitespace.txt": " \t\n\r\n\u00a0\u3000\n\n   \n".encode(),
        "nul-bytes.txt": f"Headline\n\n{_LEDE}\x00\x00 More text.\n".encode(),
        "binary.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
        + bytes((i * 73 + 41) % 256 for i in range(4096)),
        "latin1.txt": (
            "Caf\u00e9 owners said prices would rise, the chamber of commerce said.\n"
        ).encode("latin-1"),
        "utf16-bom.txt": (
            "Caf\u00e9 prices rise\n\n"
            f"Caf\u00e9 owners said on Monday that prices would rise. {_LEDE}\n"
        ).encode("utf-16"),
        "utf16-broken.txt": b"\xff\xfe" + "Caf\u00e9 owners said so.".encode("utf-16-le") + b"\x00",
        "quotes-10000.txt": _quotes_10000().encode(),
        "unbalanced-quotes.txt": _UNBALANCED.encode(),
        "rtl-mixed.txt": _RTL.encode(),
        "invisible-bidi.txt": _INVISIBLE.encode(),
        "hostile-text.txt": (
            "Bridge <b>reopens</b> <script>alert(0)</script>\n\n" + _XSS_TEXT.format(port=port)
        ).encode(),
        "hostile-page.html": _HOSTILE_HTML.format(port=port).encode(),
        "hostile-markdown.md": _HOSTILE_MD.format(port=port).encode(),
        "wrong-types.json": (
            b'{"title": 42, "text": ["not", "a", "string"], "outlet": {"name": "x"}, '
            b'"published": true}'
        ),
        "not-object.json": b'[{"text": "An article inside an array, the editor said."}]',
        "truncated.json": b'{"title": "Cut off", "text": "Officials said the bridge wou',
    }
    import json

    files["hostile-json.json"] = json.dumps(
        {
            "title": "Bridge reopens <img src=x onerror=alert('title')>",
            "text": _LEDE + " The mayor said \"<script>alert('json')</script>\" was harmless.\n\n"
            f'A spokesperson said <img src="http://127.0.0.1:{port}/json.png"> was removed.',
            "outlet": "<iframe src=javascript:alert('outlet')></iframe>",
            "author": "<svg onload=alert('author')>",
            "published": "2024-01-21",
            "url": "javascript:alert('url')",
        }
    ).encode()
    for name, data in files.items():
        (dest / name).write_bytes(data)
    # 5 MB of real article text: over the limit, so refused before it is read
    para = GOOD_ARTICLE.read_bytes() + b"\n\n"
    with open(dest / "huge-5mb.txt", "wb") as handle:
        size = 5 * 1024 * 1024
        handle.write((para * (size // len(para) + 1))[:size])
    loop = dest / "symlink-loop"
    loop.mkdir(exist_ok=True)
    (loop / "inside.txt").write_text(
        f"Inside the loop\n\n{_LEDE} The mayor said traffic was normal.\n", encoding="utf-8"
    )
    for link, target in ((loop / "again", "."), (loop / "loop.txt", "loop.txt")):
        if not os.path.lexists(link):
            os.symlink(target, link)
    unreadable = dest / "unreadable.txt"
    unreadable.write_text(f"Locked\n\n{_LEDE}\n", encoding="utf-8")
    unreadable.chmod(0)
    return corpus_cases()


def write_batch(dest: Path, corpus: Path, cases: list[Case]) -> tuple[Path, list[str], list[str]]:
    """A folder holding every case plus one good example article.

    Returns the folder, the ids of the articles that must reach the brief, and the paths (as
    ``briefing`` will name them) that must be listed as skipped.
    """
    dest.mkdir(parents=True, exist_ok=True)
    for case in cases:
        src, dst = corpus / case.name, dest / case.name
        if src.is_dir():
            shutil.copytree(src, dst, symlinks=True)
        elif src.is_symlink():
            os.symlink(os.readlink(src), dst)
        else:
            shutil.copy2(src, dst)
    dst = dest / GOOD_ARTICLE.name
    shutil.copy2(GOOD_ARTICLE, dst)
    good = [GOOD_ARTICLE.stem] + [
        i for c in cases if c.ok or c.good_ids for i in (c.good_ids or (slug(c.name),))
    ]
    bad = [str(dest / c.name) for c in cases if not c.ok and not c.good_ids]
    bad += [str(dest / c.check) for c in cases if c.check and c.check_error]
    return dest, good, bad


def slug(name: str) -> str:
    from briefing.ingest import slugify

    return slugify(Path(name).stem)


# A summary for `check` that itself carries markup and bidi tricks.
HOSTILE_SUMMARY = (
    'The mayor said "<script>alert(1)</script>" was harmless, \u202eofficials\u202c said.'
)

# ---------------------------------------------------------------------------------------------
# checking HTML for live markup


class _Tags:
    """Every start tag and its attributes, as a browser's tokenizer would see them."""

    def __init__(self, html: str) -> None:
        from html.parser import HTMLParser

        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        outer = self

        class P(HTMLParser):
            def handle_starttag(self, tag, attrs):
                outer.tags.append((tag, attrs))

            def handle_startendtag(self, tag, attrs):
                outer.tags.append((tag, attrs))

        p = P(convert_charrefs=True)
        p.feed(html)
        p.close()


_LIVE_TAGS = {
    "script",
    "iframe",
    "frame",
    "object",
    "embed",
    "applet",
    "base",
    "form",
    "img",
    "svg",
    "math",
    "link",
    "meta",
    "video",
    "audio",
    "source",
    "picture",
}
_ALLOWED_TAGS = {
    "meta",
    "link",
}  # the template's own <meta charset> and nothing else (checked below)


def live_markup(html: str) -> list[str]:
    """Every way this HTML could run code or load something remote; [] when it is inert.

    Checks real tags and attributes (the standard library's tokenizer), not substrings, so
    article text that was escaped ("&lt;script&gt;") is fine, and a raw ``<script`` anywhere is not.
    """
    problems = []
    lowered = html.lower()
    for raw in ("<script", "<iframe"):
        if raw in lowered:
            problems.append(f"raw {raw} in the output")
    for tag, attrs in _Tags(html).tags:
        if tag in _LIVE_TAGS and tag not in _ALLOWED_TAGS:
            problems.append(f"<{tag}> element")
        if tag == "meta" and any(
            k in ("http-equiv", "content") and v and "url" in v.lower() for k, v in attrs
        ):
            problems.append("<meta> refresh")
        if tag == "link" and any(k == "href" for k, _ in attrs):
            problems.append("<link href>")
        for name, value in attrs:
            v = re.sub(r"[\s\x00-\x1f]", "", value or "").lower()
            if re.fullmatch(r"on[a-z]+", name):
                problems.append(f"<{tag} {name}=> handler")
            if "javascript:" in v or "vbscript:" in v or v.startswith("data:text/html"):
                problems.append(f"<{tag} {name}={value!r}> script URL")
            if name in (
                "src",
                "href",
                "srcset",
                "action",
                "formaction",
                "data",
                "poster",
                "background",
                "xlink:href",
            ) and re.match(r"(?:https?:)?//", v):
                problems.append(f"<{tag} {name}={value!r}> remote URL")
            if name == "style" and re.search(r"url\s*\(|@import|expression\s*\(", v):
                problems.append(f"<{tag} style> loads something")
    for block in re.findall(r"<style[^>]*>(.*?)</style>", html, flags=re.S | re.I):
        if re.search(r"@import|url\s*\(\s*['\"]?(?:https?:)?//", block, flags=re.I):
            problems.append("<style> loads something remote")
    return problems


BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")

# ---------------------------------------------------------------------------------------------
# a loopback server that counts requests


class HitCounter:
    """An HTTP server on 127.0.0.1 that answers everything with a 1x1 PNG and counts the hits."""

    PNG = bytes.fromhex(
        "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
        "0000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
    )

    def __init__(self) -> None:
        self.paths: list[str] = []
        self._lock = threading.Lock()
        outer = self

        class H(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                with outer._lock:
                    outer.paths.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", str(len(outer.PNG)))
                self.end_headers()
                self.wfile.write(outer.PNG)

            do_POST = do_HEAD = do_GET

            def log_message(self, *args):
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self._httpd.daemon_threads = True
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def hits(self) -> int:
        with self._lock:
            return len(self.paths)

    def __enter__(self) -> HitCounter:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


# ---------------------------------------------------------------------------------------------
# running the command line

TIMEOUT = 60  # seconds any one command may take; a hang fails instead of blocking
ROOT_READS_ALL = hasattr(os, "geteuid") and os.geteuid() == 0

# As root every file is readable, so for the unreadable case the child process gets what open()
# raises for an ordinary user on a file that grants no read permission (the monkeypatch of
# test_ingest.test_permission_denied_simulated, done inside the child).
AS_ORDINARY_USER = """
import os, runpy
import briefing.ingest.files as ingest

def _open(file, mode="r", *args, **kwargs):
    try:
        unreadable = "r" in mode and not os.stat(file).st_mode & 0o444
    except (OSError, TypeError):
        unreadable = False
    if unreadable:
        raise PermissionError(13, "Permission denied", os.fsdecode(file))
    return open(file, mode, *args, **kwargs)

ingest.open = _open
runpy.run_module("briefing", run_name="__main__", alter_sys=True)
"""


@dataclass
class Run:
    args: tuple[str, ...]
    code: int | None  # None: killed after the timeout
    out: str
    err: str
    seconds: float = 0.0

    def lines(self) -> list[str]:
        return [line for line in self.err.splitlines() if line.strip()]


def clean_env(**extra: str) -> dict[str, str]:
    """The environment without any BRIEFING_* or OPENAI_* setting of the caller's."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BRIEFING_", "OPENAI_"))}
    env.update(COLUMNS="100", **extra)
    return env


def briefing(
    *args: str | Path,
    cwd: Path,
    env: dict[str, str] | None = None,
    unreadable: bool = False,
    timeout: float = TIMEOUT,
) -> Run:
    """``python -m briefing ARGS`` as a process; ``unreadable``: as an ordinary user would (see
    above)."""
    import subprocess
    import sys
    import time

    head = (
        [sys.executable, "-c", AS_ORDINARY_USER]
        if unreadable and ROOT_READS_ALL
        else [sys.executable, "-m", "briefing"]
    )
    argv = tuple(map(str, args))
    started = time.perf_counter()
    try:
        proc = subprocess.run(
            [*head, *argv],
            cwd=cwd,
            env=env or clean_env(),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=timeout,
        )
    except subprocess.TimeoutExpired as e:
        out, err = (
            x.decode("utf-8", "replace") if isinstance(x, bytes) else (x or "")
            for x in (e.stdout, e.stderr)
        )
        return Run(argv, None, out, err, time.perf_counter() - started)
    return Run(argv, proc.returncode, proc.stdout, proc.stderr, time.perf_counter() - started)


def command(case: Case, name: str, out: Path) -> list[str]:
    """The arguments of one of COMMANDS for a case (run from the corpus folder)."""
    stem = case.name.replace("/", "_")
    if name == "build-html":
        return ["build", case.name, "-o", str(out / f"{stem}.html")]
    if name == "build-pdf":
        return ["build", case.name, "-o", str(out / f"{stem}.pdf")]
    if name == "extract":
        return ["extract", case.name, "--format", "json"]
    return ["check", "--article", case.check or case.name, "--summary", HOSTILE_SUMMARY]


COMMANDS = ("build-html", "build-pdf", "extract", "check")


def flagged_terms(paragraphs: int) -> str:
    """An article repeating one sentence whose loaded term the article flags ("a phrase it
    uses")."""
    para = (
        "Moscow thanked the North for its support in its \u201cspecial military operation in "
        "Ukraine,\u201d a phrase it uses to describe its invasion.\n\n"
    )
    return "Flagged terms\n\n" + para * paragraphs


# ---------------------------------------------------------------------------------------------
# LLM faults

FAULT_KINDS = (
    "429",
    "500",
    "timeout",
    "cut",
    "malformed_json",
    "invented_quote",
    "wrong_ids",
    "injection",
)
# Quotes no article says; none may reach a brief.
INVENTED_QUOTES = (
    "we will annex the northern bridge by Friday",
    "the treaty is already signed in secret",
)
# What a successfully injected model might state, citing a real sentence.
INJECTED_CLAIM = "The president has resigned and all charges against him were dropped."


def fault_articles(dest: Path, n: int = 50) -> Path:
    """``n`` articles: the examples copied, each opening "Update N:" and with its wording varied,
    so each is distinct (one call each) and the fault server can tell which one a call carries."""
    dest.mkdir(parents=True, exist_ok=True)
    sources = sorted(EXAMPLES.glob("*.txt"))
    for i in range(n):
        src = sources[i % len(sources)]
        text = src.read_text(encoding="utf-8")
        if i >= len(sources):
            text = text.replace("said", "told reporters" if i % 2 else "said on Monday")
        (dest / f"{i:03d}-{src.name}").write_text(f"Update {i}: {text}", encoding="utf-8")
    return dest


_SID = re.compile(r"^\[((?:a\d+\.)?s\d+)\] (.*)$", re.MULTILINE)


def _sentences(request: dict) -> list[tuple[str, str]]:
    user = next(
        (m for m in request.get("messages", []) if m.get("role") == "user"), {"content": ""}
    )
    content = user["content"]
    if not isinstance(content, str):
        content = " ".join(p.get("text", "") for p in content)
    return _SID.findall(content)


def faithful_answer(sentences: list[tuple[str, str]]) -> dict:
    """A grounded answer: the first attributed sentence of the article, verbatim, with its id."""
    if not sentences:
        return {"bottom_line": [], "events": [], "attributions": [], "caveats": []}
    sid, text = next(
        ((i, t) for i, t in sentences if re.search(r"according to|\bsaid\b|\bsays\b|\btold\b", t)),
        sentences[0],
    )
    return {
        "bottom_line": [{"text": text, "ids": [sid]}],
        "events": [],
        "attributions": [],
        "caveats": [],
    }


def faulty_answer(kind: str, sentences: list[tuple[str, str]]) -> dict:
    """A well-formed answer carrying one kind of bad item besides a good one."""
    answer = faithful_answer(sentences)
    sid = sentences[0][0] if sentences else "s1"
    if kind == "invented_quote":
        answer["bottom_line"].append(
            {"text": f"The minister said \u201c{INVENTED_QUOTES[0]}\u201d.", "ids": [sid]}
        )
        answer["attributions"].append(
            {
                "speaker": "the minister",
                "via": [],
                "claim": INVENTED_QUOTES[1],
                "quote": INVENTED_QUOTES[1],
                "kind": "direct",
                "ids": [sid],
            }
        )
    elif kind == "wrong_ids":
        answer["bottom_line"].append(
            {"text": sentences[-1][1] if sentences else "x", "ids": ["s999"]}
        )
        answer["events"].append({"text": "Something happened.", "ids": ["a7.s1", "s0"]})
    elif kind == "injection":
        answer["bottom_line"].insert(0, {"text": INJECTED_CLAIM, "ids": [sid]})
    return answer


class _FaultHandler(_Handler):
    def _perform(self, step: dict, request: dict) -> None:  # a step may be decided by the request
        if callable(step):
            step = step(request)
        super()._perform(step, request)


class FaultServer(FakeOpenAIServer):
    """A :class:`FakeOpenAIServer` that injects faults into ``rate`` of calls, deterministically.

    Each call's fate follows from a seeded hash of (the article's sentences, how many times that
    article was asked before), so it does not depend on the order concurrent calls arrive in.
    ``injected`` counts faults by kind; ``calls`` counts every request.
    """

    def __init__(
        self,
        *,
        seed: int = 7,
        rate: float = 0.3,
        kinds: tuple[str, ...] = FAULT_KINDS,
        sleep: float = 3.0,
        **kw: Any,
    ) -> None:
        super().__init__(**kw)
        self.seed, self.rate, self.kinds, self.sleep = seed, rate, kinds, sleep
        self.injected: collections.Counter[str] = collections.Counter()
        self.attempts: collections.Counter[str] = collections.Counter()
        self.default = self._decide  # type: ignore[assignment]

    def start(self) -> FaultServer:
        httpd = _Server(("127.0.0.1", 0), _FaultHandler)
        httpd.owner = self
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def fate(self, article: int | str, attempt: int) -> str | None:
        """The fault (a kind, or None) of this article's ``attempt``-th call (0 is the first).

        First calls: ``rate`` of the articles (at 0.3, those numbered 0, 3 and 6 in every ten),
        the kinds in turn, so every kind is injected. Every 20th article keeps its fault on
        every call, so some articles must fall back. Other retries: a seeded draw at ``rate``.
        """
        if isinstance(article, int) and (attempt == 0 or article % 20 == 0):
            picks = list(range(0, 10, max(1, round(1 / self.rate))))[: round(10 * self.rate)]
            if article % 10 not in picks:
                return None
            rank = article // 10 * len(picks) + picks.index(article % 10)
            return self.kinds[rank % len(self.kinds)]
        h = hashlib.sha256(f"{self.seed}|{article}|{attempt}".encode()).digest()
        if int.from_bytes(h[:4], "big") / 2**32 >= self.rate:
            return None
        return self.kinds[int.from_bytes(h[4:8], "big") % len(self.kinds)]

    def _decide(self, request: dict) -> dict:
        sentences = _sentences(request)
        marker = re.match(r"Update (\d+):", sentences[0][1]) if sentences else None
        key: int | str = (
            int(marker.group(1))
            if marker
            else hashlib.sha256("\n".join(t for _, t in sentences).encode()).hexdigest()[:16]
        )
        with self._lock:
            attempt = self.attempts[key]
            self.attempts[key] += 1
        kind = self.fate(key, attempt)
        if kind is not None:
            with self._lock:
                self.injected[kind] += 1
        if kind == "429":
            return status_step(429)
        if kind == "500":
            return status_step(500)
        if kind == "timeout":
            return sleep_step(self.sleep, auto_step(faithful_answer(sentences)))
        if kind == "cut":
            return cut_step()
        if kind == "malformed_json":
            return auto_step('{"bottom_line": [{"text": "broken')
        if kind in ("invented_quote", "wrong_ids", "injection"):
            return auto_step(faulty_answer(kind, sentences))
        return auto_step(faithful_answer(sentences))


FAULT_CONFIG = "[llm]\npack_articles = 1\nmax_retries = 2\ntimeout = 2\n"


def varied_copies(base: Path, n: int) -> Path:
    """n articles in ``base/articles-n``: the bundled examples, copied with their text varied
    ("Update N: ...", reporting verbs changed), for page-fitting tests and timings at scale."""
    out = base / f"articles-{n}"
    out.mkdir()
    sources = sorted((ROOT / "examples" / "articles").glob("*.txt"))
    for i in range(n):
        src = sources[i % len(sources)]
        text = src.read_text(encoding="utf-8")
        if i >= len(sources):
            text = f"Update {i}: " + text.replace(
                "said", "told reporters" if i % 2 else "said on Monday"
            )
        (out / f"{i:03d}-{src.name}").write_text(text, encoding="utf-8")
    return out
