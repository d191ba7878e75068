"""A development's headline: who did what, in the article's own words.

Offline the headline is built from the engine's parse of the story's lead line, never by
clipping it: the clause's subject (named as the engine names it, where the article gives that
name), its verb group (auxiliaries, negation, particles, and a verb it governs: "agreed to
extend"), and what the verb acts on (its object, or a place it goes to), with appositions,
relative clauses, times and background dropped. Every word kept is a word of the article, in
the article's order; a name put in for a title ("Vladimir Putin" for "Russian President
Vladimir Putin") is the engine's full name for it and is in the article too. When the line has
the event only from a source, the headline says whose account it is, as the line does. The
same holds for a clause the line reports ("Politico reports that staff are banned ..."): the
headline is the clause, according to its reporter, or no headline where the reporter is a
pronoun. The gate (:mod:`briefing.brief.gate`) then judges the headline like every other line.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from briefing.analyze.events import TIME
from briefing.analyze.lexicon import lexicon

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

# A headline is at most this many words (a reader takes it in at a glance) ...
MAX_WORDS = 14
# ... and at least this many: "Putin said" is not a headline.
MIN_WORDS = 3
# The subject keeps at most this many words before its head ("former kickboxer ... Tate").
MAX_SUBJECT_WORDS = 4

_SUBJECT = {"nsubj", "nsubjpass"}
_DOUBLE_AUX = re.compile(r"\b(?:is|are|was|were|has|have|had)\s+(?:is|are|was|were|has|have)\b")
_VERB_GROUP = {"aux", "auxpass", "neg", "prt"}
# Negations the verb group always keeps, however the parser labels them ("wasn’t": "n’t" can
# come out as punctuation): a headline without its "not" says the opposite.
_NEGATIONS = {"not", "n't", "n’t", "never"}
# Adverbs that make a phrasal verb with the verb before them ("get away from", "pull back"):
# the parser files them as adverbs, and a headline without one says another thing.
_PARTICLES = {"away", "back", "out", "off", "up", "down", "over", "around", "through"}
# The copula's forms (the pipeline runs no lemmatizer).
_BE = {"be", "is", "are", "was", "were", "am", "been", "being"}
# A noun phrase keeps these of its dependents (names, possessives, numbers, modifiers) ...
_NOUN_KEEP = {"compound", "amod", "poss", "case", "nummod", "det", "neg", "quantmod", "nmod"}
# ... and an object also what completes it ("willingness to visit Pyongyang").
_OBJECT_EXTRA = {"acl", "prep", "pobj", "dobj", "aux", "xcomp", "prt"}
_OBJECTS = ("dobj", "attr", "acomp", "oprd")
# Modifiers of a noun that a hyphenated word may be ("start-up", "get-acquainted").
_MODIFIERS = {"amod", "nmod", "compound"}
# What a prepositional phrase keeps of itself, and the prepositions that say when or why.
_PREP_KEEP = {"pobj", "pcomp", "dobj", "compound", "amod", "poss", "case", "nummod", "nmod"}
_CIRCUMSTANCES = {"as", "amid", "after", "before", "during", "despite", "since", "until"}
_PRONOUNS = {p.lower() for p in lexicon().pronouns.person} | {"it", "they", "this", "that"}
_CUES = set(lexicon().brief_lines.plain_cues)
_TIME_NOUNS = lexicon().brief_lines.time_nouns


def _when(t: Token) -> bool:
    """A word that says when: a weekday, a month, a year, "future", "month"."""
    return (
        bool(TIME.fullmatch(t.text))
        or t.text.lower() in _TIME_NOUNS
        or (t.like_num and len(t.text) == 4)
        or t.text.rstrip(".") in {"Jan", "Feb", "Aug", "Sept", "Sep", "Oct", "Nov", "Dec"}
    )


def _time(tokens: list[Token]) -> bool:
    """A phrase that says when, not what: "on Tuesday", "this month", "in the near future"."""
    words = [t for t in tokens if t.is_alpha or t.like_num]
    nouns = [t for t in words if t.tag_.startswith(("NN", "CD"))]
    return bool(nouns) and all(_when(t) for t in nouns)


def _phrase(head: Token, keep: set[str], depth: int = 0) -> list[Token]:
    """The head and the dependents of the kinds ``keep`` names, recursively: appositions,
    relative clauses and parentheses fall away."""
    out = [head]
    for child in head.children:
        if child.tag_ == "HYPH":
            out.append(child)  # "Choe Son-hui"
            continue
        sub = list(child.subtree)
        if child.dep_ in _MODIFIERS and len(sub) <= 3 and any(t.tag_ == "HYPH" for t in sub):
            out.extend(sub)  # "get-acquainted", "start-up": the hyphenated word whole
            continue
        if child.dep_ not in keep or child.is_punct or child.text in "()[]":
            continue
        if _when(child) and child.dep_ in {"compound", "npadvmod", "pobj", "nmod"}:
            # "to Kyiv Tuesday": the place stays, the day goes
            out.extend(
                t
                for c in child.children
                if c.dep_ == "compound" and not _when(c)
                for t in _phrase(c, {"compound"}, depth)
            )
            continue
        if child.dep_ in {"prep", "acl", "xcomp"} and (depth > 1 or _time(sub)):
            continue
        if child.dep_ == "prep" and child.i < head.i:
            continue
        out.extend(_phrase(child, keep, depth + (child.dep_ in {"prep", "acl", "xcomp"})))
    return out


def _subject(verb: Token, names: list[str], article: str) -> list[Token] | str | None:
    """The verb's subject as a short noun phrase, or the engine's full name for it; None where
    the subject is a pronoun (no one a reader can name) or missing."""
    subj = next((c for c in verb.children if c.dep_ in _SUBJECT), None)
    if subj is None:
        return None
    head = subj
    named = [c for c in subj.children if c.dep_ == "appos" and c.tag_ == "NNP"]
    if subj.tag_ != "NNP" and named:
        head = named[0]  # "Chairman of the Committee Michael McCaul": McCaul
    if head.text.lower() in _PRONOUNS or any(t.tag_ in {"PRP", "PRP$"} for t in subj.subtree):
        return None  # "His debate tricks": whose, the headline cannot say
    if any(c.dep_ == "conj" for c in head.children):
        return None  # "Clinton, Trump point out ...": one of them is not all of them
    phrase = sorted(
        _phrase(head, {"compound", "poss", "case", "amod", "nummod"}), key=lambda t: t.i
    )
    text = " ".join(t.text for t in phrase)
    for name in names:
        if name.split()[-1] == head.text and name in article and len(name) < len(text):
            return name
    words = [t for t in phrase if t.is_alpha and t.i <= head.i]
    if len(words) > MAX_SUBJECT_WORDS + 1:
        phrase = [t for t in phrase if t.i >= words[-MAX_SUBJECT_WORDS - 1].i]
    while phrase and phrase[0].dep_ in {"det", "case", "cc"}:
        phrase = phrase[1:]
    return phrase + _whose(head)


def _whose(head: Token) -> list[Token]:
    """For a subject that is a common noun, what it is of ("Members of the Congressional
    Black Caucus", "Small group of rich donors", "a group of Republicans and Democrats"):
    without it, "Members held a press conference" names no one and "Small group pushes tally"
    says nothing. Where the "of" phrase is too long to keep, nothing."""
    if head.tag_ not in {"NN", "NNS"}:
        return []
    for prep in (c for c in head.children if c.dep_ == "prep" and c.lower_ == "of"):
        obj = next((c for c in prep.children if c.dep_ == "pobj"), None)
        if obj is None:
            continue
        keep = {"compound", "poss", "case", "amod", "nummod", "det", "cc", "conj"}
        # whole, or its name alone: "of the troubled digital start-up Ozy Media": "of Ozy Media"
        for named in (_phrase(obj, keep), _phrase(obj, {"compound"})):
            if len([t for t in named if t.is_alpha]) <= MAX_SUBJECT_WORDS + 2:
                return [prep, *sorted(named, key=lambda t: t.i)]
    return []


def _main_verb(doc: Doc) -> tuple[Token | None, list[Token]]:
    """The clause a headline is made of: the root, or the reported clause when the root is a
    plain reporting verb ("X said that Y": Y); and the reporting verbs passed on the way, whose
    subjects are whose account the clause is."""
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    if root is None or root.tag_.startswith("NN"):
        return None, []
    cues = []
    while root is not None and (root.lemma_.lower() in _CUES or root.text.lower() in _CUES):
        cues.append(root)
        root = next((c for c in root.children if c.dep_ == "ccomp"), None)
    return root, cues


def _reporter(cues: list[Token], names: list[str], article: str) -> str | None:
    """Whose account a reported clause is: the subject of the outermost reporting verb
    ("Politico reports that ...": Politico); None where it is a pronoun or missing, and no
    headline can then say whose it is."""
    subject = _subject(cues[0], names, article)
    if subject is None or isinstance(subject, str):
        return subject  # no one, or the engine's full name for them
    subj = next(c for c in cues[0].children if c.dep_ in _SUBJECT)
    whole = list(subj.subtree)
    if len([t for t in whole if t.is_alpha]) <= MAX_SUBJECT_WORDS + 2 and not any(
        t.dep_ in {"relcl", "acl", "appos"} or t.text in "()[]," for t in whole
    ):
        said = _join(whole)  # "a member of the House panel", not "panel"
        return said[0].lower() + said[1:] if whole[0].i == 0 and whole[0].tag_ == "DT" else said
    return _join(subject)


def _object(verb: Token) -> tuple[Token, list[Token]]:
    """The verb a clause ends on ("agreed to extend": extend) and what it acts on."""
    last = verb
    xcomp = next((c for c in verb.children if c.dep_ == "xcomp" and c.tag_.startswith("VB")), None)
    extra: list[Token] = []
    if xcomp is not None:
        # "urges supporters to monitor": the one urged, then what they are urged to do
        own = [c for c in verb.children if c.dep_ == "dobj" and c.i < xcomp.i]
        for obj in own[:1]:
            extra += _phrase(obj, {"compound", "amod", "poss", "case", "nummod", "det"})
        for subj in (c for c in xcomp.children if c.dep_ in _SUBJECT):
            # "demanding Clinton make a pledge": the one who is to do it
            extra += _phrase(subj, {"compound", "amod", "poss", "case", "nummod"})
        extra += [c for c in xcomp.children if c.dep_ in {"aux", "prt", "neg"}] + [xcomp]
        last = xcomp
    objs = [c for c in last.children if c.dep_ in _OBJECTS and c.dep_ != "xcomp"]
    if objs:
        # two direct objects are an apposition misread ("holds an advantage ..., Donald J.
        # Trump"), or a quotation after a dash ("document the stories ... -- the president"):
        # the first is what the verb acts on
        direct = [c for c in objs if c.dep_ == "dobj"]
        apart = len(direct) > 1 and direct[-1].left_edge.nbor(-1).is_punct
        obj = direct[0] if apart else objs[-1]  # "extend former kickboxer ... Tate's detention"
        extra += _phrase(obj, _NOUN_KEEP | _OBJECT_EXTRA)
        # where the act takes its object: "hold Pagliano [in contempt]", "holds an advantage
        # [among black voters]" (a time or a circumstance is no part of it)
        after = obj.right_edge.i
        for prep in (c for c in last.children if c.dep_ == "prep" and c.i == after + 1):
            whole = [t for t in prep.subtree if t.is_alpha or t.like_num]
            kept = _phrase(prep, _PREP_KEEP | {"det"}, 1)
            if len(kept) == len(whole) and not _time(whole) and prep.lower_ not in _CIRCUMSTANCES:
                extra += kept  # whole, or not at all: "pushes tally beyond total [for 2012]"
        return last, extra
    for prep in (c for c in last.children if c.dep_ in {"prep", "agent"} and c.i > last.i):
        sub = list(prep.subtree)
        if not _time(sub) and prep.lower_ not in _CIRCUMSTANCES:
            extra += _phrase(prep, _PREP_KEEP, 1)
            break
    return last, extra


def _dash(t: Token) -> bool:
    """A dash between two phrases ("his advantage - helping ..."), not a hyphen in a word."""
    return t.text in {"-", "--", "—", "–"} and (
        t.text != "-" or (bool(t.whitespace_) and t.i > 0 and bool(t.nbor(-1).whitespace_))
    )


def _join(tokens: list[Token]) -> str:
    """Tokens in the article's order as words: a possessive or punctuation joins its word. A
    dash ends the headline (what follows it is another phrase), and a hyphen stays only
    between two words kept ("get-acquainted" without "get" is no word)."""
    out = ""
    kept = {t.i for t in tokens}
    for t in sorted({t.i: t for t in tokens}.values(), key=lambda t: t.i):
        if _dash(t) and out:
            break
        if t.text == "-" and not {t.i - 1, t.i + 1} <= kept:
            continue
        if t.dep_ in {"prep", "agent"} and not any(c.i in kept for c in t.subtree if c.i != t.i):
            continue  # a preposition whose object went with the time it gave
        if out and not (t.text in {"'s", "’s", "'", "’", "n't", "n’t", "-", "%"} or t.is_punct):
            out += " "
        elif out and t.text == "-":
            pass
        out += t.text
    return re.sub(r"\s*-\s*", "-", out).strip(" ,;:-")


def parsed(texts: list[str]) -> dict[str, Doc]:
    """The parse of each text, many at a time (one at a time costs the pipeline's overhead on
    every one)."""
    from briefing.analyze.parse import parse

    unique = list(dict.fromkeys(texts))
    return dict(zip(unique, parse(unique), strict=True))


def build(text: str, names: list[str], article: str, doc: Doc | None = None) -> list[str]:
    """The headline of a line of the brief: who did what, in words of the line and the article
    (``names`` are the engine's full names for the line's actors). Empty where the line has no
    clause to make one of (a fragment, a pronoun for a subject, a verbless heading).

    The wordings, best first: with the engine's full name for the subject, then with the
    article's own words for it (the gate keeps the first that passes)."""
    if doc is None:
        doc = parsed([text])[text]
    verb, cues = _main_verb(doc)
    if verb is None or not verb.tag_.startswith("VB"):
        return []
    reporter = _reporter(cues, names, article) if cues else None
    if cues and reporter is None:
        return []  # "He said the ban is lawful": the ban, as whose claim? the headline cannot say
    out: list[str] = []
    for subject in (_subject(verb, names, article), _subject(verb, [], article)):
        if subject is None:
            continue
        line = _wording(verb, subject)
        if line is not None and reporter is not None:
            line = f"{line}, according to {reporter}"
        if line is not None and line not in out:
            out.append(line)
    return out


def _wording(verb: Token, subject: list[Token] | str) -> str | None:
    """One headline of the verb's clause with this subject; None where it is too long or
    too short to be one."""
    group = sorted(
        (
            c
            for c in verb.children
            if (c.dep_ in _VERB_GROUP or c.text in {"'s", "’s"} or c.lower_ in _NEGATIONS)
            and c.i < verb.i + 2
        ),
        key=lambda t: t.i,
    )
    if any(c.dep_ == "neg" or c.lower_ in _NEGATIONS for c in verb.children):
        # "don't apply equally to Clinton": without its adverb the denial says another thing
        group += [c for c in verb.children if c.dep_ == "advmod" and c.i == verb.i + 1]
    if not isinstance(subject, str):
        taken = {t.i for t in subject}
        group = [t for t in group if t.i not in taken]
    if any(t.lower_ == "every" for c in verb.children if c.dep_ == "npadvmod" for t in c.subtree):
        return None  # "Every 72 minutes, a veteran commits suicide": the how often is the news
    last, rest = _object(verb)
    kept = {t.i for t in rest}
    for obj in (c for c in last.children if c.dep_ in _OBJECTS and c.i in kept):
        restrictive = [
            c for c in obj.children if c.dep_ == "relcl" and c.left_edge.nbor(-1).text != ","
        ]
        if restrictive and any(c.lower_ == "the" for c in obj.children if c.dep_ == "det"):
            return None  # "has gotten the president [it deserves]": which one, the clause says
    for c in (c for c in last.children if c.dep_ == "advmod" and c.lower_ in _PARTICLES):
        if c.i != last.i + 1 or any(True for _ in c.children):
            return None  # "needs to get [away from this] with Trump": the sense goes with it
        rest = [*rest, c]  # "pulled back its troops"
        kept.add(c.i)
    for c in (c for c in last.children if c.dep_ == "prep" and c.lower_ in _PARTICLES):
        if c.i > last.i and c.i not in kept:
            rest = [*rest, *c.subtree]  # "keep Moscow out of elections": not "keep Moscow"
            kept.update(t.i for t in c.subtree)
    if any(c.dep_ in {"ccomp", "xcomp"} and c.i not in kept for c in last.children):
        return None  # "is demanding Obama [make a pledge]": half a demand misstates it
    if verb.lower_ in _BE and not any(
        c.dep_ == "attr" and c.tag_ in {"NN", "NNS"} for c in verb.children
    ):
        return None  # "Monday's trip wasn't Stein's [first]": a copula says what, not who did
    passive = any(c.dep_ == "auxpass" for c in verb.children)
    if verb.tag_ == "VB" and not any(c.dep_ in {"aux", "auxpass"} for c in verb.children):
        return None  # a bare verb after its subject ("Trump point out"): a misread clause
    if not passive and not any(t.tag_.startswith("NN") or t.tag_ == "CD" for t in rest):
        return None  # "Caddell went on": who did what to whom, or it says nothing
    who = subject if isinstance(subject, str) else _join(subject)
    headline = _glue(who, _join(group + [verb] + rest))
    while len(headline.split()) > MAX_WORDS:
        # the object's complements go, whole, the last first: "rejected a request from
        # Democrats in Ohio [to restore an extra week of early voting]"
        outer = [
            t
            for t in rest
            if (_complement(t, last) and not _complement(t.head, last))
            or (t.dep_ == "prep" and t.head.i == last.i and t.i > last.i)
        ]
        if not outer:
            return None
        gone = {t.i for t in max(outer, key=lambda t: t.i).subtree}
        rest = [t for t in rest if t.i not in gone]
        headline = _glue(who, _join(group + [verb] + rest))
    if len(headline.split()) < MIN_WORDS or not re.search(r"[a-z]", headline):
        return None
    if _DOUBLE_AUX.search(headline):
        return None  # "is has been": a misread clause
    return headline[0].upper() + headline[1:]


def _glue(who: str, what: str) -> str:
    """Subject and predicate as one headline ("TikTok" and "'s been facing": "TikTok's ...")."""
    return f"{who}{what}" if what.startswith(("'", "’")) else f"{who} {what}"


def _complement(t: Token, last: Token) -> bool:
    """Is the token inside a prepositional phrase or clause below the object of ``last``?"""
    node = t
    while node.i != last.i and node.head.i != node.i:
        if node.dep_ in {"prep", "acl", "relcl"} and node.head.i != last.i:
            return True
        node = node.head
    return False
