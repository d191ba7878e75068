"""Reporting predicates in a dependency parse: a verb, noun or adjective that attributes, its
source (subject, or the agent of a passive) and its content (clausal complement or object).

The predicates are verbs (``cues.yaml`` and ``parse_cues.yaml``), nouns with a clause of their
own ("his claim that", "the worry is that"), adjectives of attitude ("were worried that") and
predicates with no source ("is expected to", "seems"). A relative pronoun as subject ("the
official, who said") stands for its antecedent; a verb with no subject of its own ("..., but
said", "..., vowing to") takes the subject of the verb it hangs on. Content ends where the
attributed clause ends in the parse. Only the outermost predicates of a sentence are kept;
what is nested inside their content is left to ``nested``. ``parsed`` turns them into drafts.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING

from briefing.analyze.lexicon import lexicon, registry

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

_LEX = lexicon()
_P = _LEX.parse_cues
_REG = registry()
_BASE_VERBS = frozenset(_REG.cue_lemma.values()) - {"point to"}
_VERBS = _BASE_VERBS | _P.speech | _P.belief | _P.intention
_ADDRESSEE = _LEX.cue_rules.addressee | _LEX.cue_rules.object_before_that
_CLAUSE_ONLY = _P.clause_only | _ADDRESSEE
_STANCE = _LEX.cue_rules.stance_required
_PHRASAL = _LEX.cue_rules.phrasal
_NEEDS_THAT = _LEX.cue_rules.needs_that
SUBJECTS = {"nsubj", "nsubjpass", "csubj", "expl"}
CLAUSES = {"ccomp", "xcomp", "csubj"}
RELATIVE = {"who", "which", "that", "whom"}
INHERITS = {"conj", "advcl", "xcomp", "acl"}
# verb lemma -> the prepositions whose object is its content ("talked about", "called for")
_PREP_OF: dict[str, frozenset[str]] = {}
for _prep, _lemmas in _P.prepositional.items():
    for _l in _lemmas:
        _PREP_OF[_l] = _PREP_OF.get(_l, frozenset()) | {_prep}
PREDICATES = _VERBS | _P.sourceless | set(_PREP_OF)
_PASSIVE_ANY = _VERBS - _CLAUSE_ONLY - _P.intention
BE = {"is", "was", "are", "were", "be", "been", "being", "'s", "’s"}
PUNCT = " \t\n\u00a0,;:.—–-"


_IRREGULAR = {f: lemma for lemma, forms in _P.irregular.items() for f in forms}
_KNOWN = _VERBS | _P.sourceless | _P.nouns | _P.sourceless_passive | set(_PREP_OF)


def _lemma(tok: Token) -> str:
    """The lemma of a token among the predicates' lemmas (see ``form_lemma``)."""
    return form_lemma(tok.lower_)


@functools.lru_cache(maxsize=16384)
def form_lemma(form: str) -> str:
    """The lemma of a lowercase word among the predicates' lemmas: the form itself, an
    irregular form's lemma, or the form without its ending (-s, -es, -ies, -ed, -ied, -d, -ing,
    a doubled consonant); the form itself when none is known."""
    if form in _KNOWN:
        return form
    if form in _IRREGULAR:
        return _IRREGULAR[form]
    for end, repl in (
        ("ies", "y"),
        ("ied", "y"),
        ("ing", ""),
        ("ing", "e"),
        ("es", ""),
        ("s", ""),
        ("ed", ""),
        ("ed", "e"),
        ("d", ""),
    ):
        if form.endswith(end) and len(form) > len(end) + 2:
            base = form[: -len(end)] + repl
            if base in _KNOWN:
                return base
            if not repl and len(base) > 2 and base[-1] == base[-2] and base[:-1] in _KNOWN:
                return base[:-1]  # "admitted", "slamming"
    return form


@dataclass
class _Pred:
    cue: tuple[int, int]  # token indices, inclusive
    source: tuple[int, int] | None  # token indices, inclusive
    content: tuple[int, int]  # token indices, inclusive


def _span(tok: Token) -> tuple[int, int]:
    return tok.left_edge.i, tok.right_edge.i


def noun_phrase(tok: Token) -> tuple[int, int]:
    """A noun phrase without its relative clause or appositive: the head with its modifiers up to
    the first comma, parenthesis, dash, relative clause or appositive after it."""
    hi = tok.i
    for c in tok.rights:
        if c.text in {",", "(", "—", "–"} or c.dep_ in {"relcl", "acl", "appos"}:
            break
        hi = max(hi, c.right_edge.i)
    return tok.left_edge.i, hi


