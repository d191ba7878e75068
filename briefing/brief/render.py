"""Render a :class:`~briefing.models.Brief` as HTML, Markdown, plain text, PDF or email.

The templates live in ``templates/`` (see :func:`briefing.resources.templates_dir`). HTML is
autoescaped; Markdown and text go through filters that flatten line breaks and strip control
characters, and Markdown also backslash-escapes the characters that start markup, so article
text is always text, never structure.

The page is set in the font shipped in ``templates/fonts/`` (Source Sans Pro, see NOTICE.md),
never in whatever the machine has: the PDF loads it from the package, the HTML file carries it
inline, so what fits on a page is the same everywhere.

The PDF is laid out by WeasyPrint with a URL fetcher that refuses everything except ``data:``
URLs and files inside the templates folder: nothing in a brief can make the program fetch a
remote resource. Fitting the brief to its pages (:mod:`briefing.brief.fit`) lays it out here,
with :func:`page_count`.

The email (``.eml``) is :mod:`briefing.brief.mail`'s.
"""

from __future__ import annotations

import base64
import collections
import functools
import io
import re
import textwrap
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Literal
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

import jinja2

from briefing.brief.sections import CAVEAT_LABELS
from briefing.errors import UsageError
from briefing.models import Brief, CaveatItem, Ref
from briefing.resources import templates_dir

Format = Literal["html", "md", "txt", "pdf", "json", "eml"]
FORMATS: tuple[str, ...] = ("html", "md", "txt", "pdf", "json", "eml")
SUFFIXES: dict[str, str] = {
    ".html": "html",
    ".htm": "html",
    ".md": "md",
    ".markdown": "md",
    ".txt": "txt",
    ".pdf": "pdf",
    ".json": "json",
    ".eml": "eml",
}
# The formats that are pages: cut to one page unless asked otherwise (``--pages``, ``--all``).
# Markdown, text and JSON keep every item unless a number of pages is asked for.
PAGED_FORMATS: frozenset[str] = frozenset({"html", "pdf", "eml"})

# The page's font, shipped in templates/fonts/ (Source Sans Pro, SIL OFL 1.1; see NOTICE.md),
# under a family name of its own so that no installed font of the same name can stand in for it.
FONT_FAMILY = "Briefing Sans"
FONT_FILES: tuple[tuple[str, str], ...] = (
    ("SourceSansPro-Regular.ttf", "normal"),
    ("SourceSansPro-Bold.ttf", "bold"),
)
PAPERS: dict[str, str] = {"a4": "A4", "letter": "letter"}
TEXT_WIDTH = 78

SOURCE_TYPE_LABELS: dict[str, str] = {
    "state_media": "state media",
    "public_broadcaster": "public broadcaster",
    "wire": "wire",
    "outlet": "outlet",
    "government": "government",
    "anonymous": "anonymous",
    "expert": "expert",
    "other": "other",
}

# ---------------------------------------------------------------------------------------------
# Filters: text cleaning and escaping


# C0/C1 controls (a tab or newline becomes a space first) and the bidi overrides that can make
# a line display differently from what it says.
_CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# Any whitespace but the no-break space, which ``ref_text`` uses to keep a label on one line.
_SPACE_RE = re.compile(r"[^\S\xa0]+")
_NBSP = "\xa0"


def clean(value: Any) -> str:
    """One line of plain text: whitespace runs become one space, control characters go."""
    if value is None:
        return ""
    text = _SPACE_RE.sub(" ", str(value))
    return _CONTROL_RE.sub("", text).strip()


_MD_INLINE_RE = re.compile(r"([\\`*_<>\[\]])")
# What at the start of a line would open a block: heading, list item, ordered list, quote,
# fence, table row, setext underline or thematic break.
_MD_BLOCK_START_RE = re.compile(r"^(?:#{1,6}(?:\s|$)|[-+*](?:\s|$)|[=~|>]|[-_*=\s]+$)")
_MD_ORDERED_RE = re.compile(r"^(\d{1,9})([.)])(\s|$)")


def md(value: Any) -> str:
    """Markdown-safe inline text: one line, markup characters backslash-escaped."""
    return _MD_INLINE_RE.sub(r"\\\1", clean(value))


def _md_guard(line: str) -> str:
    """Escape what would open a Markdown block at the start of a wrapped line."""
    if _MD_ORDERED_RE.match(line):
        return _MD_ORDERED_RE.sub(r"\1\\\2\3", line, count=1)
    if _MD_BLOCK_START_RE.match(line):
        return "\\" + line
    return line


