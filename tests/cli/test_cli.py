"""The ``briefing`` command line as a user meets it: help, JSON output, exit codes, bad input.

Commands run as real processes (``python -m briefing``) so exit codes and stderr are exactly
what a shell sees, and a traceback anywhere fails the test. Builds are slow (the one-page fit
lays the brief out with WeasyPrint), so each is made once in a module-scoped fixture.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from briefing import __version__
from tests.support.pdf import pdf_pages

REPO = Path(__file__).resolve().parents[2]
ARTICLES = REPO / "examples" / "articles"
SEED = ARTICLES / "kcna-putin-pyongyang.txt"
KEYS = {"article", "sentences", "attributions", "events", "caveats"}


@dataclass
class Run:
    code: int
    out: str
    err: str


def briefing(*args: str | Path, cwd: Path | None = None, stdin: str | None = None) -> Run:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"BRIEFING_BACKEND", "OPENAI_API_KEY", "OPENAI_BASE_URL"}
    }
    env["COLUMNS"] = "100"
    proc = subprocess.run(
        [sys.executable, "-m", "briefing", *map(str, args)],
        cwd=cwd or REPO,
        env=env,
        input=stdin if stdin is not None else "",
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    run = Run(proc.returncode, proc.stdout, proc.stderr)
    assert "Traceback" not in run.err and "Traceback" not in run.out, run.err
    return run


def lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


# ---------------------------------------------------------------------------------------------
# help and version


def test_version() -> None:
    run = briefing("--version")
    assert run.code == 0
    assert run.out.strip() == f"briefing, version {__version__}"


def test_help_lists_commands() -> None:
    run = briefing("--help")
    assert run.code == 0
    assert "build" in run.out and "extract" in run.out
    assert "offline" in run.out.lower()


@pytest.mark.parametrize(
    ("command", "example"),
    [
        ("build", "briefing build examples/articles -o brief.html"),
        ("extract", "briefing extract examples/articles/kcna-putin-pyongyang.txt --format json"),
    ],
)
def test_command_help_shows_examples(command: str, example: str) -> None:
    run = briefing(command, "--help")
    assert run.code == 0
    assert "Examples:" in run.out
    assert example in run.out


# ---------------------------------------------------------------------------------------------
# extract


def check_spans(doc: dict) -> int:
    """Every offset indexes the article text exactly as read from the file; returns spans seen."""
    art = doc["article"]
    if art.get("text") is not None:
        text = art["text"]
    else:
        with open(REPO / art["path"], encoding="utf-8", newline="") as fh:
            text = fh.read()
    seen = 0
    ids = set()
    for s in doc["sentences"]:
        assert text[s["start"] : s["end"]] == s["text"], (art["id"], s)
        ids.add(s["id"])
        seen += 1
    for a in doc["attributions"]:
        for part in ("source", "cue", "content"):
            span = a[part]
            if span is None:  # the model allows no source, or no cue (a quoted fragment)
                assert part != "content", (art["id"], a["id"])
                continue
            assert text[span["start"] : span["end"]] == span["text"], (
                art["id"],
                a["id"],
                part,
                span,
            )
            seen += 1
        assert set(a["sentence_ids"]) <= ids, (art["id"], a["id"], a["sentence_ids"])
    for item in doc["events"] + doc["caveats"]:
        assert set(item["sentence_ids"]) <= ids, (art["id"], item)
    return seen


def test_extract_seed_prints_one_object() -> None:
    run = briefing("extract", SEED.relative_to(REPO), "--format", "json")
    assert run.code == 0, run.err
    doc = json.loads(run.out)
    assert isinstance(doc, dict)
    assert set(doc) == KEYS
    assert doc["article"]["id"] == "kcna-putin-pyongyang"
    assert doc["article"]["path"] == "examples/articles/kcna-putin-pyongyang.txt"
    assert doc["sentences"] and doc["attributions"]
    assert check_spans(doc) > len(doc["sentences"])
    via_kcna = [
        a
        for a in doc["attributions"]
        if (a["source"] and a["source"]["canonical"] == "KCNA")
        or any(v["canonical"] == "KCNA" for v in a["via"])
    ]
    assert via_kcna, "the seed's claims come through KCNA"


def test_extract_jsonl_one_line_per_article() -> None:
    run = briefing("extract", "examples/articles", "--format", "jsonl")
    assert run.code == 0, run.err
    out_lines = run.out.splitlines()
    files = sorted(p.stem for p in ARTICLES.iterdir() if p.suffix == ".txt")
    assert len(files) == 7
    assert len(out_lines) == len(files)
    docs = [json.loads(line) for line in out_lines]
    assert [d["article"]["id"] for d in docs] == files
    for d in docs:
        assert set(d) == KEYS
        check_spans(d)


def test_extract_json_folder_is_an_array() -> None:
    run = briefing("extract", "examples/articles", "--format", "json")
    assert run.code == 0, run.err
    docs = json.loads(run.out)
    assert isinstance(docs, list) and len(docs) == 7


def test_extract_stdin() -> None:
    text = "Officials said on Monday that the bridge would reopen.\n"
    run = briefing("extract", "-", stdin=text)
    assert run.code == 0, run.err
    doc = json.loads(run.out)
    assert doc["article"]["id"] == "stdin"
    for s in doc["sentences"]:
        assert text[s["start"] : s["end"]] == s["text"]


def test_extract_crlf_offsets(tmp_path: Path) -> None:
    path = tmp_path / "crlf.txt"
    path.write_bytes(
        b"Ministry says talks resume\r\n\r\n"
        b"The ministry said on Monday that talks would resume.\r\n\r\n"
        b'"We are ready," the envoy told reporters.\r\n'
    )
    run = briefing("extract", path)
    assert run.code == 0, run.err
    doc = json.loads(run.out)
    with open(path, encoding="utf-8", newline="") as fh:
        text = fh.read()
    for s in doc["sentences"]:
        assert text[s["start"] : s["end"]] == s["text"]
    for a in doc["attributions"]:
        for part in ("source", "cue", "content"):
            if a[part] is not None:
                assert text[a[part]["start"] : a[part]["end"]] == a[part]["text"]


# ---------------------------------------------------------------------------------------------
# bad input: one line naming the file, exit 2, never a traceback


def _bad_inputs(root: Path) -> dict[str, Path]:
    root.mkdir(parents=True, exist_ok=True)
    made: dict[str, Path] = {}

    def put(name: str, data: bytes) -> Path:
        p = root / name
        p.write_bytes(data)
        return p

    made["missing"] = root / "no-such-article.txt"
    folder = root / "no-articles"
    folder.mkdir()
    (folder / "notes.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (folder / ".hidden.txt").write_text("Hidden files are skipped.\n")
    made["folder"] = folder
    made["empty"] = put("empty.txt", b"")
    made["whitespace"] = put("blank.txt", b" \n\t\r\n  \n")
    made["nul"] = put("binary.txt", b"Some text\x00\x01\x02 and more.\n")
    made["undecodable"] = put("noise.txt", b"Caf" + bytes(range(0x80, 0x100)))
    made["too_big"] = put(
        "huge.txt", b"The minister said it was fine. " * (2 * 1024 * 1024 // 31 + 10)
    )
    made["html_no_text"] = put(
        "empty-page.html",
        b"<html><head><title>x</title><script>var a=1;</script></head><body></body></html>",
    )
    return made


PROBLEM = {
    "missing": "no such file",
    "folder": "no articles",
    "empty": "empty",
    "whitespace": "empty",
    "nul": "binary",
    "undecodable": "UTF-8",
    "too_big": "2 MB",
    "html_no_text": "no extractable",
}
BAD = list(PROBLEM)


@pytest.fixture(scope="module")
def bad(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return _bad_inputs(tmp_path_factory.mktemp("bad"))


@pytest.mark.parametrize("kind", BAD)
def test_bad_input_extract(bad: dict[str, Path], kind: str) -> None:
    path = bad[kind]
    run = briefing("extract", path)
    assert run.code == 2, (kind, run)
    assert run.out == ""
    err = lines(run.err)
    assert len(err) == 1, (kind, run.err)
    assert str(path) in err[0], (kind, err[0])
    assert PROBLEM[kind] in err[0], (kind, err[0])


@pytest.mark.parametrize("kind", ["missing", "folder", "nul"])
def test_bad_input_build(bad: dict[str, Path], kind: str, tmp_path: Path) -> None:
    path = bad[kind]
    out = tmp_path / "brief.html"
    run = briefing("build", path, "-o", out)
    assert run.code == 2, (kind, run)
    assert not out.exists()
    assert sum(str(path) in line for line in lines(run.err)) == 1, run.err


# ---------------------------------------------------------------------------------------------
# build


@dataclass
class Built:
    run: Run
    out: Path


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory, bad: dict[str, Path]) -> dict[str, Built]:
    root = tmp_path_factory.mktemp("builds")
    hostile = root / "hostile.txt"
    hostile.write_text(
        "Minister says the plan is safe\n\n"
        "The minister said <script>alert(1)</script> was perfectly safe, according to KCNA.\n\n"
        "Officials said <img src=x onerror=alert(1)> would be shown on Tuesday.\n\n"
        '"<b onmouseover=alert(3)>Trust us</b>," the spokesman told reporters.\n',
        encoding="utf-8",
    )
    hostile_json = root / "hostile-meta.json"
    hostile_json.write_text(
        json.dumps(
            {
                "title": "<script>alert(4)</script>",
                "outlet": "<img src=x onerror=alert(5)>",
                "text": "The agency said on Monday that the dam had held.",
            }
        ),
        encoding="utf-8",
    )
    jobs = {
        "mixed_html": ("build", SEED, bad["empty"], "-o", root / "mixed.html"),
        "mixed_txt": ("build", SEED, bad["empty"], "-o", root / "mixed.txt"),
        "strict": ("build", SEED, bad["empty"], "--strict", "-o", root / "strict.md"),
        "hostile": (
            "build",
            hostile,
            hostile_json,
            "--title",
            "<script>alert(6)</script>",
            "-o",
            root / "hostile.html",
        ),
        "pdf": ("build", SEED, "-o", root / "seed.pdf"),
    }
    return {name: Built(briefing(*args), Path(args[-1])) for name, args in jobs.items()}


@pytest.mark.parametrize("name", ["mixed_html", "mixed_txt"])
def test_build_batch_skips_bad_file(
    builds: dict[str, Built], bad: dict[str, Path], name: str
) -> None:
    b = builds[name]
    assert b.run.code == 0, b.run
    assert b.out.is_file()
    body = b.out.read_text(encoding="utf-8")
    assert "KCNA" in body
    assert "Skipped inputs" in body
    assert str(bad["empty"]) in body
    skipped = [line for line in lines(b.run.err) if str(bad["empty"]) in line]
    assert len(skipped) == 1, b.run.err
    assert "empty" in skipped[0]


def test_build_strict_still_writes(builds: dict[str, Built], bad: dict[str, Path]) -> None:
    b = builds["strict"]
    assert b.run.code == 2, b.run
    assert b.out.is_file()
    body = b.out.read_text(encoding="utf-8")
    assert "KCNA" in body and str(bad["empty"]) in body
    assert str(bad["empty"]) in b.run.err


def test_build_html_escapes_hostile_text(builds: dict[str, Built]) -> None:
    b = builds["hostile"]
    assert b.run.code == 0, b.run
    html = b.out.read_text(encoding="utf-8")
    assert "alert(1)" in html, "the hostile sentence should still be shown, escaped"
    assert not re.search(r"<\s*script", html, re.I), "a <script> tag reached the brief"
    # No tag carries an event-handler attribute (escaped text such as &lt;img ... is fine).
    for tag in re.findall(r"<[A-Za-z][^>]*>", html):
        assert not re.search(r"\son[a-z]+\s*=", tag, re.I), tag
        assert "javascript:" not in tag.lower(), tag
    assert "&lt;img" in html or "&lt;script" in html


def test_template_has_no_script() -> None:
    from briefing.resources import templates_dir

    assert "<script" not in (templates_dir() / "brief.html").read_text(encoding="utf-8").lower()


def test_build_pdf_one_page(builds: dict[str, Built]) -> None:
    b = builds["pdf"]
    assert b.run.code == 0, b.run
    data = b.out.read_bytes()
    assert data.startswith(b"%PDF")
    assert pdf_pages(data) == 1


def test_build_unknown_suffix(tmp_path: Path) -> None:
    out = tmp_path / "brief.docx"
    run = briefing("build", SEED, "-o", out)
    assert run.code == 2
    assert ".docx" in run.err and ".html" in run.err and ".pdf" in run.err
    assert not out.exists()


def test_build_unwritable_output(tmp_path: Path) -> None:
    out = tmp_path / "no" / "such" / "dir" / "brief.txt"
    run = briefing("build", SEED, "-o", out)
    assert run.code == 2, run
    err = lines(run.err)
    assert any(str(out) in line for line in err), run.err


@pytest.mark.parametrize("command", ["build", "extract"])
def test_openai_backend_without_a_key_is_a_clear_error(command: str, tmp_path: Path) -> None:
    args = ["-o", tmp_path / "b.html"] if command == "build" else []
    run = briefing(command, SEED, "--backend", "openai", *args, cwd=tmp_path)
    assert run.code == 2
    assert "OPENAI_API_KEY" in run.err and len(lines(run.err)) == 1
    assert run.out == ""
    assert not (tmp_path / "b.html").exists()


def test_unknown_backend_is_a_usage_error(tmp_path: Path) -> None:
    run = briefing("extract", SEED, "--backend", "gemini")
    assert run.code == 2 and "gemini" in run.err