def _subject(tok: Token, depth: int = 0) -> Token | None:
    """The subject of a verb, or of the verb it hangs on ('..., but said', '..., vowing')."""
    for c in tok.children:
        if c.dep_ in {"nsubj", "csubj"}:
            return c
        if c.dep_ == "nsubjpass":
            return None
    if depth < 3 and tok.dep_ in INHERITS and tok.head.i != tok.i:
        head = tok.head
        if tok.dep_ == "acl" and head.tag_[:2] in {"NN", "PR"}:
            return None
        return _subject(head, depth + 1)
    return None


def _agent(tok: Token) -> Token | None:
    for c in tok.children:
        if c.dep_ == "agent":
            return next((g for g in c.children if g.dep_ == "pobj"), None)
    return None


def _antecedent(src: Token) -> Token:
    """'the official, who said': the relative pronoun stands for the noun its clause hangs on."""
    if src.lower_ in RELATIVE and src.tag_ in {"WP", "WDT"}:
        clause = src.head
        if clause.dep_ == "relcl":
            return _predicated(clause.head)
        # the parse missed the relative clause ("heard from Sen. Morrow of Ohio, who has said"):
        # the noun just before the comma, or the noun its prepositional phrase modifies
        prev = src.doc[src.i - 2] if src.i >= 2 and src.doc[src.i - 1].text == "," else None
        while prev is not None and prev.dep_ == "pobj" and prev.head.head.tag_.startswith("NN"):
            prev = prev.head.head
        if prev is not None and prev.tag_.startswith("NN"):
            return prev
    return src


def _predicated(noun: Token) -> Token:
    """'Trump is a liar, xenophobe and birther who has pledged': a noun said of a subject (or one
    of a list of them) stands for that subject."""
    head = noun
    while head.dep_ == "conj" and head.head.i != head.i:
        head = head.head
    if head.dep_ == "attr" and head.head.lower_ in BE:
        subj = next((c for c in head.head.children if c.dep_ == "nsubj"), None)
        if subj is None:
            subj = _subject(head.head)
        if subj is not None and subj.tag_ in {"NNP", "NNPS"}:
            return subj
    return noun


def _content_of(tok: Token, lemma: str) -> tuple[int, int] | None:
    kids = list(tok.children)
    clause = next((c for c in kids if c.dep_ in CLAUSES and c.dep_ != "csubj"), None)
    if lemma in _NEEDS_THAT:
        # "agreed that ...", not "agreed to pay" (cue_rules.yaml: needs_that)
        return _span(clause) if clause is not None and clause.dep_ == "ccomp" else None
    if clause is not None:
        lo, hi = _span(clause)
        if clause.dep_ == "xcomp" and clause.i > tok.i:
            # "urged Congress to act": the addressee goes with the content
            obj = next((c for c in kids if c.dep_ == "dobj" and c.i < clause.i), None)
            if obj is not None:
                lo = min(lo, obj.left_edge.i)
        return lo, hi
    wh = next((c for c in kids if c.dep_ == "prep" and c.lower_ in {"whether", "if"}), None)
    if wh is not None:
        return _span(wh)
    if lemma in _CLAUSE_ONLY:
        return None
    obj = next((c for c in kids if c.dep_ in {"dobj", "oprd"} and c.i > tok.i), None)
    if obj is None:
        return None
    if lemma in _STANCE and not any(
        t.lower_ in _REG.attitude_objects for t in tok.doc[obj.left_edge.i : obj.right_edge.i + 1]
    ):
        return None
    about = next(
        (
            c
            for c in kids
            if c.dep_ == "prep"
            and c.lower_ == "about"
            and "about" in _PREP_OF.get(lemma, ())
            and c.i == obj.right_edge.i + 1
            and obj.tag_ in {"NNP", "NNPS", "PRP", "NNS"}
        ),
        None,
    )
    pobj = next((g for g in about.children if g.dep_ == "pobj"), None) if about else None
    if pobj is not None:
        return noun_phrase(pobj)  # "asked Carson about his ties": Carson is who was asked
    lo, hi = _span(obj)
    for c in kids:
        # "praised Clinton for her ...", "described it as ..."
        if c.dep_ in {"prep", "oprd"} and c.i > hi and c.lower_ in {"for", "as", "of"}:
            hi = max(hi, c.right_edge.i)
    return lo, hi


