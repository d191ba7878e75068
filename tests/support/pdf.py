"""Reading the PDFs the brief is written as (not a test module)."""

from __future__ import annotations

import re
import zlib


def pdf_pages(data: bytes) -> int:
    """Page objects in a PDF, looking inside compressed object streams too."""
    blobs = [data]
    for m in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, re.S):
        try:
            blobs.append(zlib.decompress(m.group(1)))
        except zlib.error:
            pass
    return len(re.findall(rb"/Type\s*/Page(?![A-Za-z])", b"\n".join(blobs)))
