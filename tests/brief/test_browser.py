"""The HTML brief in a real browser: it prints to one page, and its content fits the page box.

Debian's headless Chromium (installed by .ci/run) prints the HTML to PDF and takes a screenshot
at the size of an A4 page; both must show one page of content, at 1, 10 and 50 articles.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from briefing.cli import main
from tests.support.adversarial import varied_copies
from tests.support.pdf import pdf_pages

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium is not installed (.ci/run installs it)"
)
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
]
A4_PX = (794, 1123)  # 210 x 297 mm at 96 CSS pixels per inch


def chromium(tmp_path: Path, *args: str) -> None:
    profile = tmp_path / "profile"
    subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args],
        check=True,
        timeout=120,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


@pytest.mark.parametrize("n", [1, 10, 50])
def test_html_prints_to_one_page_and_fits_the_page_box(tmp_path, n):
    from PIL import Image

    folder = varied_copies(tmp_path, n)
    html = tmp_path / "brief.html"
    r = CliRunner().invoke(main, ["build", str(folder), "-o", str(html), "--quiet"])
    assert r.exit_code == 0, r.output
    assert "<script" not in html.read_text()

    pdf = tmp_path / "printed.pdf"
    chromium(tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", html.as_uri())
    assert pdf_pages(pdf.read_bytes()) == 1

    shot = tmp_path / "shot.png"
    page_only = tmp_path / "page.html"  # the page as printed: the appendix is for the screen
    page_only.write_text(
        html.read_text().replace('<section class="appendix"', '<section hidden class="appendix"')
    )
    chromium(
        tmp_path,
        f"--screenshot={shot}",
        f"--window-size={A4_PX[0]},{A4_PX[1]}",
        "--force-device-scale-factor=1",
        "--hide-scrollbars",
        page_only.as_uri(),
    )
    img = Image.open(shot).convert("L")
    assert img.size == A4_PX
    # the content ends above the bottom of the page box: the last rows are blank paper
    bottom = img.crop((0, A4_PX[1] - 24, A4_PX[0], A4_PX[1]))
    assert bottom.getextrema()[0] > 240, "content runs past the bottom of the page"
    top = img.crop((0, 0, A4_PX[0], 200))
    assert top.getextrema()[0] < 100, "the page has content"
