"""The same brief on every machine: the page is set in the font shipped with the package, so what
fits on it does not depend on the fonts installed.

Fitting is measured by WeasyPrint, which finds fonts through fontconfig. The test fits the same
brief (the example articles and the morning fixtures) in two processes: one with the machine's
fontconfig, one whose fontconfig (``FONTCONFIG_FILE``) lists no font folder at all, so the only
font left is the package's. The fitted briefs must be identical. A probe in each process checks
that the second one really has no system fonts: text in the generic ``sans-serif`` lays out
differently there.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from briefing.analyze import analyze
from briefing.brief import make_brief, render
from briefing.ingest import load_all
from tests.conftest import EXAMPLES, ROOT

MORNING = ROOT / "tests" / "data" / "morning"

# Fit the brief read from stdin and print it, with a probe of the fonts this process has: the
# pages that a long paragraph takes in the generic sans-serif and in the shipped font.
_FIT = """
import json, sys
import weasyprint
from briefing.brief import render
from briefing.brief.fit import fit_pages
from briefing.models import Brief

words = "Widely spaced words measure the font. " * 600
def pages(family, css=""):
    html = f"<style>{css} p {{ font-family: {family}; font-size: 12pt }}</style><p>{words}</p>"
    return len(weasyprint.HTML(string=html, url_fetcher=render._fetcher()).render().pages)

brief = Brief.model_validate_json(sys.stdin.read())
fitted = fit_pages(brief, paper=sys.argv[1], pages=1)
probe = {
    "system": pages("sans-serif"),
    "shipped": pages(f"'{render.FONT_FAMILY}'", render.font_css(False)),
}
print(json.dumps({"brief": fitted.model_dump(mode="json"), "probe": probe}))
"""

_NO_FONTS = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <cachedir>{cache}</cachedir>
</fontconfig>
"""


@pytest.fixture(scope="module")
def unfitted() -> str:
    articles, errors = load_all([str(MORNING), str(EXAMPLES)])
    assert not errors
    return make_brief([analyze(a) for a in articles]).model_dump_json()


def _fit_in_process(brief_json: str, paper: str, env: dict[str, str]) -> dict:
    r = subprocess.run(
        [sys.executable, "-c", _FIT, paper],
        input=brief_json,
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr[-2000:]
    return json.loads(r.stdout)


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_the_brief_is_the_same_without_system_fonts(unfitted: str, tmp_path: Path, paper: str):
    conf = tmp_path / "fonts.conf"
    conf.write_text(_NO_FONTS.format(cache=tmp_path / "cache"), encoding="utf-8")
    normal = _fit_in_process(unfitted, paper, dict(os.environ))
    bare = _fit_in_process(unfitted, paper, {**os.environ, "FONTCONFIG_FILE": str(conf)})

    # the second process really had none of the machine's fonts ...
    assert bare["probe"]["system"] != normal["probe"]["system"]
    # ... and the shipped font is the same font in both
    assert bare["probe"]["shipped"] == normal["probe"]["shipped"]
    # the page was cut, so what fits was measured, and it is the same brief, item for item
    assert normal["brief"]["omitted"] > 0
    assert bare["brief"] == normal["brief"]


def test_the_font_and_its_licence_are_shipped():
    for name, _ in render.FONT_FILES:
        data = (render.fonts_dir() / name).read_bytes()
        assert data[:4] == b"\x00\x01\x00\x00", f"{name} is not a TrueType font"
    licence = (render.fonts_dir() / "OFL-SourceSansPro.txt").read_text(encoding="utf-8")
    assert "SIL Open Font License, Version 1.1" in licence
    notice = (ROOT / "NOTICE.md").read_text(encoding="utf-8")
    assert "Source Sans Pro" in notice and "OFL-SourceSansPro.txt" in notice


def test_html_carries_the_font_and_the_pdf_uses_it(unfitted: str):
    from briefing.models import Brief

    brief = Brief.model_validate_json(unfitted)
    html = render.render_html(brief)
    assert html.count("@font-face") == len(render.FONT_FILES)
    assert f'font-family: "{render.FONT_FAMILY}", sans-serif;' in html
    fonts = _pdf_font_names(render.render_pdf(brief))
    assert fonts and all(name.split(b"+")[-1].startswith(b"Briefing-Sans") for name in fonts)


def _pdf_font_names(pdf: bytes) -> set[bytes]:
    """The BaseFont names in a PDF, looked for in its (compressed) streams too."""
    names: set[bytes] = set()
    for match in re.finditer(rb"stream\r?\n", pdf):
        try:
            data = zlib.decompressobj().decompress(pdf[match.end() :])
        except zlib.error:
            continue
        names.update(re.findall(rb"/BaseFont\s*/([^\s/<>\[\]]+)", data))
    return names
