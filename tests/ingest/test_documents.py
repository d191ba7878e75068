"""PDF, Word, email and other encodings: each gives the same article as its .txt twin.

The fixtures are made here, from the example articles: a PDF laid out by WeasyPrint (the
brief's own renderer), a .docx written by python-docx, an .eml by the standard library, and a
Windows-1252 copy of the text.
"""

from __future__ import annotations

import html
import re
from email.message import EmailMessage
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefing.cli import main
from briefing.errors import InputError
from briefing.ingest import load_all, load_article

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "articles"
SEED = EXAMPLES / "kcna-putin-pyongyang.txt"
OTHER = EXAMPLES / "eu-commission-tiktok-ban.txt"


def paragraphs(text: str) -> list[str]:
    """An article's paragraphs with the spacing inside each made single: what a reader sees."""
    return [" ".join(p.split()) for p in re.split(r"\n[ \t]*\n", text) if p.strip()]


def twin(path: Path) -> list[str]:
    return paragraphs(path.read_text(encoding="utf-8"))


def make_pdf(paras: list[str], target: Path, title: str | None = None) -> Path:
    import weasyprint

    body = f"<h1>{html.escape(paras[0])}</h1>" + "".join(
        f"<p>{html.escape(p)}</p>" for p in paras[1:]
    )
    head = f"<title>{html.escape(title)}</title>" if title else ""
    page = f"<html><head>{head}</head><body>{body}</body></html>"
    target.write_bytes(weasyprint.HTML(string=page).write_pdf())
    return target


def make_docx(paras: list[str], target: Path, author: str | None = None) -> Path:
    import docx

    document = docx.Document()
    document.add_heading(paras[0], level=1)
    for p in paras[1:]:
        document.add_paragraph(p)
    if author:
        document.core_properties.author = author
    document.save(str(target))
    return target


def make_eml(paras: list[str], target: Path, *, as_html: bool = False) -> Path:
    msg = EmailMessage()
    msg["Subject"] = paras[0]
    msg["From"] = "Korea Desk Newsletter <desk@news.example.org>"
    msg["To"] = "reader@example.org"
    msg["Date"] = "Sun, 21 Jan 2024 09:30:00 +0900"
    if as_html:
        msg.set_content("\n\n".join(paras[1:]))  # the plain part is preferred when present
        body = "".join(f"<p>{html.escape(p)}</p>" for p in paras[1:])
        msg.add_alternative(f"<html><body><article>{body}</article></body></html>", "html")
    else:
        msg.set_content("\n\n".join(paras[1:]))
    target.write_bytes(bytes(msg))
    return target


@pytest.mark.parametrize("source", sorted(EXAMPLES.glob("*.txt")), ids=lambda p: p.stem)
def test_pdf_gives_the_text_of_its_txt_twin(tmp_path: Path, source: Path):
    expected = twin(source)
    pdf = make_pdf(expected, tmp_path / "statement.pdf", title=expected[0])
    article = load_article(pdf)
    assert article.meta.format == "pdf"
    assert paragraphs(article.text) == expected
    assert article.meta.text == article.text  # JSON output carries the string offsets index
    assert article.meta.title == expected[0]
    assert article.meta.id == "statement"


def test_a_pdf_paragraph_over_a_page_break_is_one_paragraph(tmp_path: Path):
    from pypdf import PdfReader

    seed = twin(SEED)
    long = " ".join(seed[1:] * 3)  # one paragraph of more than a page
    expected = [seed[0], long, seed[-1], *seed]
    article = load_article(make_pdf(expected, tmp_path / "long.pdf"))
    assert len(PdfReader(str(tmp_path / "long.pdf")).pages) >= 2
    assert paragraphs(article.text) == expected


@pytest.mark.parametrize("source", [SEED, OTHER], ids=["seed", "tiktok"])
def test_docx_gives_the_text_of_its_txt_twin(tmp_path: Path, source: Path):
    expected = twin(source)
    article = load_article(make_docx(expected, tmp_path / "memo.docx", author="A. Analyst"))
    assert article.meta.format == "docx"
    assert paragraphs(article.text) == expected
    assert article.meta.title == expected[0]  # the first heading
    assert article.meta.author == "A. Analyst"


@pytest.mark.parametrize("as_html", [False, True], ids=["plain", "html"])
def test_eml_gives_the_text_of_its_twin_and_its_headers(tmp_path: Path, as_html: bool):
    expected = twin(SEED)
    article = load_article(make_eml(expected, tmp_path / "newsletter.eml", as_html=as_html))
    assert article.meta.format == "eml"
    assert paragraphs(article.text) == expected[1:]  # the subject is the title, not the text
    assert article.meta.title == expected[0]
    assert article.meta.outlet == "Korea Desk Newsletter"
    assert article.meta.published == "2024-01-21T09:30:00+09:00"


def test_eml_with_only_an_html_part_is_read_as_a_page(tmp_path: Path):
    expected = twin(SEED)
    msg = EmailMessage()
    msg["Subject"] = expected[0]
    msg["From"] = "desk@news.example.org"
    body = "".join(f"<p>{html.escape(p)}</p>" for p in expected[1:])
    script = "<script>SCRIPT_TEXT</script><img src='https://tracker.example/p.gif'>"
    msg.set_content(f"<html><body>{script}<article>{body}</article></body></html>", "html")
    article = load_article((tmp_path / "h.eml").write_bytes(bytes(msg)) and tmp_path / "h.eml")
    assert paragraphs(article.text) == expected[1:]
    assert "SCRIPT_TEXT" not in article.text
    assert article.meta.outlet == "desk@news.example.org"


