"""Ingest on real files: every format, exact offsets, and every kind of bad input."""

from __future__ import annotations

import io
import json
import os
import socket
from pathlib import Path

import pytest

from briefing.errors import InputError
from briefing.ingest import expand_paths, load_all, load_article, read_stdin, slugify
from briefing.ingest import files as ingest

SEED = Path(__file__).resolve().parents[2] / "examples" / "articles" / "kcna-putin-pyongyang.txt"
SEED_TITLE = "North Korea says Putin willing to visit Pyongyang"

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Seoul warns of new missile tests | Korea Daily Wire</title>
<meta property="og:title" content="Seoul warns of new missile tests">
<meta property="og:site_name" content="Korea Daily Wire">
<meta name="author" content="Kim Min-ji">
<meta property="article:published_time" content="2024-01-21T09:30:00+09:00">
<link rel="canonical" href="https://example.org/news/seoul-warns">
<script>var tracker = "SCRIPT_IN_HEAD"; console.log(tracker);</script>
</head>
<body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/world">World NAV_LINK</a></li></ul></nav>
<article>
<h1>Seoul warns of new missile tests</h1>
<p>South Korea's defence ministry said on Sunday that the North was believed to be preparing
new missile tests along its eastern coast, citing satellite imagery.</p>
<p>\u201cWe are watching closely,\u201d a ministry spokesperson told reporters in Seoul, adding
that the military remained on high alert.</p>
<iframe src="https://ads.example.com/frame">IFRAME_TEXT</iframe>
<p>The report could not be independently verified. North Korea's state media KCNA did not
mention any tests in its Monday edition.</p>
<script>document.write("SCRIPT_IN_BODY");</script>
</article>
<footer>Copyright 2024 Korea Daily Wire FOOTER_TEXT</footer>
</body>
</html>
"""


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        path.write_bytes(content.encode("utf-8"))
    else:
        path.write_bytes(content)
    return path


def error_of(path: Path | str) -> InputError:
    with pytest.raises(InputError) as info:
        load_article(path)
    err = info.value
    assert err.path == str(path)
    assert str(err).startswith(f"{path}: ")  # every message names the file
    assert "\n" not in str(err)
    return err


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("ingest tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


# --- plain text -------------------------------------------------------------------------------


def test_seed_text_is_the_file_exactly_with_title_and_author():
    raw = SEED.read_bytes()
    article = load_article(SEED)
    assert article.text == raw.decode("utf-8")
    assert article.text[51] == "\u00a0"  # the NBSP stays where the file has it
    assert article.text.startswith(SEED_TITLE + "\n\n\u00a0Russian President")
    meta = article.meta
    assert meta.id == "kcna-putin-pyongyang"
    assert meta.path == str(SEED)
    assert meta.format == "txt"
    assert meta.title == SEED_TITLE
    assert meta.author == "Nadeem Faisal Baiga"
    assert meta.text is None  # offsets index the file itself
    assert article.text.endswith("By Nadeem Faisal Baiga")  # the byline stays in the text


def test_path_is_kept_as_given(tmp_path, monkeypatch):
    write(tmp_path / "sub" / "a.txt", "Headline\n\nBody text here.")
    monkeypatch.chdir(tmp_path)
    assert load_article("sub/a.txt").meta.path == "sub/a.txt"
    assert load_article("./sub/a.txt").meta.path == "./sub/a.txt"


def test_no_newline_translation_and_bom_kept(tmp_path):
    raw = "\ufeffHeadline here\r\n\r\nFirst para\u00a0x.\r\n\r\nBy Jane Doe\r\n".encode("utf-8")
    article = load_article(write(tmp_path / "crlf.txt", raw))
    assert article.text == raw.decode("utf-8")
    assert article.text[0] == "\ufeff" and "\r\n" in article.text
    assert article.meta.title == "Headline here"
    assert article.meta.author == "Jane Doe"


def test_txt_title_only_for_a_headline_style_first_paragraph(tmp_path):
    sentence = load_article(
        write(tmp_path / "a.txt", "The minister spoke on Sunday.\n\nMore text.")
    )
    assert sentence.meta.title is None
    # a short line above its lead is the headline, full stop or not (PolNeAR's titles end so)
    lead = "The senator said on Tuesday that the bill would pass the chamber before the recess."
    short = load_article(write(tmp_path / "s.txt", f"Bill set to pass the Senate.\n\n{lead}"))
    assert short.meta.title == "Bill set to pass the Senate."
    cased = load_article(write(tmp_path / "t.txt", "Senator Says Bill Will Pass.\n\nIt will."))
    assert cased.meta.title == "Senator Says Bill Will Pass."
    two_lines = load_article(write(tmp_path / "b.txt", "Line one\nline two\n\nMore text."))
    assert two_lines.meta.title is None
    too_long = load_article(write(tmp_path / "c.txt", "x" * 250 + "\n\nMore text."))
    assert too_long.meta.title is None
    not_byline = load_article(
        write(tmp_path / "d.txt", "Head\n\nText.\n\nBy contrast, nothing changed.")
    )
    assert not_byline.meta.author is None


def test_utf16_with_bom(tmp_path):
    text = "Headline\n\nCaf\u00e9 owners said so."
    article = load_article(write(tmp_path / "u16.txt", text.encode("utf-16")))
    assert article.text == text
    assert article.meta.title == "Headline"


def test_unknown_suffix_is_plain_text(tmp_path):
    article = load_article(write(tmp_path / "notes.article", "Headline\n\nSome text."))
    assert article.meta.format == "txt"
    assert article.meta.title == "Headline"


# --- markdown ---------------------------------------------------------------------------------


def test_markdown_heading_is_title_and_text_stays_raw(tmp_path):
    raw = "# Putin *willing* to visit\n\nKCNA said **so** on Sunday.\n\n_By Kim Min-ji_\n"
    article = load_article(write(tmp_path / "Report.md", raw))
    assert article.text == raw
    assert article.meta.format == "md"
    assert article.meta.title == "Putin *willing* to visit"
    assert article.meta.author == "Kim Min-ji"
    assert article.meta.id == "report"


def test_markdown_front_matter(tmp_path):
    raw = "---\ntitle: Front title\noutlet: Yonhap\ndate: 2024-01-21\n---\n# Other\n\nBody text.\n"
    article = load_article(write(tmp_path / "f.markdown", raw))
    assert article.text == raw
    assert (article.meta.title, article.meta.outlet, article.meta.published) == (
        "Front title",
        "Yonhap",
        "2024-01-21",
    )


# --- HTML -------------------------------------------------------------------------------------


def test_html_extracts_main_text_and_metadata(tmp_path, no_network):
    article = load_article(write(tmp_path / "page.html", PAGE))
    meta = article.meta
    assert meta.format == "html"
    assert meta.title == "Seoul warns of new missile tests"
    assert meta.author == "Kim Min-ji"
    assert meta.published == "2024-01-21"
    assert meta.outlet == "Korea Daily Wire"
    assert meta.url == "https://example.org/news/seoul-warns"
    assert meta.text == article.text  # JSON output carries the string offsets refer to
    assert "defence ministry said on Sunday" in article.text
    assert "\u201cWe are watching closely,\u201d" in article.text
    assert "could not be independently verified" in article.text
    for junk in ("SCRIPT_IN_HEAD", "SCRIPT_IN_BODY", "IFRAME_TEXT", "NAV_LINK", "FOOTER_TEXT", "<"):
        assert junk not in article.text
    # paragraphs are separated by a blank line, as in the text articles
    assert "\n\n" in article.text and "\n\n\n" not in article.text


# A wire photo caption above the story, dated years before it (as on the Ozy Media article).
_CAPTION = (
    '<figure><img src="/2016/07/29/watson.jpg"><figcaption>FILE Carlos Watson participates in a'
    " panel, July 29, 2016, in Beverly Hills, Calif. (Photo by Richard Shotwell, File)"
    "</figcaption></figure>"
)
_STORY = (
    "<p>The founder of the troubled digital start-up Ozy Media was arrested on fraud charges as"
    " part of a scheme to prop up the financially struggling company, prosecutors said.</p>"
    "<p>Carlos Watson was arrested in New York, the U.S. Attorney's office said in a statement"
    " released after the hearing.</p>"
)


@pytest.mark.parametrize(
    "head, byline, published",
    [
        (
            '<meta property="article:published_time" content="2023-02-23T18:02:00Z">',
            "",
            "2023-02-23",
        ),
        (
            '<script type="application/ld+json">{"@context": "https://schema.org", "@graph": ['
            '{"@type": "WebPage"}, {"@type": "NewsArticle", "datePublished":'
            ' "2023-02-23T18:02:00-05:00", "dateModified": "2023-03-01"}]}</script>',
            "",
            "2023-02-23",
        ),
        (
            "",
            '<p>By A. Reporter, <time datetime="2023-02-23">Feb. 23, 2023</time></p>',
            "2023-02-23",
        ),
        ("", "", None),  # no metadata: no date, never the caption's
    ],
)
def test_html_date_comes_from_metadata_not_a_photo_caption(
    tmp_path, no_network, head, byline, published
):
    page = (
        f"<html><head><title>Ozy Media founder arrested</title>{head}</head>"
        f"<body><article><h1>Ozy Media founder arrested</h1>{byline}{_CAPTION}{_STORY}"
        "</article></body></html>"
    )
    article = load_article(write(tmp_path / "ozy.html", page))
    assert "Ozy Media was arrested" in article.text
    assert article.meta.published == published


def test_html_fragment_and_htm_suffix(tmp_path, no_network):
    article = load_article(write(tmp_path / "frag.htm", "<p>KCNA said the visit went well.</p>"))
    assert article.text == "KCNA said the visit went well."
    assert article.meta.format == "html"


def test_html_declared_charset_is_honoured(tmp_path, no_network):
    html = (
        '<html><head><meta charset="windows-1252"></head>'
        "<body><p>Caf\xe9 talks resumed today.</p></body></html>"
    )
    article = load_article(write(tmp_path / "cp.html", html.encode("cp1252")))
    assert article.text == "Caf\u00e9 talks resumed today."


def test_html_without_text(tmp_path, no_network):
    path = write(
        tmp_path / "blank.html",
        "<html><head><script>x()</script></head><body><nav></nav></body></html>",
    )
    assert error_of(path).problem == "HTML has no extractable article text"


def test_html_parser_exception_is_an_input_error(tmp_path, monkeypatch):
    import trafilatura

    def boom(*args, **kwargs):
        raise RuntimeError("parser\nexploded")

    monkeypatch.setattr(trafilatura, "bare_extraction", boom)
    err = error_of(write(tmp_path / "p.html", PAGE))
    assert err.problem == "HTML could not be parsed (parser exploded)"


# --- JSON -------------------------------------------------------------------------------------


def test_json_article(tmp_path):
    obj = {
        "title": "T",
        "text": "KCNA said\u00a0so.\r\nMore.",
        "outlet": "Yonhap",
        "published": "2024-01-21",
        "url": "https://example.org/a",
        "author": "Kim",
        "extra": [1, 2],
    }
    article = load_article(write(tmp_path / "a.json", json.dumps(obj)))
    assert article.text == obj["text"]
    assert article.meta.text == obj["text"]
    assert article.meta.model_dump(
        include={"title", "outlet", "published", "url", "author", "format"}
    ) == {
        "title": "T",
        "outlet": "Yonhap",
        "published": "2024-01-21",
        "url": "https://example.org/a",
        "author": "Kim",
        "format": "json",
    }


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ('{"text": ["a"]}', "JSON field 'text' must be a string, got list"),
        ('{"text": "ok", "title": 3}', "JSON field 'title' must be a string, got int"),
        (
            '{"text": "ok", "published": {"y": 1}}',
            "JSON field 'published' must be a string, got object",
        ),
        ('{"text": null}', "JSON field 'text' must be a string, got null"),
        ('{"text": "  \\n "}', "JSON field 'text' is empty"),
        ('[{"text": "a"}]', 'JSON must be one article object with a "text" field'),
        ('{"title": "no text"}', 'JSON must be one article object with a "text" field'),
        ('{"text": "a",\n  "title": }', "is not valid JSON (line 2 column 12)"),
    ],
)
def test_json_errors(tmp_path, content, problem):
    assert error_of(write(tmp_path / "bad.json", content)).problem == problem


# --- bad inputs -------------------------------------------------------------------------------


def test_missing_file(tmp_path):
    assert error_of(tmp_path / "nope.txt").problem == "no such file or directory"


def test_directory_where_a_file_is_needed(tmp_path):
    assert error_of(tmp_path).problem == "is a directory, not a file"


@pytest.mark.parametrize("content", [b"", b"   \n\t\r\n  ", b"\xef\xbb\xbf\n"])
def test_empty_and_whitespace_only(tmp_path, content):
    assert error_of(write(tmp_path / "e.txt", content)).problem == "is empty"


def test_nul_bytes_anywhere(tmp_path):
    early = write(tmp_path / "early.txt", b"abc\x00def")
    late = write(tmp_path / "late.txt", b"a" * 20000 + b"\x00")
    for path in (early, late):
        assert error_of(path).problem == "looks binary (NUL bytes), not text"


UNDECODABLE = b"Head\n\n" + bytes(range(0x80, 0x100))


def test_latin1_is_decoded_with_a_warning_naming_the_encoding(tmp_path):
    text = "Caf\u00e9 owners said the \u201cnew rules\u201d would hurt trade.\n"
    path = write(tmp_path / "latin.txt", text.encode("cp1252"))
    heard: list[str] = []
    article = load_article(path, warn=heard.append)
    assert article.text == text
    assert article.meta.text == text  # carried: the file's bytes are not its UTF-8
    assert heard == [
        f"{path}: not valid UTF-8 (byte 0xE9 at offset 3); decoded as windows-1252, "
        "the likeliest encoding"
    ]


def test_what_no_encoding_decodes_is_still_an_error(tmp_path):
    path = write(tmp_path / "noise.txt", UNDECODABLE)
    assert error_of(path).problem == (
        "is not valid UTF-8 (byte 0x80 at offset 6) nor any encoding it could be"
    )


def test_too_large_is_refused_before_reading(tmp_path, monkeypatch):
    path = tmp_path / "big.txt"
    with open(path, "wb") as handle:
        handle.truncate(3 * 1024 * 1024)  # sparse: big on paper, cheap to make

    def no_open(*args, **kwargs):
        raise AssertionError("read a file that is over the limit")

    monkeypatch.setattr(ingest, "open", no_open, raising=False)
    assert error_of(path).problem == "is 3.0 MB; the limit is 2 MB"


def test_just_over_the_limit_rounds_up(tmp_path):
    path = tmp_path / "edge.txt"
    path.write_bytes(b"a" * (2 * 1024 * 1024 + 1))
    assert error_of(path).problem == "is 2.1 MB; the limit is 2 MB"
    exact = tmp_path / "exact.txt"
    exact.write_bytes(b"a" * (2 * 1024 * 1024))
    assert len(load_article(exact).text) == 2 * 1024 * 1024


def test_permission_denied_simulated(tmp_path, monkeypatch):
    # We run as root, which reads anything, so simulate what open() raises for other users.
    path = write(tmp_path / "locked.txt", "Some text.")

    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(ingest, "open", denied, raising=False)
    assert error_of(path).problem == "cannot be read: permission denied"


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read a chmod 000 file")
def test_permission_denied_real(tmp_path):
    path = write(tmp_path / "locked.txt", "Some text.")
    path.chmod(0)
    try:
        assert error_of(path).problem == "cannot be read: permission denied"
    finally:
        path.chmod(0o644)


# --- folders and batches ----------------------------------------------------------------------


def test_folder_recursion_order_and_filtering(tmp_path):
    root = tmp_path / "in"
    for rel in ["b.txt", "a.md", "z/c.json", "z/a.html", "m.htm", "n.markdown", "Upper.TXT"]:
        write(root / rel, "x")
    for rel in ["notes.pdf", "memo.docx", "z/mail.eml"]:
        write(root / rel, "x")
    for rel in ["README", "photo.PNG", ".hidden.txt", ".git/x.txt", "z/.cache/y.txt"]:
        write(root / rel, "x")
    files, errors = expand_paths([str(root)])
    assert [os.path.relpath(f, root) for f in files] == [
        "Upper.TXT",
        "a.md",
        "b.txt",
        "m.htm",
        "memo.docx",
        "n.markdown",
        "notes.pdf",
        "z/a.html",
        "z/c.json",
        "z/mail.eml",
    ]
    # what is not an article is listed, with the reason; hidden files are not content
    kinds = ".txt, .md, .html, .htm, .json, .pdf, .docx, .eml"
    assert [(os.path.relpath(e.path, root), e.problem) for e in errors] == [
        ("README", f"not an article (files without a suffix are not read; articles are {kinds})"),
        ("photo.PNG", f"not an article (.png files are not read; articles are {kinds})"),
    ]
    assert all(str(f).startswith(str(root)) for f in files)


def test_explicit_files_pass_through_in_order(tmp_path):
    a = write(tmp_path / "a.txt", "x")
    hidden = write(tmp_path / ".h.weird", "x")
    files, errors = expand_paths([str(hidden), "-", str(a)])
    assert files == [str(hidden), "-", str(a)] and errors == []


def test_missing_path_and_empty_folders(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    other = tmp_path / "other"
    write(other / "doc.odt", "x")
    write(other / "sub" / "img.png", "x")
    write(other / ".hidden.txt", "x")
    files, errors = expand_paths([str(tmp_path / "gone"), str(empty), str(other)])
    assert files == []
    none = "folder holds no articles (.txt, .md, .html, .htm, .json, .pdf, .docx, .eml)"
    assert [(e.path, e.problem) for e in errors] == [
        (str(tmp_path / "gone"), "no such file or directory"),
        (str(empty), none),
        (str(other), none + "; not read: doc.odt, sub/img.png"),
    ]


def test_symlink_loop_is_walked_once(tmp_path):
    root = tmp_path / "root"
    write(root / "a.txt", "x")
    write(root / "sub" / "b.txt", "x")
    (root / "sub" / "back").symlink_to(root, target_is_directory=True)
    (root / "self").symlink_to(root / "self")  # a link pointing at itself
    (root / "dangling.txt").symlink_to(root / "missing.txt")
    files, errors = expand_paths([str(root)])
    assert [os.path.relpath(f, root) for f in files] == ["a.txt", "sub/b.txt"]
    assert [os.path.relpath(e.path, root) for e in errors] == ["dangling.txt", "self"]
    assert errors[0].problem == "is a broken symbolic link"


def test_unreadable_directory_is_an_error_not_a_crash(tmp_path, monkeypatch):
    root = tmp_path / "root"
    write(root / "a.txt", "x")
    write(root / "locked" / "b.txt", "x")
    real_scandir = os.scandir

    def scandir(path):
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    monkeypatch.setattr(ingest.os, "scandir", scandir)
    files, errors = expand_paths([str(root)])
    assert [os.path.relpath(f, root) for f in files] == ["a.txt"]
    assert [(e.path, e.problem) for e in errors] == [
        (str(root / "locked"), "cannot be read: permission denied")
    ]


def test_load_all_collects_errors_and_goes_on(tmp_path):
    root = tmp_path / "batch"
    write(root / "1-good.txt", "Headline\n\nGood text.")
    write(root / "2-empty.txt", "")
    write(root / "3-binary.txt", b"\x00\x01")
    write(root / "4-bad.json", "[]")
    write(root / "5-good.md", "# Title\n\nText.")
    articles, errors = load_all([str(root), str(tmp_path / "missing.txt")])
    assert [a.meta.id for a in articles] == ["1-good", "5-good"]
    assert [Path(e.path).name for e in errors] == [
        "2-empty.txt",
        "3-binary.txt",
        "4-bad.json",
        "missing.txt",
    ]


def test_duplicate_ids_get_suffixes_in_order(tmp_path):
    paths = [
        write(tmp_path / "a" / "Report.txt", "x"),
        write(tmp_path / "b" / "report.md", "x"),
        write(tmp_path / "c" / "report-2.txt", "x"),
        write(tmp_path / "d" / "REPORT.json", '{"text": "x"}'),
    ]
    articles, errors = load_all([str(p) for p in paths])
    assert errors == []
    assert [a.meta.id for a in articles] == ["report", "report-2", "report-2-2", "report-3"]


def test_slugify():
    assert slugify("KCNA Putin_Pyongyang (2024)") == "kcna-putin-pyongyang-2024"
    assert slugify("Türkei-Bericht") == "turkei-bericht"
    assert slugify("???") == "article"


# --- stdin ------------------------------------------------------------------------------------


def stdin_of(data: bytes) -> io.TextIOWrapper:
    return io.TextIOWrapper(io.BytesIO(data), encoding="utf-8")


def test_stdin_plain_text_is_exact():
    raw = SEED.read_bytes()
    article = read_stdin(stdin_of(raw))
    assert article.text == raw.decode("utf-8")
    assert (article.meta.id, article.meta.path, article.meta.format) == ("stdin", "<stdin>", "txt")
    assert article.meta.title == SEED_TITLE


def test_stdin_guesses_json_and_html(no_network):
    as_json = read_stdin(stdin_of(b'  {"text": "KCNA said so.", "outlet": "Yonhap"}'))
    assert (as_json.meta.format, as_json.text, as_json.meta.outlet) == (
        "json",
        "KCNA said so.",
        "Yonhap",
    )
    as_html = read_stdin(io.BytesIO(PAGE.encode("utf-8")))
    assert (
        as_html.meta.format == "html" and as_html.meta.title == "Seoul warns of new missile tests"
    )
    not_json = read_stdin(io.StringIO('{"title": "no text field"}'))
    assert not_json.meta.format == "txt"
    not_html = read_stdin(io.StringIO("<3 is a heart, not a tag"))
    assert not_html.meta.format == "txt"


def test_stdin_errors_name_stdin():
    for data, problem in [
        (b"  \n", "is empty"),
        (b"a\x00b", "looks binary (NUL bytes), not text"),
        (UNDECODABLE, "is not valid UTF-8 (byte 0x80 at offset 6) nor any encoding it could be"),
    ]:
        with pytest.raises(InputError) as info:
            read_stdin(stdin_of(data))
        assert str(info.value) == f"<stdin>: {problem}"


def test_load_all_reads_dash_from_stdin_once(tmp_path):
    a = write(tmp_path / "stdin.txt", "Head\n\nText.")
    articles, errors = load_all(["-", str(a), "-"], stdin=stdin_of(b"From the pipe."))
    assert [x.meta.id for x in articles] == ["stdin", "stdin-2"]
    assert articles[0].text == "From the pipe."
    assert [e.path for e in errors] == ["<stdin>"]


def test_an_html_file_with_no_date_metadata_is_dated_by_its_canonical_url(tmp_path):
    page = PAGE.replace(
        '<meta property="article:published_time" content="2024-01-21T09:30:00+09:00">', ""
    ).replace("https://example.org/news/seoul-warns", "https://example.org/2024/01/20/seoul")
    article = load_article(write(tmp_path / "p.html", page))
    assert article.meta.published == "2024-01-20"
