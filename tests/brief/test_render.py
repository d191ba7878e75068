"""Rendering the one-page brief: sections, references, escaping, no fetching, one page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from briefing.brief import fit, render
from briefing.errors import UsageError
from briefing.models import (
    Analysis,
    ArticleMeta,
    Brief,
    BriefItem,
    CaveatItem,
    Ref,
    SaidItem,
    Sentence,
    Skipped,
    SourceEntry,
)
from briefing.resources import templates_dir

AID = "kcna-putin-pyongyang"
PATH = "examples/articles/kcna-putin-pyongyang.txt"
TITLE = "North Korea says Putin willing to visit Pyongyang"
SENTENCES = {
    "s1": TITLE,
    "s2": "Russian President Vladimir Putin has shown his willingness to visit Pyongyang in the "
    "near future, according to North Korean state media on Sunday.",
    "s3": "Foreign Minister Choe Son-hui met with Putin during a visit to Russia between Jan. "
    "15-17, according to a summary of the visit published by KCNA.",
    "s4": "\u201cPresident Putin expressed deep thanks once again for the invitation of President "
    "of the State Affairs Kim Jong-un to visit Pyongyang at a convenient time and expressed his "
    "willingness to visit [North Korea] at an early date,\u201d it said.",
    "s8": "Among other points, Pyongyang praised Russia\u2019s \u201cimportant mission\u201d ... "
    "shown by the North in its \u201cspecial military operation in Ukraine,\u201d a phrase it "
    "uses to describe its invasion of the neighboring country.",
    "s9": "Pyongyang has been supporting Russia\u2019s war in Ukraine and is believed to have been "
    "supplying it with ballistic missiles in exchange for Moscow providing military assistance.",
}
SECTIONS = ["Bottom line", "Key developments", "Who said what", "Caveats and sourcing", "Sources"]


def ref(*sids: str) -> list[Ref]:
    return [Ref(article_id=AID, sentence_ids=list(sids), label=f"{AID} {','.join(sids)}")]


def make_brief(
    n_dev: int = 0, n_said: int = 0, *, claim: str | None = None, extra_sentence: str = ""
) -> Brief:
    sentences = dict(SENTENCES)
    if extra_sentence:
        sentences["s10"] = extra_sentence
    analysis = Analysis(
        article=ArticleMeta(id=AID, path=PATH, title=TITLE, outlet="NK News"),
        sentences=[Sentence(id=k, start=0, end=len(v), text=v) for k, v in sentences.items()],
    )
    developments = [
        BriefItem(
            text="Foreign Minister Choe Son-hui met Putin in Russia on 15-17 January, "
            "according to a KCNA summary of the visit.",
            refs=ref("s3"),
            rank=5.0,
        )
    ] + [
        BriefItem(
            text=f"Development {i}: a lower-priority item about bilateral exchanges marking the "
            "75th anniversary of the economic and cultural agreement.",
            refs=ref("s3"),
            rank=i / 1000,
        )
        for i in range(n_dev)
    ]
    said = [
        SaidItem(
            speaker="Vladimir Putin",
            speaker_type="government",
            claim=claim or "expressed his willingness to visit [North Korea] at an early date",
            reported_by=["KCNA (state media)"],
            kind="direct",
            refs=ref("s4") + (ref("s10") if extra_sentence else []),
            rank=6.0,
        ),
        SaidItem(
            speaker="KCNA",
            speaker_type="state_media",
            claim="Putin has shown his willingness to visit Pyongyang in the near future",
            reported_by=[],
            kind="indirect",
            refs=ref("s2"),
            rank=5.5,
        ),
    ] + [
        SaidItem(
            speaker=f"Official {i}",
            speaker_type="anonymous",
            claim=f"cooperation claim {i} about deepening bilateral exchanges in all fields",
            reported_by=["KCNA (state media)"],
            kind="indirect",
            refs=ref("s3"),
            rank=i / 1000 + 0.0005,
        )
        for i in range(n_said)
    ]
    brief = Brief(
        title="Morning brief: Korean peninsula",
        date="2024-01-21",
        made_by="offline engine",
        article_count=1,
        bottom_line=[
            BriefItem(
                text="KCNA (North Korean state media) reports that President Putin expressed "
                "willingness to visit Pyongyang at an early date; no Russian source confirms it.",
                refs=ref("s2", "s4"),
                rank=10.0,
            )
        ],
        developments=developments,
        who_said_what=said,
        caveats=[
            CaveatItem(
                kind="state_media",
                text="Putin's willingness to visit is reported only by KCNA (state media).",
                refs=ref("s2"),
                rank=7.0,
            ),
            CaveatItem(
                kind="hedge",
                text="\u201cis believed to\u201d: missile supply to Russia is a belief, "
                "not established.",
                refs=ref("s9"),
                rank=6.5,
            ),
            CaveatItem(
                kind="characterization",
                text="\u201cspecial military operation\u201d is Russia's own term for its invasion "
                "of Ukraine; the article flags it.",
                refs=ref("s8"),
                rank=6.0,
            ),
        ],
        sources=[
            SourceEntry(
                article_id=AID, title=TITLE, path=PATH, outlet="NK News", published="2024-01-21"
            )
        ],
        skipped=[Skipped(path="inbox/notes.docx", reason="unsupported input format")],
    )
    brief.analyses = [analysis]
    return brief


EVIL_CLAIM = "<script>alert(1)</script> and <img src=x onerror=alert(2)>"
EVIL_SENTENCE = (
    'He said <img src="http://evil.example/x.png"> <a href="https://evil.example">x</a>.'
)


@pytest.fixture(scope="module")
def brief() -> Brief:
    return make_brief()


@pytest.fixture(scope="module")
def evil() -> Brief:
    return make_brief(claim=EVIL_CLAIM, extra_sentence=EVIL_SENTENCE)


@pytest.fixture(scope="module")
def big() -> Brief:
    return make_brief(n_dev=120, n_said=80)


@pytest.fixture(scope="module")
def fitted(big: Brief) -> Brief:
    return fit.fit_one_page(big)


def _in_order(text: str, needles: list[str]) -> bool:
    positions = [text.find(n) for n in needles]
    return all(p >= 0 for p in positions) and positions == sorted(positions)


# --- HTML -------------------------------------------------------------------------------------


def test_html_sections_refs_and_appendix(brief: Brief) -> None:
    html = render.render_html(brief)
    headings = ["<h1>Morning brief", *[f"<h2>{s}</h2>" for s in SECTIONS], "Appendix"]
    assert _in_order(html, headings)
    assert "2024-01-21" in html and "1 article" in html and "offline engine" in html
    assert "[kcna-putin-pyongyang s4]" in html
    assert 'class="tag tag-state_media">state media<' in html
    for kind in ("State media:", "Hedged:", "Characterization:"):
        assert kind in html
    assert "KCNA (state media)" in html and "inbox/notes.docx: unsupported input format" in html
    # Every reference link resolves to a sentence in the appendix, which holds its text.
    targets = set(re.findall(r'href="#([^"]+)"', html))
    assert targets and targets == {f"ref-{AID}-{s}" for s in ("s2", "s3", "s4", "s8", "s9")}
    for target in targets:
        assert f'id="{target}"' in html
    assert "is believed to have been supplying it" in html
    assert "left out to fit one page" not in html


def test_html_without_appendix_has_labels_not_links(brief: Brief) -> None:
    html = render.render_html(brief, appendix=False)
    assert "Appendix" not in html and 'href="#ref-' not in html
    assert "[kcna-putin-pyongyang s4]" in html


def test_html_escapes_article_text(evil: Brief) -> None:
    html = render.render_html(evil)
    assert "<script" not in html.lower() and "<img" not in html.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(2)&gt;" in html
    assert "&lt;img src=&#34;http://evil.example/x.png&#34;&gt;" in html  # appendix sentence
    assert '<a href="https' not in html


def test_html_loads_nothing_remote(evil: Brief) -> None:
    html = render.render_html(evil)
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", html, re.I)
    assert "@import" not in html
    # the one url() is the shipped font, inside the page
    assert re.findall(r"url\(\s*([^,]*,)", html) == ['"data:font/woff;base64,'] * 2
    assert not re.search(r"<(?:link|script|iframe|object|embed|img)\b", html, re.I)


def test_html_font_sizes_readable(brief: Brief) -> None:
    html = render.render_html(brief)
    style = html[html.index("<style>") : html.index("</style>")]
    sizes = re.findall(r"font-size:\s*([^;}\n]+)", style)
    assert sizes
    for size in sizes:
        match = re.fullmatch(r"([\d.]+)pt", size.strip())
        assert match, f"font-size not in pt: {size}"
        assert float(match[1]) >= 9.5
    assert "size: A4" in style
    assert "size: letter" in render.render_html(brief, paper="Letter")


# --- Markdown and text --------------------------------------------------------------------------


def test_markdown_sections_and_refs(brief: Brief) -> None:
    md = render.render_markdown(brief)
    assert md.startswith("# Morning brief: Korean peninsula\n")
    assert _in_order(md, [f"## {s}" for s in SECTIONS])
    assert "[kcna-putin-pyongyang s4]" in md and "[kcna-putin-pyongyang s2,s4]" in md
    assert "*(state media)*" in md and "as reported by: KCNA (state media)" in md
    assert "**Hedged:**" in md and "**Characterization:**" in md
    assert "inbox/notes.docx: unsupported input format" in md
    assert "\\[North Korea\\]" in md  # text brackets escaped, so they can never form a link


def test_markdown_text_cannot_break_structure() -> None:
    claim = "first\n# Not a heading\n| a | b |\n---\n![img](http://e.example/x.png) <b>x</b> `code`"
    md = render.render_markdown(make_brief(claim=claim))
    headings = [line for line in md.splitlines() if line.startswith("#")]
    assert headings == ["# Morning brief: Korean peninsula"] + [f"## {s}" for s in SECTIONS]
    assert "![img](" not in md and "<b>" not in md and "`code`" not in md
    assert "!\\[img\\](http://e.example/x.png)" in md
    for line in md.splitlines():
        assert not re.match(r"\s*(?:\||---|={3})", line), line


def test_text_sections_refs_and_width(brief: Brief) -> None:
    txt = render.render_text(brief)
    assert _in_order(txt, [s.upper() for s in SECTIONS])
    assert "[kcna-putin-pyongyang s4]" in txt and "KCNA [state media]" in txt
    assert "As reported by: KCNA (state media) | Kind: direct" in txt
    assert "- Hedged: " in txt and "- Characterization: " in txt
    assert "Skipped inputs: inbox/notes.docx: unsupported input format" in txt
    assert max(len(line) for line in txt.splitlines()) <= 78
    # A reference label is never split across lines.
    assert not re.search(r"\[kcna-putin-pyongyang\n", txt)


def test_text_strips_control_characters() -> None:
    txt = render.render_text(make_brief(claim="red \x1b[31mALERT\x1b[0m\r\nline \u202egnp.exe"))
    assert "\x1b" not in txt and "\r" not in txt and "\u202e" not in txt
    assert "red [31mALERT[0m line gnp.exe" in txt


def test_omitted_line_in_every_format(brief: Brief) -> None:
    cut = brief.model_copy(update={"omitted": 7, "pages": 1})
    for out in (render.render_html(cut), render.render_markdown(cut), render.render_text(cut)):
        assert "7 lower-ranked items left out to fit one page" in out
    cut = brief.model_copy(update={"omitted": 7, "pages": 3})
    for out in (render.render_html(cut), render.render_markdown(cut), render.render_text(cut)):
        assert "7 lower-ranked items left out to fit 3 pages" in out


# --- PDF and fitting ---------------------------------------------------------------------------


def test_pdf_is_one_page(brief: Brief) -> None:
    pdf = render.render_pdf(brief)
    assert pdf.startswith(b"%PDF")
    assert render.page_count(brief) == 1
    assert render.page_count(brief, paper="Letter") == 1


def test_fit_one_page_drops_lowest_ranked(big: Brief, fitted: Brief) -> None:
    assert render.page_count(big) > 1
    assert render.page_count(fitted) == 1
    kept = [*fitted.developments, *fitted.who_said_what, *fitted.caveats]
    every = [*big.developments, *big.who_said_what, *big.caveats]
    assert fitted.omitted > 0 and fitted.omitted == len(every) - len(kept)
    assert fitted.bottom_line == big.bottom_line and fitted.sources == big.sources
    # Within each section the kept items outrank the dropped ones, and no section is emptied to
    # save another: a crowded page keeps some of each.
    for name in ("developments", "who_said_what", "caveats"):
        was, now = getattr(big, name), getattr(fitted, name)
        gone = [i for i in was if i not in now]
        assert now, name
        if gone:
            assert min(i.rank for i in now) >= max(i.rank for i in gone), name
    # The highest-ranked items all survive, and kept items keep their order.
    assert {c.text for c in big.caveats} <= {c.text for c in fitted.caveats}
    assert fitted.who_said_what[0].speaker == "Vladimir Putin"
    assert fitted.developments == [d for d in big.developments if d in fitted.developments]
    # analyses (excluded from dumps) ride along; the input is not changed.
    assert fitted.analyses == big.analyses and len(fitted.analyses) == 1
    assert big.omitted == 0 and len(big.developments) == 121
    assert "lower-ranked items left out to fit one page" in render.render_text(fitted)


def test_fit_one_page_is_noop_when_it_fits(brief: Brief) -> None:
    fitted = fit.fit_one_page(brief)
    assert fitted.model_dump() == {**brief.model_dump(), "pages": 1} and fitted.omitted == 0
    assert fitted.analyses == brief.analyses


# --- No fetching -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com",
        "https://example.com/x.png",
        "ftp://example.com/x",
        "file:///etc/passwd",
        "file://evil.example/share/x.css",
        "//example.com/x.png",
        "javascript:alert(1)",
    ],
)
def test_url_fetcher_refuses(url: str) -> None:
    with pytest.raises(ValueError):
        render.url_fetcher(url)
    with pytest.raises(ValueError):
        render.check_url(url)


def test_url_fetcher_allows_data_and_templates() -> None:
    response = render.url_fetcher("data:text/plain;charset=utf-8,hello")
    assert response.read() == b"hello"
    inside = (templates_dir() / "brief.html").resolve().as_uri()
    response = render.url_fetcher(inside)
    assert b"<html" in response.read()
    outside = (templates_dir() / ".." / "pyproject.toml").resolve().as_uri()
    with pytest.raises(ValueError):
        render.url_fetcher(outside)


def test_pdf_fetches_nothing(evil: Brief, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []
    real = render.check_url

    def spy(url: str) -> str:
        seen.append(url)
        return real(url)

    monkeypatch.setattr(render, "check_url", spy)
    assert render.render_pdf(evil).startswith(b"%PDF")
    fonts = {(render.fonts_dir() / name).resolve().as_uri() for name, _ in render.FONT_FILES}
    assert not [u for u in seen if not u.startswith("data:") and u not in fonts]
    assert fonts <= set(seen)  # the page is set in the shipped font


# --- Dispatch ----------------------------------------------------------------------------------


def test_write_picks_format_by_suffix(brief: Brief, tmp_path: Path) -> None:
    for name in ("b.html", "b.htm", "b.md", "b.txt"):
        out = render.write(brief, tmp_path / name)
        assert "[kcna-putin-pyongyang s4]" in out.read_text(encoding="utf-8")
    assert (tmp_path / "b.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert (tmp_path / "b.md").read_text(encoding="utf-8").startswith("# ")
    assert "BOTTOM LINE" in (tmp_path / "b.txt").read_text(encoding="utf-8")
    assert render.write(brief, tmp_path / "B.PDF").read_bytes().startswith(b"%PDF")


def test_write_rejects_unknown_suffix(brief: Brief, tmp_path: Path) -> None:
    with pytest.raises(UsageError) as info:
        render.write(brief, tmp_path / "brief.docx")
    assert "\n" not in str(info.value) and ".docx" in str(info.value)
    assert not (tmp_path / "brief.docx").exists()
    with pytest.raises(UsageError):
        render.write(brief, tmp_path / "brief")


def test_render_dispatch(brief: Brief) -> None:
    assert render.render(brief, "md") == render.render_markdown(brief)
    assert render.render(brief, "txt") == render.render_text(brief)
    assert "Appendix" in render.render(brief, "html")
    with pytest.raises(UsageError):
        render.render(brief, "docx")
    with pytest.raises(UsageError):
        render.render_html(brief, paper="A3")


def test_environment_escapes_html_only() -> None:
    env = render.environment()
    assert env.get_template("brief.html").environment.autoescape("brief.html") is True
    assert env.autoescape("brief.md") is False and env.autoescape("brief.txt") is False


def test_pdf_fetcher_refuses_remote_markup(brief: Brief, monkeypatch: pytest.MonkeyPatch) -> None:
    # Even if markup with a remote image reached WeasyPrint, the fetcher would refuse it.
    seen: list[str] = []
    real = render.check_url

    def spy(url: str) -> str:
        seen.append(url)
        return real(url)

    page = '<html><body><p>x</p><img src="http://example.invalid/x.png"></body></html>'
    monkeypatch.setattr(render, "check_url", spy)
    monkeypatch.setattr(render, "render_html", lambda *a, **k: page)
    assert render.render_pdf(brief).startswith(b"%PDF")
    assert seen == ["http://example.invalid/x.png"]


def test_markdown_wrapped_lines_never_start_a_block() -> None:
    filler = "x" * 19
    markers = ["# hi", "1986. hi", "- hi", "* hi", "+ hi", "| hi", "=== hi", "~~~ hi", "> hi"]
    markers.append("7) hi")
    text = " ".join(f"{filler} {m}" for m in markers)
    lines = render.mdwrap(text, "- ", "  ", width=20).splitlines()
    assert len(lines) == 2 * len(markers)  # each marker starts a continuation line
    for line in lines[1:]:
        body = line[2:]
        assert not re.match(r"(?:#|\d+[.)]|[-+*](?:\s|$)|[|=~>])", body), line
    assert "  1986\\. hi" in lines and "  \\# hi" in lines
