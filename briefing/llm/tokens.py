"""Offline token counting with OpenAI's ``o200k_base`` encoding.

Stock ``tiktoken.get_encoding("o200k_base")`` downloads the BPE rank file from the network at
first use (and caches it in a temporary directory), which fails on an offline machine or in a
sandbox. This module never does that: it builds the same encoding from the rank file shipped
in ``briefing/data/o200k_base.tiktoken.gz``, after checking the SHA-256 of the decompressed
bytes against the hash tiktoken itself publishes for ``o200k_base``.

Provenance and licences of the shipped file are in ``NOTICE.md``.
"""

from __future__ import annotations

import base64
import functools
import gzip
import hashlib

import tiktoken

from briefing.resources import data_file

__all__ = [
    "ENCODING_NAME",
    "ENCODING_SHA256",
    "O200K_PAT_STR",
    "SPECIAL_TOKENS",
    "count_tokens",
    "encoding",
]

ENCODING_NAME = "o200k_base"
RANK_FILE = "o200k_base.tiktoken.gz"

ENCODING_SHA256 = "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d"
"""SHA-256 of the decompressed rank file: the ``expected_hash`` tiktoken publishes for
``o200k_base`` in ``tiktoken_ext/openai_public.py``."""

O200K_PAT_STR = "|".join(
    [
        r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
        r"""[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?""",
        r"""\p{N}{1,3}""",
        r""" ?[^\s\p{L}\p{N}]+[\r\n/]*""",
        r"""\s*[\r\n]+""",
        r"""\s+(?!\S)""",
        r"""\s+""",
    ]
)
"""The pre-tokenisation regex of ``o200k_base``, copied verbatim from ``o200k_base()`` in
``tiktoken_ext/openai_public.py`` (OpenAI's tiktoken, MIT licence)."""

SPECIAL_TOKENS: dict[str, int] = {"<|endoftext|>": 199999, "<|endofprompt|>": 200018}
"""Special tokens of ``o200k_base``, as in ``tiktoken_ext/openai_public.py``."""


class RankFileError(RuntimeError):
    """The shipped rank file is missing, corrupt or not the expected ``o200k_base`` file."""


def _load_mergeable_ranks() -> dict[bytes, int]:
    path = data_file(RANK_FILE)
    try:
        raw = gzip.decompress(path.read_bytes())
    except FileNotFoundError as exc:
        raise RankFileError(f"the o200k_base rank file is missing: {path}") from exc
    except (OSError, EOFError) as exc:
        raise RankFileError(f"the o200k_base rank file is not valid gzip: {path} ({exc})") from exc

    actual = hashlib.sha256(raw).hexdigest()
    if actual != ENCODING_SHA256:
        raise RankFileError(
            f"the o200k_base rank file {path} has SHA-256 {actual} after decompression, "
            f"expected {ENCODING_SHA256}; refusing to use it"
        )

    ranks: dict[bytes, int] = {}
    for lineno, line in enumerate(raw.splitlines(), start=1):
        if not line:
            continue
        try:
            token, rank = line.split()
            ranks[base64.b64decode(token, validate=True)] = int(rank)
        except ValueError as exc:
            raise RankFileError(f"{path}: bad line {lineno}: {line[:60]!r}") from exc
    return ranks


@functools.cache
def encoding() -> tiktoken.Encoding:
    """The ``o200k_base`` encoding, built once from the shipped rank file (never downloaded)."""
    return tiktoken.Encoding(
        name=ENCODING_NAME,
        pat_str=O200K_PAT_STR,
        mergeable_ranks=_load_mergeable_ranks(),
        special_tokens=SPECIAL_TOKENS,
    )


def count_tokens(text: str) -> int:
    """Number of ``o200k_base`` tokens in *text*.

    Special-token strings such as ``<|endoftext|>`` that occur in the text are counted as the
    ordinary text they are, rather than raising as ``Encoding.encode`` does by default.
    """
    return len(encoding().encode_ordinary(text))
