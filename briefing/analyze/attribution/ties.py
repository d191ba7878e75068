"""Whether a sentence's parse ties given words to one another as an attribution: a cue that
takes the content as what it says, believes or holds, and a source that is the one who does the
cue. These are the judgements ``verify`` asks of an attribution a model found and the engine did
not (``verify.spans``), read in the same parse and with the same predicates (``predicates``) as
the engine's own rules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from briefing.analyze.attribution.predicates import (
    _P,
    BE,
    CLAUSES,
    INHERITS,
    PREDICATES,
    _adjective,
    _agent,
    _antecedent,
    _lemma,
    _noun,
    _predicated,
    _span,
    _verb,
)

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token


# The dependencies by which a predicate takes a clause as what it says, believes or holds ("X
# groused that Y", "Y, X groused"); an object or an infinitive ("approved the repairs", "wants
# to go") is no such clause.
_COMPLEMENTS = frozenset({"ccomp", "parataxis"})
# Share of the content a predicate's clause must cover for the content to be that clause.
COMPLEMENT_COVER = 0.8


def takes_as_complement(
    doc: Doc, base: int, cue: tuple[int, int], content: tuple[int, int]
) -> bool:
    """Is a verb of ``cue`` one whose clausal complement is ``content``? Both are article
    offsets, and ``doc`` is the parse of the sentence that starts at ``base``. A verb outside
    the lexicon can still report ("The senator groused that the bill was rushed"): where the
    parse shows it taking the very words as its clause, it is a predicate of attribution."""
    want = content[1] - content[0]
    if want <= 0:
        return False
    for tok in doc:
        at = base + tok.idx
        if not (cue[0] <= at < cue[1]) or content[0] <= at < content[1]:
            continue  # not the cue's, or a word of the very words said
        if not tok.tag_.startswith("VB"):
            continue
        for child in tok.children:
            if child.dep_ not in _COMPLEMENTS:
                continue
            words = list(child.subtree)
            start = base + words[0].idx
            end = base + words[-1].idx + len(words[-1])
            if min(end, content[1]) - max(start, content[0]) >= COMPLEMENT_COVER * want:
                return True
    return False


# The verbs whose object is a deed done to it, not words said ("approved the repairs"), and the
# nouns with a clause that say nothing ("the fact that"): read only to judge a model's cue.
_DEEDS = _P.deeds
_UNSAID_NOUNS = _P.unsaid_nouns
# Share of the content the words a predicate governs in the parse must cover.
GOVERNED_COVER = 0.5


def _covers(doc: Doc, base: int, span: tuple[int, int], content: tuple[int, int]) -> bool:
    """Do the tokens ``span`` (indices, inclusive) cover most of ``content`` (offsets)?"""
    lo, hi = doc[span[0]], doc[span[1]]
    start, end = base + lo.idx, base + hi.idx + len(hi)
    want = content[1] - content[0]
    return want > 0 and min(end, content[1]) - max(start, content[0]) >= GOVERNED_COVER * want


def _noun_governs(tok: Token) -> tuple[int, int] | None:
    """What a noun says or holds in the parse: its own clause ("the claim that ...", "a plan
    to ..."), the object of its preposition ("concerns about X", "criticism of X"), or the
    clause a copula gives it ("the worry is that ...")."""
    pred = _noun(tok)
    if pred is not None:
        return pred.content
    for c in tok.children:
        if c.dep_ == "prep" and c.i > tok.i and c.lower_ in {"about", "of", "on", "over", "for"}:
            obj = next((g for g in c.children if g.dep_ in {"pobj", "pcomp"}), None)
            if obj is not None:
                return _span(obj)
    return None


def reports_content(doc: Doc, base: int, cue: tuple[int, int], content: tuple[int, int]) -> bool:
    """Is a word of ``cue`` a reporting predicate of the parse rules (``parse_cues.yaml``, the
    cue verbs of ``cues.yaml`` among them) that, in the parse, governs ``content``? Both are
    article offsets, and ``doc`` is the parse of the sentence that starts at ``base``.

    A model's cue is often a word the rules know but did not read as an attribution there:
    a verb with its object ("extolled their bravery", "attacked Clinton for ..."), a noun
    ("the announcement that ...", "concerns about ...", "his claim"), an adjective ("were
    worried that ..."). It reports when the parse ties it to those very words: the verb's
    clause or object as the rules read them (a deed's object, "approved the repairs", is no
    content), the noun's clause or prepositional object, the adjective's complement. A noun
    outside the lexicon reports where it takes the content as a "that" clause of its own,
    unless it is a noun of fact or chance ("the fact that")."""
    for tok in doc:
        at = base + tok.idx
        if not (cue[0] <= at < cue[1]) or content[0] <= at < content[1]:
            continue
        lemma = _lemma(tok)
        tag = tok.tag_
        if tag.startswith("VB") and lemma in PREDICATES:
            pred = _verb(tok, lemma)
            # "approved the repairs": a deed done to its object, not words said
            deed = lemma in _DEEDS and not any(
                c.dep_ in _COMPLEMENTS | CLAUSES for c in tok.children
            )
            if pred is not None and not deed and _covers(doc, base, pred.content, content):
                return True
        if tag in {"NN", "NNS"}:
            governed = _noun_governs(tok) if lemma in _P.nouns else None
            if governed is None and lemma not in _UNSAID_NOUNS:
                clause = next(
                    (
                        c
                        for c in tok.children
                        if c.dep_ in {"acl", "ccomp"}
                        and any(m.dep_ == "mark" and m.lower_ == "that" for m in c.children)
                    ),
                    None,
                )
                governed = _span(clause) if clause is not None else None
            if governed is not None and _covers(doc, base, governed, content):
                return True
        if (tag.startswith("JJ") or tag == "VBN") and tok.lower_ in _P.adjectives:
            pred = _adjective(tok)
            if pred is not None and _covers(doc, base, pred.content, content):
                return True
    return False


# The dependencies of a word that only qualifies the cue word it hangs on ("has said", "did not
# say", "backed down", "strongly denied", "the official statement"): that word's doer is the
# cue's.
_QUALIFIERS = frozenset(
    {"aux", "auxpass", "neg", "prt", "advmod", "det", "amod", "compound", "case", "nummod"}
)
# The dependencies by which a noun cue is what a verb does ("made the announcement", "raised
# concerns"), and the prepositions of a noun a verb does in ("in a statement, X said"): the
# verb's doer is the noun's. Another preposition's object is not ("seized upon a report",
# "was under questioning").
_NOUN_OF_VERB = frozenset({"dobj", "attr", "oprd", "conj", "appos", "npadvmod"})
_NOUN_IN = frozenset({"in"})
# The prepositions that give a noun cue its holder after it ("a statement by X", "criticism
# from Democrats", "support among millennials").
_HOLDER_PREPS = frozenset({"by", "from", "among"})
# The verbs that, as the passive's auxiliary, are only its tense, not a feeling ("was", "got";
# not "felt betrayed").
_PLAIN_AUX = BE | {"be", "get", "got", "gets", "getting", "gotten"}
# The punctuation the speaker stands beside as a cue: a colon after a speaker's label
# ("WALLACE: ..."), a dash between the words and their speaker ('"..." ― Maria Lopez', "Mitt
# Romney -- "...").
_COLONS = frozenset({":"})
_DASHES = frozenset({"―", "—", "–", "--", "-"})
_SPACED_QUOTES = " \t\u00a0\"“”‘’'"


def _members(tok: Token) -> list[Token]:
    """A holder and who stands with it or for it: the antecedent of a relative pronoun, the
    subject a noun is said of, the others of a list ("Trump and Pence said"), an appositive
    ("Whitfield, the chairwoman, said")."""
    head = _antecedent(tok)
    out = [tok, head, _predicated(head)]
    for t in list(out):
        out.extend(c for c in t.children if c.dep_ in {"conj", "appos"})
        # "someone like Mr. Clarke", "supporters of the bill, such as Bob Corker"
        for c in t.children:
            if c.dep_ == "prep" and c.lower_ in {"like", "as"}:
                objs = [g for g in c.children if g.dep_ == "pobj"]
                out.extend(objs + [x for o in objs for x in o.conjuncts])
    return out


def _verb_doers(tok: Token, depth: int = 0) -> list[Token]:
    """Who does a verb in the parse: its subject, the agent of its passive ("was denounced by
    X"), or, for a verb with no subject of its own, the doer of the verb it hangs on ("..., but
    said", "speaking at a rally, X said", "responded by saying"), the object of a verb that has
    someone do it ("forced Stumpf to admit"); for a verb it hangs on in the passive, that
    verb's subject ("X was quoted as saying"), as for a feeling in the passive ("Republicans
    were incensed that"); a participle or infinitive of a noun, that noun ("officials speaking
    on condition of anonymity")."""
    kids = list(tok.children)
    subj = [c for c in kids if c.dep_ == "nsubj"]
    agent = _agent(tok) or _by(tok)
    if subj or agent is not None:
        return subj + ([agent] if agent is not None else [])
    passive = [c for c in kids if c.dep_ == "nsubjpass"]
    if passive:
        felt = _lemma(tok) not in PREDICATES or tok.lower_ in _P.adjectives
        return passive if depth > 0 or felt else []
    said = next((c for c in kids if c.dep_ == "parataxis" and c.i < tok.i and _own_doer(c)), None)
    if said is not None:
        # "'...,' Mr. Obama said, not even needing to mention": the parse hangs the sayer's
        # clause on the verb that goes on from it
        return _verb_doers(said, depth + 1)
    if tok.tag_ == "VBN" and depth == 0:
        # "as stated in Davis' commentary": what states it, where no one is said to
        inside = [g for c in kids if c.dep_ == "prep" and c.lower_ == "in" for g in c.children]
        if any(g.dep_ == "pobj" for g in inside):
            return [g for g in inside if g.dep_ == "pobj"]
    if depth >= 3 or tok.head.i == tok.i:
        return []
    head = tok.head
    if tok.dep_ == "acl" and head.tag_[:2] in {"NN", "PR", "CD"}:
        to = any(c.dep_ == "aux" and c.lower_ == "to" for c in kids)
        if not (tok.tag_ == "VBG" or to):
            return []
        # "officials speaking on condition of anonymity"; and where the parse hangs the
        # participle on a thing ("in many cases reporting", "come out the other side
        # knowing"), the doer of the verb that thing goes with
        # ("a wide array of black artists writing songs": the artists, not who has them)
        of = any(c.dep_ == "prep" and c.lower_ == "of" for c in head.children)
        return [head, *_noun_holders(head)] if depth < 2 and not of else [head]
    if tok.dep_ == "xcomp":
        obj = next((c for c in head.children if c.dep_ == "dobj" and c.i < tok.i), None)
        if obj is not None:
            return [obj]
    if tok.dep_ in INHERITS | {"parataxis", "acomp"}:
        # "Trump will be unable to turn the crowds and accuse": through the adjective too
        doers = _verb_doers(head, depth + 1)
        if tok.dep_ in {"advcl", "conj"} and head.dep_ == "ccomp" and head.head.i != head.i:
            # "X said Y would act, citing Z": the parse hangs "citing" on the words said; it
            # may be the sayer's
            doers += _verb_doers(head.head, depth + 1)
        return doers
    if tok.dep_ == "pcomp" and head.dep_ == "prep" and head.head.i != head.i:
        return _verb_doers(head.head, depth + 1)
    return []


def _by(tok: Token) -> Token | None:
    """The object of a passive's "by" the parse did not mark as its agent ("called out by
    fellow doctors", "called to service by the governor")."""
    passive = tok.tag_ == "VBN" and (
        tok.dep_ == "acl" or any(c.dep_ in {"auxpass", "nsubjpass"} for c in tok.children)
    )
    if not passive:
        return None
    by = next((c for c in tok.children if c.dep_ == "prep" and c.lower_ == "by"), None)
    if by is None:
        # "called to service by the governor": the parse hangs "by" on the verb's object
        inner = [
            g
            for c in tok.children
            if c.dep_ == "prep"
            for o in c.children
            if o.dep_ == "pobj"
            for g in o.children
        ]
        by = next((g for g in inner if g.dep_ == "prep" and g.lower_ == "by"), None)
    return next((g for g in by.children if g.dep_ == "pobj"), None) if by is not None else None


def _noun_holders(tok: Token) -> list[Token]:
    """Whose a noun cue is: its possessor and the nouns compounded with it ("Trump's claim", "the
    campaign statement"), the object of its "by" or "from" ("a statement from the White House"),
    or the doer of the verb it is the object of ("the White House made the announcement", "in a
    statement, the senator said")."""
    kids = list(tok.children)
    out = [c for c in kids if c.dep_ in {"poss", "compound"}]
    lo = min([tok.i, *(c.i for c in kids if c.dep_ in {"det", "amod", "compound"})])
    if lo > 1 and tok.doc[lo - 1].tag_ == "POS":
        out.append(tok.doc[lo - 2])  # "Tulsa police’s earlier claim", where the parse lost it
    # "European reluctance", "Republican criticism": a people or party as the adjective
    out += [c for c in kids if c.dep_ == "amod" and c.text[:1].isupper() and c.i < tok.i]
    for c in kids:
        if c.dep_ == "prep" and c.lower_ in _HOLDER_PREPS:
            out.extend(g for g in c.children if g.dep_ == "pobj")
    up = tok
    for _ in range(3):
        head = up.head
        if head.i == up.i:
            break
        if up.dep_ == "pobj" and head.lower_ in _NOUN_IN and head.head.i != head.i:
            up = head.head
        elif up.dep_ in _NOUN_OF_VERB:
            up = head
        else:
            break
        if up.tag_.startswith(("VB", "MD")):
            out.extend(_verb_doers(up, 1))
            break
    return out


def _feeling(tok: Token) -> bool:
    """A verb of a feeling one is given ("worries", "troubled", "angers"): its past participle is
    an adjective of attitude, so its object holds the feeling."""
    lemma = _lemma(tok)
    forms = {lemma + "ed", lemma + "d", lemma[:-1] + "ied" if lemma.endswith("y") else lemma}
    if lemma.endswith("ies"):
        forms.add(lemma[:-3] + "ied")  # "worries", where "worry" is no predicate of the lexicon
    elif lemma.endswith("s"):
        forms |= {lemma[:-1] + "ed", lemma[:-1] + "d"}
    return bool(forms & _P.adjectives) and tok.lower_ not in _P.adjectives


def _to_whom(tok: Token) -> list[Token]:
    """The one a thing seems so to ("seems credible to me"): the object of its "to"."""
    return [
        g
        for c in tok.children
        if c.dep_ == "prep" and c.lower_ == "to"
        for g in c.children
        if g.dep_ == "pobj"
    ]


def _prep_holders(tok: Token) -> list[Token]:
    """The object a prepositional cue gives as its source ("according to officials", "citing
    the report", "as reported by X"), with the holder of that object when it is a noun of
    saying ("according to a statement from the White House")."""
    objs = [c for c in tok.children if c.dep_ in {"pobj", "dobj"}]
    for c in tok.children:
        if c.dep_ in {"prep", "agent"}:
            objs.extend(g for g in c.children if g.dep_ == "pobj")
    return objs + [h for o in objs for h in _noun_holders(o)]


def _holders(tok: Token) -> list[Token]:
    """Who does a cue word in the parse, as a verb, a noun, an adjective of attitude, or a
    preposition of reporting; and, where the parse took the cue for a noun, its own subject
    ("But Trump claims that", "Obama, others vow consequences") or the name a headline's cue
    hangs on ("Trump charges that", "Said Ellis: ...")."""
    out: list[Token] = [c for c in tok.children if c.dep_ == "nsubj"]
    tag = tok.tag_
    if tok.dep_ in {"prep", "agent"} or tag == "IN" or tok.lower_ in {"according", "citing"}:
        out += _prep_holders(tok)
    if tag.startswith(("VB", "MD")):
        felt = [c for c in tok.children if c.dep_ == "dobj"] if _feeling(tok) else []
        if felt:
            return felt  # "That worries Democrats": the worried, not what worries them
        out += _verb_doers(tok)
    if tag.startswith("NN"):
        out += _noun_holders(tok)
    if tag.startswith("JJ") or tag == "VBN":
        if tok.dep_ in {"acomp", "oprd"} and tok.head.i != tok.i:
            out += _verb_doers(tok.head, 1)  # "X is worried that", "X seemed confident"
            if _lemma(tok.head) in _P.sourceless:
                out += _to_whom(tok) + _to_whom(tok.head)  # "seems credible to me"
        elif tok.dep_ == "amod":
            out.append(tok.head)  # "a worried Trump"
    if tok.dep_ == "auxpass" and tok.lower_ not in _PLAIN_AUX and tok.head.i != tok.i:
        out += [c for c in tok.head.children if c.dep_ == "nsubjpass"]  # "felt betrayed"
    head = tok.head
    if head.dep_ == "ROOT" and head.tag_.startswith("NN") and head.i != tok.i:
        out.append(head)
    return out


def _beside_punctuation(doc: Doc, base: int, cue: tuple[int, int], source: tuple[int, int]) -> bool:
    """A colon or dash as the cue: the source alone before the colon, a speaker's label
    ("WALLACE: Let's start"), or the doer of the clause or the holder of the noun the colon
    closes ("Whitfield told reporters: ..."; not "reporters"; "A lesson from Loretta Lynch:
    ..."); the source right before or after the dash ('"..." ― Maria Lopez', "Mitt Romney --
    '...'")."""
    text = doc.text
    mark = text[cue[0] - base : cue[1] - base].strip()
    before = source[1] <= cue[0] and not text[source[1] - base : cue[0] - base].strip(" \t")
    if mark in _COLONS:
        label = not text[: source[0] - base].strip(_SPACED_QUOTES)
        if label and before:
            return True
        tok = next((t for t in doc if base + t.idx == cue[0]), None)
        head = tok.head if tok is not None else None
        if head is None or head.i == tok.i or head.i > tok.i:
            return False
        if head.tag_.startswith(("VB", "MD")):
            holders = _verb_doers(head)
        elif head.tag_.startswith("NN"):
            holders = [head, *_noun_holders(head)]
        else:
            return False
        return any(_covers_token(base, source, m) for h in holders for m in _members(h))
    if mark in _DASHES:
        after = cue[1] <= source[0] and not text[cue[1] - base : source[0] - base].strip(
            " \t\u00a0"
        )
        return before or after
    return False


def _own_doer(tok: Token) -> bool:
    """Does the parse give a verb a subject or agent of its own?"""
    return any(c.dep_ in {"nsubj", "nsubjpass", "csubj", "agent", "expl"} for c in tok.children)


def _covers_token(base: int, span: tuple[int, int], tok: Token) -> bool:
    """Does ``span`` (article offsets) hold the word ``tok``?"""
    at = base + tok.idx
    return span[0] <= at and at + len(tok) <= span[1]


def is_cue_source(doc: Doc, base: int, source: tuple[int, int], cue: tuple[int, int]) -> bool:
    """Is ``source`` the one who does ``cue`` in the parse? Both are article offsets, and
    ``doc`` is the parse of the sentence that starts at ``base``.

    A model's attribution names a source and a cue; a source only named in the sentence may be
    anyone ("Trump said Clinton lied" given to Clinton). It is the cue's when the parse ties the
    two: the subject of the cue verb, or the agent of its passive, or of the verb it hangs on
    ("..., but said"), the subject after a trailing cue ("..., said X"); the possessor or
    compound of a noun cue ("Trump's claim", "the Clinton campaign's statement"), its "by" or
    "from", the doer of the verb it is the object of ("made the announcement"); the object of a
    prepositional cue ("according to officials"); the subject of the clause an adjective of
    attitude heads ("X is worried that"); the speaker beside a colon or dash. The source holds
    the head word of that holder, or of one standing with it or for it (a list, an appositive,
    a relative pronoun's antecedent). Where the parse shows no such tie (a fragment, another
    name of the sentence), it is not the source."""
    if _beside_punctuation(doc, base, cue, source):
        return True
    inside = [t for t in doc if cue[0] <= base + t.idx < cue[1]]
    # "was under questioning": the copula's subject is not who did the questioning
    plain = [t for t in inside if t.lower_ not in BE] or inside
    for tok in plain:
        words = [tok] + ([tok.head] if tok.dep_ in _QUALIFIERS and tok.head.i != tok.i else [])
        for w in words:
            holders = _holders(w)
            if any(_covers_token(base, source, m) for h in holders for m in _members(h)):
                return True
            if w.tag_.startswith("VB") and w.i == tok.i and not _own_doer(w):
                # a verb the parse gave no subject of its own ("... of the Washington Post
                # Trump said that", "with Russia backing the government as the United States,
                # Britain and France support"): the name right before it
                at = base + w.idx
                gap = doc.text[source[1] - base : at - base] if source[1] <= at else "-"
                if not gap.strip(" \t"):
                    return True
    return False
