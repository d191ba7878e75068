"""The pydantic models every stage speaks.

Stages are plain functions from one of these models to another, so the shapes here are the
contract between ingest, analyze, render and the CLI, and (through ``extract --format json``)
with users and CI suites. Field names follow the GUIDE's public JSON; new fields may be added,
existing ones are never renamed.

Offsets are Python ``str`` indices into ``Article.text``, the text exactly as decoded.
"""

from __future__ import annotations

import functools
from typing import Any, ClassVar, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    field_validator,
    model_serializer,
)

SourceType = Literal[
    "state_media",
    "public_broadcaster",
    "wire",
    "outlet",
    "government",
    "anonymous",
    "expert",
    "other",
]
AttributionKind = Literal["direct", "indirect", "mixed"]
CaveatKind = Literal[
    "hedge", "state_media", "single_source", "unverified", "disputed", "characterization"
]
InputFormat = Literal["txt", "md", "html", "json", "pdf", "docx", "eml"]
# a story since the last brief of the same configuration (``build --since-last``)
Change = Literal["new", "updated", "unchanged"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")

    def __setstate__(self, state: dict[Any, Any]) -> None:
        """Unpickled (analyses come back from the worker processes that made them), a model
        shares one set of its class's field names as the fields it was given, instead of a set
        of its own: pydantic keeps that set per instance (216 to 728 bytes), and a brief of
        1,000 articles holds 135,000 models, whose sets were half the memory of the analyses
        (162 MiB against 87 shared). Nothing here asks which fields were given (no
        ``exclude_unset``), and a set that holds every field name is the same after pydantic
        adds a name to it on assignment, so the sharing changes no dump and no copy."""
        super().__setstate__(state)
        object.__setattr__(self, "__pydantic_fields_set__", _every_field(type(self)))


@functools.cache
def _every_field(cls: type[BaseModel]) -> set[str]:
    """The one set of ``cls``'s field names that its unpickled models share."""
    return set(cls.model_fields)


class _Sparse(_Model):
    """A model whose ``_sparse`` fields are left out of its JSON while empty (None or an empty
    list): an optional feature that was not used ("parts" of content in one piece, "copies" of
    an article no other outlet ran, the daily run's "change") leaves the JSON as it was."""

    _sparse: ClassVar[tuple[str, ...]] = ()

    @model_serializer(mode="wrap")
    def _drop_empty(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        out = handler(self)
        for name in self._sparse:
            value = getattr(self, name)
            if value is None or (isinstance(value, list) and not value):
                out.pop(name, None)
        return out


class Span(_Model):
    """A stretch of article text: ``text == article.text[start:end]`` always holds."""

    text: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)


# what joins the pieces of an interrupted quotation when they are shown as one ("A … B")
PIECE_JOINER = " … "


class Content(Span, _Sparse):
    """What was said or held. An interrupted quotation ('"A," X said, "B."') is one content
    whose ``start``/``end`` cover all its pieces, so ``text`` includes the interruption; its
    ``parts`` are the pieces, each a verbatim span, in text order. ``parts`` is empty (and left
    out of the JSON) for content in one piece.

    What the source said is :attr:`said`, never ``text``: ``text`` of an interrupted quotation
    holds the words of the interrupting attribution too.
    """

    _sparse = ("parts",)

    parts: list[Span] = Field(default_factory=list)

    @property
    def pieces(self) -> list[Span]:
        """The pieces in text order; a content in one piece is its own only piece."""
        return list(self.parts) or [Span(text=self.text, start=self.start, end=self.end)]

    @property
    def said(self) -> str:
        """The words said: the pieces joined with an ellipsis, without the interruption."""
        return PIECE_JOINER.join(p.text for p in self.pieces)

    def holds(self, start: int, end: int) -> bool:
        """[start, end) lies inside one of the pieces (a span may end right after one)."""
        return any(p.start <= start and end <= p.end for p in self.pieces)

    def within(self, start: int, end: int) -> Content | None:
        """The pieces that overlap [start, end) (one sentence, say), as a content of their
        own, or None when none does."""
        inside = [p for p in self.pieces if p.start < end and p.end > start]
        if not inside:
            return None
        if len(inside) == len(self.pieces):
            return self
        first, last = inside[0], inside[-1]
        return Content(
            text=self.text[first.start - self.start : last.end - self.start],
            start=first.start,
            end=last.end,
            parts=inside if len(inside) > 1 else [],
        )


class Source(Span):
    """Who holds the content: the span as written, the name it resolves to, and its kind."""

    canonical: str | None = None
    type: SourceType = "other"


class Via(_Model):
    """One intermediary in a reporting chain ("KCNA said Putin expressed ...": KCNA).

    Offsets are present when the intermediary is named in the text and absent when it is
    inferred (a pronoun resolved to an earlier sentence keeps the earlier mention's offsets).
    """

    text: str
    canonical: str | None = None
    type: SourceType = "other"
    start: int | None = None
    end: int | None = None


class Sentence(_Model):
    id: str
    start: int
    end: int
    text: str
    paragraph: int = 0
    # Outlet furniture, bylines and photo credits ("Sign up for ...", "FILE - ..."): decided once
    # by the engine, so that no later stage judges it again. Not part of the public JSON.
    boilerplate: bool = Field(default=False, exclude=True)


class Quote(_Model):
    """A quoted stretch: ``start``/``end`` include the marks, ``inner_*`` exclude them."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    start: int
    end: int
    inner_start: int
    inner_end: int
    closed: bool

    def covers(self, start: int, end: int) -> bool:
        return self.start <= start and end <= self.end


class Attribution(_Sparse):
    """Who said (or holds) what, through whom: the PARC source / cue / content triple."""

    _sparse = ("alternative",)

    id: str
    source: Source | None
    cue: Span | None
    content: Content
    kind: AttributionKind
    via: list[Via] = Field(default_factory=list)
    sentence_ids: list[str]
    # With a model configured: the model's reading of the same words with another speaker or
    # chain, kept where the engine is not sure of its own (``analyze.certainty``), so that the
    # brief names both and says the speaker is uncertain rather than print one name that
    # may be wrong. None (and left out of the JSON) everywhere else.
    alternative: Attribution | None = None

    @field_validator("content", mode="before")
    @classmethod
    def _content_from_span(cls, value: Any) -> Any:
        """A plain span is content in one piece."""
        if isinstance(value, Span) and not isinstance(value, Content):
            return Content(text=value.text, start=value.start, end=value.end)
        return value


class Event(_Model):
    """Something that happened, as the article tells it.

    ``attribution_id`` is set when the article has the event only from a source, so a brief
    never states it as established fact.
    """

    id: str
    text: str
    who: list[str] = Field(default_factory=list)
    when: str | None = None
    sentence_ids: list[str]
    attribution_id: str | None = None


class Caveat(_Model):
    """A reason to trust a claim less: a hedge, state-media sourcing, a loaded term ..."""

    id: str
    kind: CaveatKind
    text: str
    applies_to: list[str] = Field(default_factory=list)
    sentence_ids: list[str] = Field(default_factory=list)
    note: str | None = None


class ArticleCopy(_Model):
    """Another outlet's copy of an article (a wire story it ran too): where it was read."""

    path: str
    url: str | None = None
    outlet: str | None = None
    published: str | None = None
    title: str | None = None


class ArticleMeta(_Sparse):
    """What a reader needs to find and credit the article.

    ``text`` is filled only where the offsets do not index the file itself (HTML and JSON
    input), so a consumer always has the string the offsets refer to. ``copies`` are the
    other outlets that carried the same text (``ingest.wire``): one article, not several
    corroborating ones; left out of the JSON when there are none.
    """

    _sparse = ("copies",)

    id: str
    path: str
    title: str | None = None
    outlet: str | None = None
    published: str | None = None
    author: str | None = None
    url: str | None = None
    format: InputFormat = "txt"
    text: str | None = None
    copies: list[ArticleCopy] = Field(default_factory=list)

    @property
    def outlets(self) -> list[str]:
        """Every outlet that carried the article: its own, then its copies'."""
        names = [self.outlet, *(c.outlet for c in self.copies)]
        return list(dict.fromkeys(n for n in names if n))


class Article(_Model):
    """An ingested article: metadata plus the exact text all offsets refer to."""

    meta: ArticleMeta
    text: str


class Analysis(_Model):
    """The output of ``briefing extract`` for one article."""

    article: ArticleMeta
    sentences: list[Sentence]
    attributions: list[Attribution] = Field(default_factory=list)
    events: list[Event] = Field(default_factory=list)
    caveats: list[Caveat] = Field(default_factory=list)
    # What the engine learnt on the way and later stages reuse instead of recomputing; not part
    # of the public JSON. ``names`` is the engine's name book (``analyze.sources.NameBook``:
    # surnames to full names, the article's own outlet, state outlets by country); it is None on
    # an analysis read back from JSON, and ``analyze.sources.names_of`` rebuilds it then.
    quotes: list[Quote] = Field(default_factory=list, exclude=True)
    names: Any = Field(default=None, exclude=True, repr=False)

    def sentence(self, sid: str) -> Sentence | None:
        return next((s for s in self.sentences if s.id == sid), None)


class Ref(_Model):
    """A pointer from a line of the brief back to the sentence(s) it came from."""

    article_id: str
    sentence_ids: list[str]
    label: str


class BriefItem(_Model):
    text: str  # the line: what its article says, checked against it before it is shown
    refs: list[Ref] = Field(default_factory=list)
    rank: float = 0.0
    # the brief's own words about the line ("in 3 articles"): never a claim about the article
    note: str | None = None
    story: str | None = None  # the id of the development the line belongs to, if any
    # a caveat shown beside the line it qualifies ("Hedged: the article's words ...")
    caveat: str | None = None


class SaidItem(_Model):
    speaker: str
    speaker_type: SourceType = "other"
    claim: str
    cue: str | None = None  # the reporting words the claim opens with, when not a plain "said"
    reported_by: list[str] = Field(default_factory=list)
    kind: AttributionKind
    refs: list[Ref] = Field(default_factory=list)
    rank: float = 0.0
    note: str | None = None  # what a repetition is worth ("3 articles, all citing KCNA")
    story: str | None = None  # the id of the development the row belongs to, if any
    caveat: str | None = None  # a caveat shown beside the row it qualifies
    # with a model configured, who found the attribution: the engine, the model, or both
    found_by: Literal["engine", "model", "both"] | None = None


class CaveatItem(_Model):
    kind: CaveatKind
    text: str  # the claim the caveat qualifies, as its article has it (checked like every line)
    refs: list[Ref] = Field(default_factory=list)
    rank: float = 0.0
    note: str | None = None  # what the caveat says about that claim ("rests on one source")
    story: str | None = None  # the id of the development the caveat belongs to, if any


class Development(_Sparse):
    """One story: a headline naming who did what, and what it rests on.

    Its lines are the brief's items whose ``story`` is this ``id`` (events, who said what,
    caveats), so fitting a page drops lines, never a story's bookkeeping. The headline is built
    from the engine's analysis of the story's lead line, every word of it from the article, and
    checked against that article like every line; None where no wording passed.
    """

    _sparse = ("change",)

    id: str
    headline: str | None = None
    refs: list[Ref] = Field(default_factory=list)  # the sentence the headline is drawn from
    article_ids: list[str] = Field(default_factory=list)
    outlets: list[str] = Field(default_factory=list)
    dates: list[str] = Field(default_factory=list)  # publication days (YYYY-MM-DD), in order
    article_count: int = 0  # how many articles carry the story
    rank: float = 0.0
    # the headlines to try, strongest first, before the gate keeps one; not part of the JSON
    candidates: list[BriefItem] = Field(default_factory=list, exclude=True)
    # new, updated or unchanged since the last brief (``--since-last``); None, and left out of
    # the JSON, when that was not asked
    change: Change | None = None


class SourceEntry(_Sparse):
    _sparse = ("copies",)
    article_id: str
    title: str | None
    path: str
    outlet: str | None = None
    published: str | None = None
    author: str | None = None
    # the other outlets' copies of the same text (``ingest.wire``); left out of the JSON if none
    copies: list[ArticleCopy] = Field(default_factory=list)


class Skipped(_Model):
    path: str
    reason: str


class Brief(_Sparse):
    """The one-page brief, before it is rendered into any format."""

    _sparse = ("unchanged",)

    title: str
    date: str
    made_by: str
    article_count: int
    bottom_line: list[BriefItem] = Field(default_factory=list)
    developments: list[BriefItem] = Field(default_factory=list)
    who_said_what: list[SaidItem] = Field(default_factory=list)
    caveats: list[CaveatItem] = Field(default_factory=list)
    sources: list[SourceEntry] = Field(default_factory=list)
    skipped: list[Skipped] = Field(default_factory=list)
    # the stories, most important first; the lines of each are the items whose ``story`` names it
    stories: list[Development] = Field(default_factory=list)
    undated: int = 0  # articles with no publication date
    # the span of the articles' publication days (YYYY-MM-DD); None where no article is dated
    first_date: str | None = None
    last_date: str | None = None
    pages: int | None = None  # the number of pages the brief was cut to fit; None: not cut
    omitted: int = 0
    sources_omitted: int = 0  # articles read but not cited by any line that fits the page
    withheld: int = 0  # LLM items that verify rejected: never shown, only counted
    # every line is judged as ``briefing check`` judges it, against its own article, before it
    # is shown: how many were judged, reworded (attribution or hedge restored) and left out
    lines_checked: int = 0
    lines_reworded: int = 0
    lines_left_out: int = 0
    fell_back: list[str] = Field(default_factory=list)  # articles the LLM failed on, done offline
    usage: Usage | None = None
    notes: list[str] = Field(default_factory=list)  # how the brief was made, for the header
    # ``--since-last``: the developments unchanged since the last brief, folded into one line
    # (each its headline and reference; their own lines are not on the page); left out of the
    # JSON when empty
    unchanged: list[BriefItem] = Field(default_factory=list)
    analyses: list[Analysis] = Field(default_factory=list, exclude=True)


# --- the contract with the LLM ---------------------------------------------------------------
# Every item cites the sentence ids it rests on, so ``verify`` can check it against the text
# and the deterministic engine before anything reaches the brief.


# (No docstrings on these models: they would travel to the model as schema descriptions and
# cost tokens on every call; the system prompt says what each field means.)
class _LLMModel(_Model):
    # "ids" on the wire: the short name is repeated in every item of every answer
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class LLMLine(_LLMModel):
    text: str
    sentence_ids: list[str] = Field(alias="ids")


class LLMEvent(_LLMModel):
    text: str
    sentence_ids: list[str] = Field(alias="ids")


class LLMAttribution(_LLMModel):
    speaker: str
    via: list[str]
    claim: str
    quote: str | None
    kind: AttributionKind
    sentence_ids: list[str] = Field(alias="ids")
    # the PARC triple copied verbatim from one cited sentence, for verify to locate as spans
    source: str | None = None
    cue: str | None = None
    content: str | None = None


class LLMCaveat(_LLMModel):
    kind: CaveatKind
    text: str
    sentence_ids: list[str] = Field(alias="ids")


class LLMExtraction(_LLMModel):
    bottom_line: list[LLMLine]
    events: list[LLMEvent]
    attributions: list[LLMAttribution]
    caveats: list[LLMCaveat]


class Usage(_Model):
    """Calls, tokens and cost of the LLM stage, per run. ``calls`` counts every call made,
    the failed ones too (``failed`` of them), since they cost tokens and time all the same."""

    calls: int = 0
    cached: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    failed: int = 0
    seconds: float = 0.0

    def add(self, other: Usage) -> Usage:
        return Usage(
            calls=self.calls + other.calls,
            cached=self.cached + other.cached,
            input_tokens=self.input_tokens + other.input_tokens,
            output_tokens=self.output_tokens + other.output_tokens,
            cost_usd=self.cost_usd + other.cost_usd,
            failed=self.failed + other.failed,
            seconds=self.seconds + other.seconds,
        )


Brief.model_rebuild()
