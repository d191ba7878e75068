"""Is the engine sure who holds an attribution's words, and through whom?

Where a model reads the same words with another speaker or another chain, someone has to
decide. The engine's parse should, when its own evidence for the reading is firm: a speaker
named in the sentence that holds the words, tied to them by a reporting word, and no other way
to read the sentence that the engine itself sees. Where that evidence is weak, a reader is better
told that the speaker is uncertain than given one name that may be wrong (a wrong
speaker is the worst thing the brief can print). This module weighs that evidence, from what the
engine recorded on the way; it does not ask the model, and it does not parse again.
``verify`` asks it where the model reads the engine's words otherwise.

The engine is not sure when:

- it found no speaker for the words at all;
- the speaker is a pronoun or a description ("he", "the agency") that it could not resolve;
- the speaker is a pronoun it resolved though another holder of the same kind was in focus
  with the one it chose (another speaker since, or another name beside a mere mention): coref
  takes one of them by rule, and a reader of that sentence may take the other;
- the speaker is named only in an earlier sentence: a quotation given to the last speaker, a
  paragraph that continues one;
- no reporting word of the sentence ties the words to the speaker (a floating quotation);
- the sentence may hold two reports side by side ("A said X, and B said Y"), which the engine has
  read as one nested in the other (``readings.coordinated``).
"""

from __future__ import annotations

from briefing.analyze.coref import FOCUS_WINDOW, agreement, description_head, gender_of
from briefing.analyze.lexicon import lexicon, registry
from briefing.analyze.provenance import names_of
from briefing.analyze.readings import coordinated
from briefing.analyze.sources import NameMatcher, is_person, is_pronoun, person_names
from briefing.models import Analysis, Attribution, Sentence, Source

_COREF = lexicon().coref  # the descriptions coref resolves ("the senator", "the agency")


def speaker_doubt(analysis: Analysis, a: Attribution) -> str | None:
    """Why the engine's reading of who holds ``a``'s words (and through whom) is not sure, in
    words a reader of the report understands; None when the engine is sure of it."""
    src = a.source
    if src is None:
        return "the engine finds no speaker for these words"
    sents = [s for s in analysis.sentences if s.id in a.sentence_ids]
    if not sents:
        return "the engine places these words in no sentence"
    if not any(s.start <= src.start < s.end for s in sents):
        return "the speaker is named in an earlier sentence, not beside these words"
    if a.cue is None:
        return "no reporting word ties these words to the speaker"
    head = description_head(src.text)
    referring = is_pronoun(src.text) or head in _COREF.person_titles or head in _COREF.org_heads
    if referring and not src.canonical:
        return f"“{src.text}” could stand for more than one source"
    if is_pronoun(src.text):
        rival = _rival(analysis, a)
        if rival is not None:
            return f"“{src.text}” is read as {src.canonical}, but {rival} is named just before it"
    here = sents[0]
    own = [
        b
        for b in analysis.attributions
        if here.id in b.sentence_ids and b.source is not None and here.start <= b.source.start
    ]
    pair = coordinated(own, _text_from(analysis, here))
    if pair is not None and pair[1].id == a.id:
        return "the sentence may hold two reports side by side rather than one inside the other"
    return None


def _text_from(analysis: Analysis, sent: Sentence) -> str:
    """Text whose offsets are the article's up to the end of ``sent`` (what ``coordinated``
    slices): the article's own where the analysis carries it, else the sentences in place."""
    if analysis.article.text is not None:
        return analysis.article.text
    out = [" "] * sent.end
    for s in analysis.sentences:
        if s.start >= sent.end:
            break
        out[s.start : s.end] = s.text
    return "".join(out)


def _rival(analysis: Analysis, a: Attribution) -> str | None:
    """Another holder a pronoun source could stand for, as coref's focus has it: of the same
    kind (a person the article names in full for "he" and "she", of no other known gender; an
    organisation for "it"), and before the pronoun:

    - another speaker of the sentences from the latest mention of the one it was resolved to;
    - where that mention does not speak, any other holder that sentence names;
    - any other holder named in the pronoun's own sentence before it.

    Names inside what someone is reported to say, or inside quotation marks, are what is talked
    about, not who speaks ("Trump said praise from Putin would not affect ... He said ...")."""
    src = a.source
    assert src is not None and src.canonical
    kind = agreement(src.text)
    if kind == "first":
        return None  # "I" and "we" are the speaker of their own quotation
    person = kind in ("m", "f") or (kind is None and is_person(src))
    book = names_of(analysis)
    same = NameMatcher(book, registry()).same
    idx = next(i for i, s in enumerate(analysis.sentences) if s.start <= src.start < s.end)
    said = [(q.start, q.end) for q in analysis.quotes]
    said += [(b.content.start, b.content.end) for b in analysis.attributions]
    people = set(book.people())

    def free(pos: int) -> bool:
        """Before the pronoun, and in no one's words."""
        return pos < src.start and not any(s <= pos < e for s, e in said)

    def someone(name: str) -> bool:
        """A person the article names in full, whose first name shows a gender: "South Asia",
        "Pell Grants" and "National Museum" are no one."""
        words = name.split()
        return name in people and len(words) > 1 and gender_of(words[0]) is not None

    def fits(name: str, speaker: Source | None = None) -> bool:
        if not person:
            return not person_names(name) and (speaker is None or not is_person(speaker))
        return (someone(name) or (speaker is not None and is_person(speaker))) and _agrees(
            kind, name
        )

    def speakers(sent: Sentence) -> list[str]:
        return [
            b.source.canonical
            for b in analysis.attributions
            if b.source is not None
            and b.source.canonical
            and sent.id in b.sentence_ids
            and free(b.source.start)
            and fits(b.source.canonical, b.source)
        ]

    def mentioned(sent: Sentence) -> list[str]:
        if not person:
            return []
        names = [(book.full(n), sent.start + at) for n, at, _ in person_names(sent.text)]
        return [n for n, at in names if free(at) and fits(n)]

    rivals: list[str] = []
    for sent in reversed(analysis.sentences[max(0, idx - FOCUS_WINDOW) : idx + 1]):
        spoke, named = speakers(sent), mentioned(sent)
        if any(same(n, src.canonical) for n in spoke):
            rivals += spoke
            break  # the one it was resolved to spoke here: only another speaker rivals them
        if any(same(n, src.canonical) for n in named) or sent is analysis.sentences[idx]:
            rivals += spoke + named
            if sent is not analysis.sentences[idx]:
                break  # the latest mention of the one it was resolved to
        else:
            rivals += spoke
    return next((n for n in rivals if not same(n, src.canonical)), None)


def _agrees(kind: str | None, name: str) -> bool:
    """A person of this name can be "he" (or "she"): of that gender or of none the article shows."""
    gender = gender_of(name.split()[0])
    return kind not in ("m", "f") or gender is None or gender == kind
