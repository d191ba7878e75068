"""Relative dates read against the article's date: "on Thursday (Feb 23)", "this month
(February 2023)".

A brief is read days after some of its articles were written and beside articles of other days,
so "Thursday", "yesterday" or "this month" mean nothing on the page without the day they were
written. Where a line shows one and its article has a publication date, the date it stands for
is added after it in parentheses: the brief's own words, like a line's outlet and date, never
a change to the article's. A weekday is the latest such day on or before the article's date
("last" the same, "next" the first after it); an expression already followed by a date is
left alone, and nothing is added where the article is undated.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

# Weekday names from the standard library (English, whatever the locale: ``calendar`` gives
# them in the C locale), Monday first, as ``date.weekday()`` counts.
_DAY_NUMBER = {name.lower(): i for i, name in enumerate(calendar.day_name)}
_RELATIVE = re.compile(
    r"\b(?:(?P<mod>last|next|this|on|earlier|late)\s+)?(?P<weekday>"
    + "|".join(name.title() for name in _DAY_NUMBER)
    + r")(?:['’]s)?\b"
    r"|\b(?P<day>yesterday|today|tomorrow)\b"
    r"|\b(?P<when>this|last|next)\s+(?P<period>month|year|week)\b",
)
# An expression already followed by its date ("Thursday, Feb. 23", "Thursday (Feb 23)").
_DATED_AFTER = re.compile(r"^\s*(?:,\s*)?(?:\(|[A-Z][a-z]{2,8}\.?\s+\d{1,2}\b|\d{1,2}\s+[A-Z])")
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def article_day(published: str | None) -> dt.date | None:
    """The article's day from its publication date (``2023-02-24``, ``2023-02-24T09:00``)."""
    m = _ISO.match(published or "")
    if not m:
        return None
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def _day(d: dt.date) -> str:
    return f"{d.strftime('%b')} {d.day}"


def _month(d: dt.date, step: int) -> dt.date:
    month = d.month - 1 + step
    return dt.date(d.year + month // 12, month % 12 + 1, 1)


def resolve(m: re.Match[str], day: dt.date) -> str | None:
    """The date one relative expression stands for, as the page shows it."""
    if m["weekday"]:
        want = _DAY_NUMBER[m["weekday"].lower()]
        mod = (m["mod"] or "").lower()
        if mod == "next":
            return _day(day + dt.timedelta(days=(want - day.weekday() - 1) % 7 + 1))
        back = (day.weekday() - want) % 7
        if mod == "last" and back == 0:
            back = 7
        return _day(day - dt.timedelta(days=back))
    if m["day"]:
        step = {"yesterday": -1, "today": 0, "tomorrow": 1}[m["day"].lower()]
        return _day(day + dt.timedelta(days=step))
    step = {"this": 0, "last": -1, "next": 1}[m["when"].lower()]
    period = m["period"].lower()
    if period == "month":
        return _month(day, step).strftime("%B %Y")
    if period == "year":
        return str(day.year + step)
    monday = day - dt.timedelta(days=day.weekday()) + dt.timedelta(weeks=step)
    return f"week of {_day(monday)}"


def dated(text: str, published: str | None) -> str:
    """The line with each relative date followed by the date it stands for; unchanged where
    the article is undated."""
    day = article_day(published)
    if day is None or not text:
        return text
    out, last = [], 0
    for m in _RELATIVE.finditer(text):
        if _DATED_AFTER.match(text[m.end() :]):
            continue
        when = resolve(m, day)
        if when is None:
            continue
        out.append(text[last : m.end()] + f" ({when})")
        last = m.end()
    return "".join(out) + text[last:]
