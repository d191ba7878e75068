"""The lexicons in ``briefing/data``: every file loads, a broken one is refused in one line that
names the file and the entry, and word lists stay out of the code."""

from __future__ import annotations

import ast
import re
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from briefing.analyze.lexicon import _alternation, lexicon, lexicon_files, load_lexicon, registry
from briefing.analyze.lexicon_schema import DataFile, _factored
from briefing.errors import BriefingError, DataFileError
from briefing.resources import DATA_DIR
from tests.conftest import ROOT

# data files that are not part of the lexicon: they have loaders of their own
_NOT_LEXICON = {"prices.yaml"}


def test_every_data_file_loads_and_every_yaml_file_is_read():
    lex = load_lexicon(DATA_DIR)
    for name in lexicon_files():
        assert isinstance(getattr(lex, name.removesuffix(".yaml")), DataFile), name
    on_disk = {p.name for p in DATA_DIR.glob("*.yaml")} - _NOT_LEXICON
    assert on_disk == set(lexicon_files()), "a data file that nothing loads, or one that is gone"


def test_loading_happens_once_per_process():
    assert lexicon() is lexicon()
    assert registry() is registry()
    assert registry().cue_forms["said"] == "speech"
    assert registry().cue_lemma["pointed to"] == "point to"


def test_every_data_file_begins_with_a_comment_on_what_it_is_for():
    for name in lexicon_files():
        first = (DATA_DIR / name).read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# ") and len(first) > 30, name


def test_the_c_and_the_python_yaml_readers_agree_on_every_file():
    # the loader takes libyaml when it is installed; a machine without it must read the same
    if not hasattr(yaml, "CSafeLoader"):
        pytest.skip("libyaml is not installed")
    for name in lexicon_files():
        text = (DATA_DIR / name).read_text(encoding="utf-8")
        assert yaml.load(text, Loader=yaml.CSafeLoader) == yaml.safe_load(text), name


def _data_copy(tmp_path: Path) -> Path:
    for name in lexicon_files():
        shutil.copy(DATA_DIR / name, tmp_path / name)
    return tmp_path


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path.name}: the test needs updating"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


BROKEN = [
    pytest.param(
        "hedges.yaml",
        "  - reportedly\n",
        "  - (?:reported\n",
        "hedges.yaml: patterns, entry 3: missing ), unterminated subpattern at position 0",
        id="a pattern that does not compile",
    ),
    pytest.param(
        "hedges.yaml",
        "  - reportedly\n",
        "  - reportedly)\n",
        "hedges.yaml: patterns, entry 3: unbalanced parenthesis at position 10",
        id="an unbalanced parenthesis",
    ),
    pytest.param(
        "source_phrases.yaml",
        "bad_start: [to, of,",
        "bad_start: [to, no,",
        "source_phrases.yaml: bad_start, entry 2: input should be a valid string (got False)",
        id="a bare no that YAML reads as false",
    ),
    pytest.param(
        "titles.yaml",
        "words: [mr, mrs,",
        "words: [mr, Mrs,",
        "titles.yaml: words, entry 2: 'Mrs' must be lowercase: the text it is compared with is",
        id="capitals where the text is lowercased",
    ),
    pytest.param(
        "stopwords.yaml",
        "words: [a, an, the,",
        "words: [a, an, a,",
        "stopwords.yaml: words: entry 3 repeats entry 1 ('a')",
        id="an entry written twice",
    ),
    pytest.param(
        "event_words.yaml",
        "meetings: [",
        "meetings: []\nunused: [",
        "event_words.yaml: meetings: frozenset should have at least 1 item after validation, "
        "not 0 (and 1 more)",
        id="an empty list and an unknown key",
    ),
    pytest.param(
        "adverbials.yaml",
        "statements: [statement,",
        "statements: [state.ment,",
        "adverbials.yaml: statements, entry 1: 'state.ment' must be a plain word "
        "(letters, spaces, hyphens, apostrophes)",
        id="a pattern character in a list joined into a pattern",
    ),
    pytest.param(
        "characterizations.yaml",
        "{term: denazification, by: Moscow,",
        "{term: denazification, who: Moscow,",
        "characterizations.yaml: terms, entry 2, by: field required (and 1 more)",
        id="a misspelt field of an entry",
    ),
    pytest.param(
        "cues.yaml",
        "speech: [say,",
        "speech: [say,, [",
        "cues.yaml: is not valid YAML (line 7)",
        id="broken YAML",
    ),
]


@pytest.mark.parametrize(("name", "old", "new", "message"), BROKEN)
def test_a_broken_file_is_refused_in_one_line_naming_the_file_and_the_entry(
    tmp_path: Path, name: str, old: str, new: str, message: str
) -> None:
    data = _data_copy(tmp_path)
    load_lexicon(data)  # the copy itself is sound
    _replace(data / name, old, new)
    with pytest.raises(DataFileError) as info:
        load_lexicon(data)
    assert str(info.value) == message
    assert isinstance(info.value, BriefingError)
    assert "\n" not in str(info.value)


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    data = _data_copy(tmp_path)
    (data / "org_words.yaml").unlink()
    with pytest.raises(DataFileError, match=r"^org_words\.yaml: cannot be read \("):
        lexicon(data)  # the cached loader takes a folder too, and does not cache a failure


