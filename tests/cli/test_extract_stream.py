"""``briefing extract`` prints as it goes: an article is out before the last input is read.

The last input is a named pipe that nothing writes to until the test has read extract's first
line, so an ``extract`` that read every input before printing would never print it: the test
would time out and fail, not pass by luck.
"""

from __future__ import annotations

import errno
import json
import os
import queue
import shutil
import subprocess
import sys
import threading
import time

import pytest

from tests.conftest import EXAMPLES, ROOT, SEED

# before the pipe: more than any batch the pipeline might analyse together
ARTICLES = 20
FIRST_LINE_TIMEOUT = 120  # seconds; generous for a loaded machine


def _write_when_read(pipe, data: bytes, deadline: float) -> None:
    """Write ``data`` to the named pipe once its reader has opened it (never block forever)."""
    while True:
        try:
            fd = os.open(pipe, os.O_WRONLY | os.O_NONBLOCK)
            break
        except OSError as exc:  # ENXIO: nobody reads it yet
            if exc.errno != errno.ENXIO or time.monotonic() > deadline:
                raise
            time.sleep(0.05)
    os.set_blocking(fd, True)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_the_first_article_is_printed_before_the_last_is_read(tmp_path):
    examples = sorted(EXAMPLES.glob("*.txt"))
    paths = []
    for i in range(ARTICLES):
        p = tmp_path / f"a{i:02d}-{examples[i % len(examples)].name}"
        shutil.copy(examples[i % len(examples)], p)
        paths.append(str(p))
    pipe = tmp_path / "last.txt"
    os.mkfifo(pipe)
    proc = subprocess.Popen(
        [sys.executable, "-m", "briefing", "extract", *paths, str(pipe), "--format", "jsonl"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        cwd=ROOT,
    )
    lines: queue.Queue[bytes] = queue.Queue()
    reader = threading.Thread(target=lambda: [lines.put(x) for x in proc.stdout], daemon=True)
    reader.start()
    try:
        try:
            first = json.loads(lines.get(timeout=FIRST_LINE_TIMEOUT))
        except queue.Empty:
            pytest.fail("extract printed nothing while its last input was still unread")
        assert first["article"]["path"] == paths[0]
        assert proc.poll() is None  # still waiting on the pipe
        deadline = time.monotonic() + FIRST_LINE_TIMEOUT
        _write_when_read(pipe, SEED.read_bytes(), deadline)
        assert proc.wait(timeout=FIRST_LINE_TIMEOUT) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    reader.join(timeout=10)
    rest = [lines.get_nowait() for _ in range(lines.qsize())]
    assert len(rest) == ARTICLES  # the other 19 and the pipe's article
    assert json.loads(rest[-1])["article"]["path"] == str(pipe)