def wrap(value: Any, first: str = "", rest: str = "", width: int = TEXT_WIDTH) -> str:
    """Wrap cleaned text to ``width`` columns with a first-line and a continuation prefix."""
    text = clean(value)
    if not text:
        return first.rstrip()
    return textwrap.fill(
        text,
        width=width,
        initial_indent=first,
        subsequent_indent=rest,
        break_long_words=False,
        break_on_hyphens=False,
    ).replace(_NBSP, " ")


def mdwrap(value: Any, first: str = "", rest: str = "", width: int = TEXT_WIDTH) -> str:
    """Wrap already-escaped Markdown; no wrapped line may start a block by accident."""
    text = clean(value)
    lines = textwrap.wrap(
        text,
        width=max(20, width - max(len(first), len(rest))),
        break_long_words=False,
        break_on_hyphens=False,
    ) or [""]
    out = [(first if i == 0 else rest) + _md_guard(line) for i, line in enumerate(lines)]
    return "\n".join(line.rstrip().replace(_NBSP, " ") for line in out)


def ref_label(ref: Ref) -> str:
    """The label a reader sees, without brackets: ``kcna-putin-pyongyang s4``."""
    label = clean(ref.label).strip("[]").strip()
    if label:
        return label
    return clean(f"{ref.article_id} {','.join(ref.sentence_ids)}")


def ref_text(refs: Iterable[Ref], markdown: bool = False) -> str:
    """`` [label] [label]`` (leading space) for text and Markdown output; empty if no refs.

    Spaces inside a label are no-break spaces, so :func:`wrap` never splits a label; the
    wrappers turn them back into plain spaces.
    """
    labels = [md(ref_label(r)) if markdown else ref_label(r) for r in refs]
    return "".join(f" [{label.replace(' ', _NBSP)}]" for label in labels)


def anchor_id(value: Any) -> str:
    """An HTML id fragment: no whitespace (ids may not contain it), otherwise unchanged."""
    return re.sub(r"\s", "_", clean(value))


def anchor(article_id: str, sid: str) -> str:
    """The appendix anchor of one sentence: ``ref-<article_id>-<sid>``."""
    return f"ref-{anchor_id(article_id)}-{anchor_id(sid)}"


def via(reported_by: Sequence[str], empty: str = "\u2014") -> str:
    """The reporting chain, nearest intermediary first: ``KCNA (state media) via Yonhap``.

    An empty chain (the article has the words first-hand) gives ``empty``.
    """
    parts = [clean(p) for p in reported_by if clean(p)]
    return " via ".join(parts) if parts else empty


def skipped_text(skipped: Iterable[Any]) -> str:
    """The inputs that could not be read, on one line: a reader should know what is missing."""
    return "; ".join(f"{clean(s.path)}: {clean(s.reason)}" for s in skipped)


_DAY_RE = re.compile(r"\d{4}-\d{2}-\d{2}")


def day_of(published: Any) -> str:
    """The day of a publication date: ``2024-06-14`` of ``2024-06-14T09:30:00+09:00``; a date
    in another form as it is written."""
    text = clean(published)
    match = _DAY_RE.match(text)
    return match.group(0) if match else text


def origin_label(outlet: Any, published: Any) -> str:
    """Where and when an article appeared, as a line shows it: ``Yonhap, 2024-06-14``; empty
    when neither is known."""
    return ", ".join(part for part in (clean(outlet), day_of(published)) if part)


def span_text(brief: Brief) -> str:
    """The span of days the brief's articles cover, for the masthead."""
    first, last = brief.first_date, brief.last_date
    if not first or not last:
        return "Article dates not known"
    return f"Covers {first}" if first == last else f"Covers {first} to {last}"


def undated_text(brief: Brief) -> str:
    """How many articles have no date, for the masthead beside the span; empty when all do
    or none does (the span says so)."""
    if not brief.undated or brief.undated >= brief.article_count:
        return ""
    return f"{brief.undated} of {brief.article_count} articles undated"


def pages_text(pages: int | None) -> str:
    """What the brief was cut to fit, in words: ``one page``, ``3 pages``."""
    if pages is None:
        return "the page"
    return "one page" if pages == 1 else f"{pages} pages"


# ---------------------------------------------------------------------------------------------
# The shipped font