def test_month_forms_are_factored_into_the_pattern_a_date_is_matched_with():
    assert _factored(("January", "Jan.", "Jan")) == r"Jan(?:uary|\.)?"
    assert _factored(("September", "Sept.", "Sep.", "Sep")) == r"Sep(?:tember|t\.|\.)?"
    assert _factored(("June", "Jun")) == "June?"
    assert _factored(("May",)) == "May"
    from briefing.analyze.events import TIME

    assert TIME.search("on Sept. 12").group(0) == "Sept. 12"
    assert TIME.search("on Sept 12") is None  # "Sept" is written with its full stop
    assert TIME.search("on Jun. 12") is None  # and "Jun" without one


# -- no word lists in code ---------------------------------------------------------------------

MAX_WORDS = 12  # a literal collection of more lowercase words than this is a lexicon
_WORD = re.compile(r"[a-z][a-z.'’ -]*")
# an alternation of plain lowercase words in a pattern: (?:said|told|...)
_ALTERNATION = re.compile(r"\((?:\?:)?([a-z][a-z' ]*(?:\|[a-z][a-z' ]*)+)\)")
# every stage, and the modules at the top of the package (verify, pipeline, models ...)
LEXICON_FREE = ("analyze", "ingest", "brief", "llm", "evals", "cli", "*.py")


def word_lists(source: str) -> list[tuple[int, int]]:
    """(line, number of words) of every literal set, list or tuple of more than ``MAX_WORDS``
    lowercase words, every ``"...".split()`` of as many, and every regular-expression
    alternation of as many plain words in a string."""
    found = []
    tree = ast.parse(source)
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
    }
    for node in ast.walk(tree):
        words: list[str] = []
        if isinstance(node, ast.Set | ast.List | ast.Tuple):
            words = [
                e.value
                for e in node.elts
                if isinstance(e, ast.Constant) and isinstance(e.value, str)
            ]
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "split"
            and isinstance(node.func.value, ast.Constant)
            and isinstance(node.func.value.value, str)
        ):
            words = node.func.value.value.split()
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docstrings
        ):
            longest = max(
                (m.group(1).split("|") for m in _ALTERNATION.finditer(node.value)),
                key=len,
                default=[],
            )
            words = longest
        words = [w for w in words if _WORD.fullmatch(w)]
        if len(words) > MAX_WORDS:
            found.append((getattr(node, "lineno", 0), len(words)))
    return found


def test_the_word_list_detector_finds_lists():
    # so that the test below cannot pass by finding nothing
    words = ", ".join(f'"word{c}"' for c in "abcdefghijklm")
    assert word_lists(f"X = {{{words}}}")
    assert word_lists(f"X = [{words}]")
    assert word_lists('X = set("a b c d e f g h i j k l m".split())')
    assert word_lists('X = r"(?:a|b|c|d|e|f|g|h|i|j|k|l|m)\\s+"')
    assert not word_lists('X = r"(?:a|b|c|d|e|f|g|h|i|j|k|l)\\s+"')
    assert not word_lists('"""a|b|c|d|e|f|g|h|i|j|k|l|m|n"""')  # a docstring is prose


@pytest.mark.parametrize("package", LEXICON_FREE)
def test_no_module_holds_a_word_list(package: str):
    root = ROOT / "briefing"
    modules = sorted(
        root.glob(package) if package.endswith(".py") else (root / package).rglob("*.py")
    )
    assert modules
    offenders = [
        f"{path.relative_to(ROOT)}:{line}: {n} words"
        for path in modules
        for line, n in word_lists(path.read_text(encoding="utf-8"))
    ]
    assert not offenders, (
        "word lists belong in briefing/data/ (a YAML file, loaded by analyze/lexicon.py):\n"
        + "\n".join(offenders)
    )


@settings(max_examples=200, deadline=None)
@given(
    words=st.lists(st.text(alphabet="abAB -.", min_size=1, max_size=6), min_size=1, max_size=8),
    text=st.text(alphabet="abAB -.x", max_size=40),
    ignore_case=st.booleans(),
)
def test_a_word_alternation_matches_as_the_longest_first_alternation_does(
    words: list[str], text: str, ignore_case: bool
) -> None:
    """The registry's word patterns are tries; they find what the plain alternation, longest
    word first, finds."""
    flags = re.IGNORECASE if ignore_case else 0
    plain = "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))
    want = re.compile(rf"(?<![\w-])(?:{plain})(?![\w-])", flags)
    got = _alternation(dict.fromkeys(words), flags)
    assert [m.span() for m in got.finditer(text)] == [m.span() for m in want.finditer(text)]