def _parataxis_content(tok: Token) -> tuple[int, int] | None:
    """'The economy is strong, he said.': the clause the cue interrupts or closes is the content."""
    if tok.dep_ != "parataxis":
        return None
    head = tok.head
    lo, hi = _span(head)
    own_lo, own_hi = _span(tok)
    if own_lo > head.i:
        hi = own_lo - 1
    elif own_hi < head.i:
        lo = own_hi + 1
    return lo, hi


# the prepositions whose object is a verb's content after the person it addresses
_ADDRESSED_PREPS = {"about", "for", "against"}


def _prep_object(tok: Token, lemma: str) -> tuple[Token, tuple[int, int]] | None:
    """'talked about the wall', 'called for a ban', 'railed against the deal': the preposition
    the verb takes (``parse_cues.yaml``: prepositional) and its object, without the object's
    relative clause or appositive. The preposition follows the verb, one adverb or particle
    after it, or for "about", "for" and "against" the person addressed ("asked Carson about his
    ties", "warned voters against it")."""
    preps = _PREP_OF.get(lemma)
    if not preps:
        return None
    addressee = next((c for c in tok.children if c.dep_ == "dobj" and c.i > tok.i), None)
    for c in tok.children:
        between = tok.doc[tok.i + 1 : c.i]
        if (
            addressee is not None
            and c.lower_ in _ADDRESSED_PREPS
            and addressee.right_edge.i == c.i - 1
            and addressee.tag_ in {"NNP", "NNPS", "PRP", "NNS"}
        ):
            between = between[:0]
        if len(between) > 1 or any(t.tag_ not in {"RB", "RP"} for t in between):
            continue  # "spoke out about", not "talked with police leaders about"
        if c.dep_ == "prep" and c.lower_ in preps:
            obj = next((g for g in c.children if g.dep_ in {"pobj", "pcomp"}), None)
            if obj is not None:
                return c, noun_phrase(obj) if obj.dep_ == "pobj" else _span(obj)
    return None


def _verb(tok: Token, lemma: str) -> _Pred | None:
    if any(c.dep_ == "prt" and c.lower_ in _PHRASAL.get(lemma, ()) for c in tok.children):
        return None  # "backed down", "called off": another verb
    passive = (
        any(c.dep_ == "nsubjpass" for c in tok.children)
        or tok.tag_ == "VBN"
        and any(c.dep_ == "auxpass" for c in tok.children)
    )
    content = (
        _content_of(tok, lemma) if lemma in _VERBS or lemma in _P.sourceless else None
    ) or _parataxis_content(tok)
    cue = (tok.i, tok.i)
    if content is None and not passive:
        found = _prep_object(tok, lemma)
        if found is not None:
            # the verb and its preposition, or the verb alone when its addressee comes between
            cue = (tok.i, found[0].i) if found[0].i <= tok.i + 2 else (tok.i, tok.i)
            content = found[1]
    if passive:
        subj = next((c for c in tok.children if c.dep_ == "nsubjpass"), None)
        agent = _agent(tok)
        if subj is None:
            return None
        body = _span(subj)
        if content is not None:
            body = min(body[0], content[0]), max(body[1], content[1])
        if agent is not None:
            # "was denounced by X", "is portrayed as X by Y"
            return _Pred(
                (tok.i, tok.i), noun_phrase(_antecedent(agent)), _without(body, _span(agent.head))
            )
        if lemma in _P.sourceless_passive and content is not None or lemma in _PASSIVE_ANY:
            return _Pred((tok.i, tok.i), None, body)
        return None
    if content is None:
        return None
    if _bare_participle(tok):
        # "Asked about the emails, Clinton said ...": who asked is not said; Clinton was asked
        return _Pred(cue, None, content)
    if lemma in _P.sourceless:
        subj = next((c for c in tok.children if c.dep_ in {"nsubj", "expl"}), None)
        inner = next((c for c in tok.children if c.dep_ == "xcomp" and c.i > tok.i), None)
        said = _content_of(inner, _lemma(inner)) if inner is not None else None
        if (
            said is not None
            and subj is not None
            and subj.dep_ == "nsubj"
            and subj.lower_ not in {"it", "this", "that", "there"}
            and _lemma(inner) in _VERBS
        ):
            # "Stumpf appeared to blame the workers": the subject's words, seen as they seemed
            return _Pred((tok.i, inner.i), noun_phrase(_antecedent(subj)), said)
        if subj is not None and subj.dep_ == "nsubj":
            content = min(content[0], subj.left_edge.i), content[1]
        return _Pred((tok.i, tok.i), None, content)
    subj = _subject(tok)
    if subj is None or subj.dep_ == "csubj" or subj.lower_ in {"there"}:
        return None
    if any(c.tag_ == "WP$" for c in subj.children):
        return None  # "McConnell, whose state relies on coal": the state is no speaker
    return _Pred(cue, noun_phrase(_antecedent(subj)), content)