def fonts_dir() -> Path:
    """The folder of the page's font files and their licence."""
    return templates_dir() / "fonts"


@functools.cache
def _woff_base64(path: Path) -> str:
    """A TrueType font as WOFF (the same font data, zlib-compressed), base64, for a data URL."""
    from fontTools.ttLib import TTFont

    font = TTFont(str(path))
    font.flavor = "woff"
    out = io.BytesIO()
    font.save(out)
    return base64.b64encode(out.getvalue()).decode("ascii")


@functools.lru_cache(maxsize=2)
def font_css(embed: bool) -> str:
    """The ``@font-face`` rules of the shipped font. ``embed`` puts the font inside the page
    (``data:`` URLs: an HTML file that a browser prints with the font it was fitted with);
    otherwise they name the files in the package, which the PDF's fetcher allows."""
    rules = []
    for name, weight in FONT_FILES:
        path = (fonts_dir() / name).resolve()
        if embed:
            src = f'url("data:font/woff;base64,{_woff_base64(path)}") format("woff")'
        else:
            src = f'url("{path.as_uri()}") format("truetype")'
        rules.append(
            f'@font-face {{ font-family: "{FONT_FAMILY}"; font-style: normal; '
            f"font-weight: {weight}; src: {src}; }}"
        )
    return "\n".join(rules)


# ---------------------------------------------------------------------------------------------
# Environment and context


def environment() -> jinja2.Environment:
    """The Jinja environment for the brief templates (HTML autoescaped, md/txt not)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        autoescape=jinja2.select_autoescape(["html", "htm", "xml"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        clean=clean,
        md=md,
        wrap=wrap,
        mdwrap=mdwrap,
        reflabel=ref_label,
        reftext=ref_text,
        anchor=anchor,
        anchor_id=anchor_id,
        via=via,
        skipped_text=skipped_text,
        type_label=lambda t: SOURCE_TYPE_LABELS.get(str(t), clean(t)),
        caveat_label=lambda k: CAVEAT_LABELS.get(str(k), clean(k)),
    )
    return env


@functools.lru_cache(maxsize=1)
def _env() -> jinja2.Environment:
    """One environment per process: loading the templates again for every page is slow."""
    return environment()


def paper_name(paper: str) -> str:
    """The page size as CSS names it ("A4", "letter"); :class:`UsageError` if unknown."""
    try:
        return PAPERS[str(paper).strip().lower()]
    except KeyError:
        raise UsageError(f"unknown paper size {paper!r}; use A4 or Letter") from None


def _caveat_groups(caveats: Sequence[CaveatItem]) -> list[dict[str, Any]]:
    """The caveats by kind, in ``CAVEAT_LABELS`` order, as the templates list them."""
    groups = []
    for kind, label in CAVEAT_LABELS.items():
        items = [c for c in caveats if c.kind == kind]
        if items:
            groups.append({"kind": kind, "label": label, "entries": items})
    return groups


def _all_refs(brief: Brief) -> list[Ref]:
    """Every reference the page carries: the appendix shows exactly these sentences."""
    refs: list[Ref] = []
    for item in (*brief.bottom_line, *brief.developments, *brief.who_said_what, *brief.caveats):
        refs.extend(item.refs)
    return refs


def _appendix_articles(brief: Brief) -> list[dict[str, Any]]:
    """Per article, the referenced sentences in document order, for the HTML appendix."""
    wanted: dict[str, list[str]] = {}
    for ref in _all_refs(brief):
        sids = wanted.setdefault(ref.article_id, [])
        for sid in ref.sentence_ids:
            if sid not in sids:
                sids.append(sid)
    analyses = {a.article.id: a for a in getattr(brief, "analyses", None) or []}
    titles = {s.article_id: s.title for s in brief.sources}
    order = [s.article_id for s in brief.sources if s.article_id in wanted]
    order += [aid for aid in wanted if aid not in order]
    articles = []
    for aid in order:
        analysis = analyses.get(aid)
        if analysis is not None:
            known = {s.id: s for s in analysis.sentences}
            sentences = [
                {"id": s.id, "text": s.text} for s in analysis.sentences if s.id in wanted[aid]
            ]
            sentences += [
                {"id": sid, "text": "(sentence not found in the analysis)"}
                for sid in wanted[aid]
                if sid not in known
            ]
            title = titles.get(aid) or analysis.article.title
        else:
            sentences = [
                {"id": sid, "text": "(sentence text not available)"} for sid in wanted[aid]
            ]
            title = titles.get(aid)
        articles.append({"id": aid, "title": title, "sentences": sentences})
    return articles


def _origins(brief: Brief) -> dict[str, str]:
    """Each article's outlet and day (``origin_label``), by article id."""
    origins = {s.article_id: origin_label(s.outlet, s.published) for s in brief.sources}
    for analysis in getattr(brief, "analyses", None) or []:
        art = analysis.article
        origins.setdefault(art.id, origin_label(art.outlet, art.published))
    return origins