def test_windows_1252_text_is_its_twin_with_a_warning(tmp_path: Path):
    text = SEED.read_text(encoding="utf-8")
    path = tmp_path / "cp.txt"
    path.write_bytes(text.encode("cp1252"))
    heard: list[str] = []
    article = load_article(path, warn=heard.append)
    assert article.text == text  # exactly, offsets and all
    assert len(heard) == 1 and "decoded as windows-1252" in heard[0] and str(path) in heard[0]


@pytest.mark.parametrize(
    ("name", "data", "problem"),
    [
        ("broken.pdf", b"%PDF-1.4\nnot really", "is not a readable PDF"),
        ("broken.docx", b"PK\x03\x04 not a zip", "is not a readable Word document"),
        ("empty.eml", b"\n\n", "is not an email message (no headers)"),
    ],
)
def test_broken_documents_are_one_line_errors(tmp_path: Path, name: str, data: bytes, problem):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(InputError) as info:
        load_article(path)
    assert str(info.value).startswith(f"{path}: {problem}")
    assert "\n" not in str(info.value)


def test_a_pdf_with_no_text_says_it_would_need_ocr(tmp_path: Path):
    import weasyprint

    path = tmp_path / "scan.pdf"
    path.write_bytes(weasyprint.HTML(string="<html><body><div></div></body></html>").write_pdf())
    with pytest.raises(InputError, match="no text .*OCR"):
        load_article(path)


def _mixed(folder: Path) -> dict[str, Path]:
    expected = twin(SEED)
    folder.mkdir()
    made = {
        "txt": folder / "a-seed.txt",
        "pdf": make_pdf(expected, folder / "b-seed.pdf"),
        "docx": make_docx(expected, folder / "c-seed.docx"),
        "eml": make_eml(expected, folder / "d-seed.eml"),
        "cp1252": folder / "e-seed-cp1252.txt",
    }
    made["txt"].write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    made["cp1252"].write_bytes(SEED.read_text(encoding="utf-8").encode("cp1252"))
    (folder / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (folder / "README").write_text("Read me.\n")
    (folder / "sub").mkdir()
    (folder / "sub" / "sheet.xlsx").write_bytes(b"PK")
    (folder / "sub" / "broken.pdf").write_bytes(b"%PDF-1.4\n")
    (folder / ".hidden.txt").write_text("Hidden files are not content.\n")
    return made


def test_a_mixed_folder_reads_every_article_and_lists_every_skipped_file(tmp_path: Path):
    made = _mixed(tmp_path / "in")
    heard: list[str] = []
    articles, errors = load_all([str(tmp_path / "in")], warn=heard.append)
    assert [a.meta.format for a in articles] == ["txt", "pdf", "docx", "eml", "txt"]
    assert {paragraphs(a.text)[-1] for a in articles} == {twin(SEED)[-1]}
    skipped = {Path(e.path).name: e.problem for e in errors}
    assert set(skipped) == {"photo.png", "README", "sheet.xlsx", "broken.pdf"}
    assert skipped["photo.png"].startswith("not an article (.png files are not read")
    assert skipped["README"].startswith("not an article (files without a suffix")
    assert skipped["broken.pdf"].startswith("is not a readable PDF")
    assert len(heard) == 1 and str(made["cp1252"]) in heard[0]


def test_build_from_a_mixed_folder_counts_and_names_the_skipped(tmp_path: Path):
    _mixed(tmp_path / "in")
    out = tmp_path / "brief.md"
    result = CliRunner().invoke(main, ["build", str(tmp_path / "in"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    err = result.stderr
    assert "5 article(s) read, 4 skipped" in err
    for name in ("photo.png", "README", "sheet.xlsx", "broken.pdf"):
        assert re.search(rf"briefing: skipped \S*{re.escape(name)}: ", err), name
    assert "briefing: warning: " in err and "windows-1252" in err
    brief = out.read_text(encoding="utf-8")
    assert "photo.png" in brief  # the brief lists what it could not read, too


@pytest.mark.parametrize("kind", ["pdf", "docx"])
def test_a_damaged_document_is_an_article_or_a_one_line_error(tmp_path: Path, kind: str):
    expected = twin(SEED)
    made = (make_pdf if kind == "pdf" else make_docx)(expected, tmp_path / f"good.{kind}")
    good = made.read_bytes()
    damaged = [good[:n] for n in (10, len(good) // 3, len(good) // 2, len(good) - 10)]
    for at in range(0, len(good), max(1, len(good) // 12)):
        damaged.append(good[:at] + bytes([good[at] ^ 0xFF]) + good[at + 1 :])
    outcomes = set()
    for n, data in enumerate(damaged):
        path = tmp_path / f"damaged-{n}.{kind}"
        path.write_bytes(data)
        try:
            article = load_article(path)
        except InputError as e:
            assert str(e).startswith(f"{path}: ") and "\n" not in str(e)
            outcomes.add("error")
        else:
            assert article.text.strip() and article.meta.text == article.text
            outcomes.add("read")
    assert "error" in outcomes  # a truncated file at least is refused, one line