def _bare_participle(tok: Token) -> bool:
    """A past participle with no auxiliary and no subject of its own that opens an adverbial
    clause ("Asked about it, ...", "Pressed on the issue, ..."): a passive whose subject is the
    one asked, not the asker."""
    return (
        tok.tag_ == "VBN"
        and tok.dep_ == "advcl"
        and tok.i < tok.head.i
        and not any(c.dep_ in {"aux", "auxpass", "nsubj", "nsubjpass"} for c in tok.children)
    )


def _without(body: tuple[int, int], cut: tuple[int, int]) -> tuple[int, int]:
    lo, hi = body
    if cut[0] > lo and cut[1] >= hi:
        hi = cut[0] - 1
    elif cut[0] <= lo and cut[1] < hi:
        lo = cut[1] + 1
    return lo, hi


def _adjective(tok: Token) -> _Pred | None:
    """'were worried that ...', 'is confident the bill will pass', 'critical of'."""
    if tok.dep_ not in {"acomp", "oprd"}:
        return None
    kids = list(tok.children)
    clause = next((c for c in kids if c.dep_ in {"ccomp", "xcomp"}), None)
    prep = next((c for c in kids if c.dep_ == "prep" and c.lower_ in {"of", "about", "with"}), None)
    target = clause or prep
    if target is None:
        return None
    subj = _subject(tok.head)
    if subj is None:
        return None
    return _Pred((tok.i, tok.i), noun_phrase(_antecedent(subj)), _span(target))


def _noun(tok: Token) -> _Pred | None:
    """'his claim that ...', 'the worry is that ...', 'fears of ...', 'a plan to ...'."""
    kids = list(tok.children)
    clause = next(
        (c for c in kids if c.dep_ in {"acl", "ccomp"} and c.tag_.startswith(("VB", "MD"))), None
    )
    if clause is not None and clause.dep_ == "acl":
        # "the claim that X" is a complement; "the claims made by X" is not
        if not any(
            c.dep_ in {"mark", "aux"} and c.lower_ in {"that", "to"} for c in clause.children
        ):
            clause = None
    content = _span(clause) if clause is not None else None
    if content is None and tok.dep_ in {"nsubj", "nsubjpass"} and tok.head.lower_ in BE:
        # "the worry is that ..."
        comp = next((c for c in tok.head.children if c.dep_ == "ccomp"), None)
        if comp is not None and comp.i > tok.i:
            content = _span(comp)
    if content is None:
        return None
    holder = next((c for c in kids if c.dep_ == "poss"), None)
    if holder is None:
        by = next((c for c in kids if c.dep_ == "prep" and c.lower_ in {"by", "from", "of"}), None)
        obj = next((g for g in by.children if g.dep_ == "pobj"), None) if by is not None else None
        if obj is not None and obj.tag_ in {"NNP", "NNPS", "PRP"} and obj.i < content[0]:
            holder = obj
    source = noun_phrase(holder) if holder is not None else None
    return _Pred((tok.i, tok.i), source, content)


def find_predicates(doc: Doc) -> list[_Pred]:
    out: list[_Pred] = []
    for tok in doc:
        tag = tok.tag_
        if not tag.startswith(("VB", "JJ", "NN")) or tag.startswith("NNP"):
            continue
        lemma = _lemma(tok)
        pred = None
        if tag.startswith("VB") and lemma in PREDICATES:
            pred = _verb(tok, lemma)
        elif tag.startswith("JJ") or tag == "VBN" and tok.lower_ in _P.adjectives:
            pred = _adjective(tok) if tok.lower_ in _P.adjectives else None
        elif tag.startswith("NN") and lemma in _P.nouns:
            pred = _noun(tok)
        if pred is not None and pred.content[1] >= pred.content[0]:
            out.append(pred)
    # the outermost only: a predicate whose cue lies in another's content is nested
    return [
        p
        for p in out
        if not any(q is not p and q.content[0] <= p.cue[0] <= q.content[1] for q in out)
    ]