def _origin_functions(brief: Brief) -> dict[str, Any]:
    """The template functions that say, beside a line, the outlets and days of the articles it
    comes from: ``origin(refs)`` (``Yonhap, 2024-06-14; Kyodo, 2024-06-13``) and
    ``origin_note(refs, markdown)`` (the same in parentheses after a space, or empty)."""
    origins = _origins(brief)

    def origin(refs: Iterable[Ref]) -> str:
        labels: list[str] = []
        for ref in refs:
            label = origins.get(ref.article_id, "")
            if label and label not in labels:
                labels.append(label)
        return "; ".join(labels)

    def origin_note(refs: Iterable[Ref], markdown: bool = False) -> str:
        text = origin(refs)
        if not text:
            return ""
        return f" ({md(text) if markdown else text})"

    return {"origin": origin, "origin_note": origin_note}


def _context(
    brief: Brief, *, paper: str = "A4", appendix: bool = False, embed_fonts: bool = False
) -> dict[str, Any]:
    """What every template is given."""
    from briefing.brief import sections

    return {
        "brief": brief,
        "stories": sections.stories(brief),
        "loose": sections.loose(brief),
        "bottom_line": sections.bottom_line(brief),
        "paper": paper_name(paper),
        "appendix": appendix,
        "caveat_groups": _caveat_groups(sections.loose(brief)["caveats"]),
        "appendix_articles": _appendix_articles(brief) if appendix else [],
        "span": span_text(brief),
        "undated": undated_text(brief),
        "fitted_to": pages_text(brief.pages),
        "font_family": FONT_FAMILY,
        "font_css": font_css(embed_fonts),
        **_origin_functions(brief),
    }


def _finish(text: str) -> str:
    """One trailing newline, whatever the template left."""
    return text.rstrip() + "\n"


# ---------------------------------------------------------------------------------------------
# Renderers


def render_html(
    brief: Brief, *, paper: str = "A4", appendix: bool = True, embed_fonts: bool = True
) -> str:
    """The brief as one self-contained HTML file (inline CSS and font, no scripts, no remote
    anything).

    With ``appendix`` the referenced sentences follow the page, and every reference label
    links to its sentence (``#ref-<article_id>-<sid>``). ``embed_fonts=False`` names the
    package's font files instead of carrying them, for the PDF layout.
    """
    template = _env().get_template("brief.html")
    context = _context(brief, paper=paper, appendix=appendix, embed_fonts=embed_fonts)
    return _finish(template.render(context))


def render_markdown(brief: Brief) -> str:
    """The brief as Markdown: article text escaped, so it can never become markup."""
    return _finish(_env().get_template("brief.md").render(_context(brief)))


def render_text(brief: Brief) -> str:
    """The brief as plain text wrapped to ``TEXT_WIDTH`` columns, for email."""
    return _finish(_env().get_template("brief.txt").render(_context(brief)))


def check_url(url: str) -> str:
    """Return ``url`` if the PDF renderer may load it; raise :class:`ValueError` otherwise.

    Allowed: ``data:`` URLs, and ``file:`` URLs of files inside the templates folder.
    """
    scheme = urlsplit(url).scheme.lower()
    if scheme == "data":
        return url
    if scheme == "file":
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            raise ValueError(f"refusing to fetch {url!r}: remote file URL")
        path = Path(url2pathname(unquote(parts.path))).resolve()
        root = templates_dir().resolve()
        if path == root or root in path.parents:
            return url
        raise ValueError(f"refusing to fetch {url!r}: outside the templates folder")
    raise ValueError(f"refusing to fetch {url!r}: only data: and template files are allowed")


@functools.lru_cache(maxsize=1)
def _fetcher() -> Any:
    """A WeasyPrint URL fetcher that passes every URL through :func:`check_url` first."""
    import weasyprint

    if hasattr(weasyprint, "URLFetcher"):  # WeasyPrint >= 68: a class with .fetch()

        class LocalOnlyFetcher(weasyprint.URLFetcher):
            def fetch(self, url: str, headers: Any = None) -> Any:  # type: ignore[override]
                return super().fetch(check_url(url), headers)

        return LocalOnlyFetcher(allowed_protocols=("data", "file"), allow_redirects=False)

    def fetch(url: str, *args: Any, **kwargs: Any) -> Any:  # older WeasyPrint: a function
        return weasyprint.default_url_fetcher(check_url(url), *args, **kwargs)

    return fetch


def url_fetcher(url: str) -> Any:
    """Fetch ``url`` for WeasyPrint, refusing (:class:`ValueError`) anything not local."""
    return _fetcher()(url)


# The last few layouts made, by (html, paper). Fitting a page lays the brief out until it fits,
# and the PDF is then one of those layouts, so they are kept to be written instead of redone.
_LAYOUTS: collections.OrderedDict[tuple[str, str], Any] = collections.OrderedDict()
_LAYOUTS_KEPT = 4


def _document(brief: Brief, paper: str) -> Any:
    """The WeasyPrint layout of the page (no appendix), with the local-only fetcher."""
    import weasyprint

    html = render_html(brief, paper=paper, appendix=False, embed_fonts=False)
    doc = _LAYOUTS.get((html, paper))
    if doc is None:
        doc = weasyprint.HTML(
            string=html, base_url=str(templates_dir()), url_fetcher=_fetcher()
        ).render()
        _LAYOUTS[(html, paper)] = doc
        while len(_LAYOUTS) > _LAYOUTS_KEPT:
            _LAYOUTS.popitem(last=False)
    _LAYOUTS.move_to_end((html, paper))
    return doc


def render_pdf(brief: Brief, *, paper: str = "A4") -> bytes:
    """The brief as PDF (no appendix); :func:`briefing.brief.fit.fit_pages` first keeps it to
    its pages."""
    return _document(brief, paper).write_pdf()


def page_count(brief: Brief, *, paper: str = "A4") -> int:
    """How many pages the PDF layout of ``brief`` takes."""
    return len(_document(brief, paper).pages)


# ---------------------------------------------------------------------------------------------
# Dispatch


def render_json(brief: Brief) -> str:
    """The brief's data, for other tools: the same items, ranks and references as the page."""
    return brief.model_dump_json(indent=2) + "\n"


def render(
    brief: Brief,
    fmt: str,
    *,
    paper: str = "A4",
    sender: str | None = None,
    to: Sequence[str] = (),
) -> bytes | str:
    """Render in one of ``html``, ``md``, ``txt``, ``json`` (``str``), ``pdf`` or ``eml``
    (``bytes``); ``sender`` and ``to`` are the email's From and To."""
    fmt = str(fmt).lower().lstrip(".")
    if fmt in ("html", "htm"):
        return render_html(brief, paper=paper, appendix=True)
    if fmt in ("md", "markdown"):
        return render_markdown(brief)
    if fmt in ("txt", "text"):
        return render_text(brief)
    if fmt == "pdf":
        return render_pdf(brief, paper=paper)
    if fmt == "json":
        return render_json(brief)
    if fmt == "eml":
        from briefing.brief.mail import render_email

        return render_email(brief, sender=sender, to=to)
    raise UsageError(f"unknown output format {fmt!r}; use one of: {', '.join(FORMATS)}")


def format_for(path: str | Path) -> str:
    """The output format a file name asks for, from its suffix; :class:`UsageError` if none."""
    suffix = Path(path).suffix.lower()
    try:
        return SUFFIXES[suffix]
    except KeyError:
        known = ", ".join(sorted(SUFFIXES))
        raise UsageError(
            f"{path}: cannot tell the output format from {suffix or 'no suffix'!r}; use {known}"
        ) from None


def write(
    brief: Brief,
    out_path: str | Path,
    *,
    paper: str = "A4",
    sender: str | None = None,
    to: Sequence[str] = (),
) -> Path:
    """Render ``brief`` in the format the suffix of ``out_path`` names and write it there."""
    path = Path(out_path)
    fmt = format_for(path)
    data = render(brief, fmt, paper=paper, sender=sender, to=to)
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data, encoding="utf-8", newline="\n")
    return path
