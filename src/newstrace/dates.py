"""Dates: ordering articles by their publication dates, and the dates a text states for
itself (a dateline, a credit's date) against which a publication date can be doubted."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timezone

from .model import Credit


def moment(published: str | None) -> tuple[date, datetime | None] | None:
    """(day, exact UTC time or None for a date only) of an ISO date or datetime."""
    if not published:
        return None
    try:
        if len(published) <= 10:
            return date.fromisoformat(published), None
        when = datetime.fromisoformat(published)
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    when = when.astimezone(timezone.utc)
    return when.date(), when


def moment_order(published: str) -> tuple[date, datetime]:
    """A dated publication's place in time, to sort by: its day, then its time (a date alone
    before any time of its day)."""
    day, exact = moment(published)
    return day, exact or datetime.min.replace(tzinfo=timezone.utc)


def earlier(x: str | None, y: str | None) -> bool | None:
    """True if ``x`` was published before ``y``, False if not, None if it cannot be told.

    >>> earlier("2015-09-30", "2015-10-01"), earlier("2015-09-30", "2015-09-30T10:00:00"), earlier(None, "2015-09-30")
    (True, None, None)
    """
    mx, my = moment(x), moment(y)
    if mx is None or my is None:
        return None
    if mx[0] != my[0]:
        return mx[0] < my[0]
    if mx[1] is None or my[1] is None or mx[1] == my[1]:
        return None
    return mx[1] < my[1]


def first_published(published: dict[str, str | None]) -> list[str]:
    """The keys published first: those no other is known to precede (several when tied,
    none when nothing is dated). Linear, unlike asking :func:`earlier` of every pair.

    >>> first_published({"a": "2015-09-30", "b": "2015-09-30T08:00:00", "c": "2015-09-30T09:00:00", "d": None})
    ['a', 'b']
    """
    dated = {k: m for k, m in ((k, moment(v)) for k, v in published.items()) if m}
    if not dated:
        return []
    day = min(m[0] for m in dated.values())
    that_day = {k: m for k, m in dated.items() if m[0] == day}
    first_time = min((m[1] for m in that_day.values() if m[1] is not None), default=None)
    return sorted(k for k, m in that_day.items() if m[1] is None or m[1] == first_time)


def days_between(x: str, y: str) -> int | None:
    mx, my = moment(x), moment(y)
    if mx is None or my is None:
        return None
    return (my[0] - mx[0]).days


@dataclass(frozen=True, slots=True)
class StatedDate:
    """A date the text states for itself (a dateline, a credit's date), as written at
    ``[start, end)``."""

    day: str  # ISO date
    start: int
    end: int


_MONTHS = {m[:3].lower(): k for k, m in enumerate(
    "January February March April May June July August September October November December".split(), 1)}
_MONTH = r"(?P<month>(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?|JAN[A-Z]*\.?|FEB[A-Z]*\.?|" \
         r"MAR[A-Z]*\.?|APR[A-Z]*\.?|MAY|JUN[A-Z]*\.?|JUL[A-Z]*\.?|AUG[A-Z]*\.?|SEP[A-Z]*\.?|OCT[A-Z]*\.?|" \
         r"NOV[A-Z]*\.?|DEC[A-Z]*\.?)"
_WEEKDAY = r"(?:(?P<weekday>Mon|Tues|Wednes|Thurs|Fri|Satur|Sun|MON|TUES|WEDNES|THURS|FRI|SATUR|SUN)(?:day|DAY)\.?,?\s+)?"
# "3 Oct 2017", "Tuesday 3 October 2017", "Oct. 3, 2017", "OCTOBER 3, 1916", "Oct 26" (a
# dateline's, the year the metadata's), "2017-10-03".
_DATE = re.compile(
    rf"\b{_WEEKDAY}(?:(?P<d1>\d{{1,2}})\s+{_MONTH}(?:,?\s+(?P<y1>\d{{4}}))?"
    rf"|{_MONTH.replace('month', 'month2')}\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<y2>\d{{4}}))?"
    rf"|(?P<y3>\d{{4}})-(?P<m3>\d{{2}})-(?P<d3>\d{{2}}))\b")
# A dateline stands at the head of the text; a credit's date just after the credit.
_HEAD_CHARS = 300
_LONGEST_DATE = 40  # "Wednesday, September 30, 2015"
_AFTER_CREDIT_CHARS = 30
# A date after a lower-case word is told in a sentence, not stated in a dateline.
_TOLD_IN_A_SENTENCE = re.compile(r"(?:\b[a-z]+|\b(?i:on|by|until|till|since|from|before|after|in|of|to|through))"
                                 r"\W{0,2}\s*$")
# What may stand before a dateline's date on its line: nothing (a masthead), or a place in
# capitals ("WASHINGTON, D. C.,", "DAMASCUS,"). A ship's or a town's name in small letters
# before a date is a schedule or a list ("Sonoma, Jan. 24."), not the article's date.
_DATELINE_PLACE = re.compile(r"(?:^|\n)[^\S\n]*(?:[A-Z][A-Z.'’ -]{2,}[,.]?[^\S\n]*(?:[A-Z]\.[^\S\n]*){0,2},?[^\S\n]*)?$")
# A text stating a date this many days after its metadata date puts that date in doubt (an
# article cannot be published before the events it dates); so does one this far before it.
DOUBT_DAYS = 2
DOUBT_DAYS_BEFORE = 31
# Farther than this from the metadata date, a stated date is a misread (OCR "1016").
_MISREAD_DAYS = 366


def _read_date(m: re.Match, published: date | None) -> date | None:
    month = _MONTHS.get((m.group("month") or m.group("month2") or "")[:3].lower())
    day = m.group("d1") or m.group("d2")
    year = m.group("y1") or m.group("y2")
    try:
        if m.group("y3"):
            return date(int(m.group("y3")), int(m.group("m3")), int(m.group("d3")))
        if year:
            found = date(int(year), month, int(day))
        elif published is not None:
            # A dateline without a year: the year that puts it nearest the metadata date.
            found = min((date(published.year + k, month, int(day)) for k in (-1, 0, 1)),
                        key=lambda d: abs((d - published).days))
        else:
            return None
    except (TypeError, ValueError):
        return None
    weekday = m.group("weekday")
    if weekday and found.strftime("%A")[:3].lower() != weekday[:3].lower():
        return None  # the weekday written contradicts the date: an OCR or typing slip, no evidence
    return found


def stated_date(text: str, credits: tuple[Credit, ...] = (), published: str | None = None) -> StatedDate | None:
    """The date the article states for itself: one written at its head (a dateline, a
    masthead) or just after an agency's credit ("AFP Tuesday 3 Oct 2017").

    >>> stated_date("DAMASCUS, Oct 26 (SANA) - Troops advanced.", published="2016-10-22")
    StatedDate(day='2016-10-26', start=10, end=16)
    >>> stated_date("Troops advanced on Tuesday.") is None
    True
    """
    try:
        known = date.fromisoformat(published[:10]) if published else None
    except ValueError:
        known = None
    places = [(0, min(len(text), _HEAD_CHARS))] + [(c.end, min(len(text), c.end + _AFTER_CREDIT_CHARS)) for c in credits]
    for k, (lo, hi) in enumerate(places):
        # A date starts inside its place and may run past it ("July 9, 2012").
        for m in _DATE.finditer(text, lo, min(len(text), hi + _LONGEST_DATE)):
            if m.start() >= hi:
                break
            if _TOLD_IN_A_SENTENCE.search(text, max(0, m.start() - 12), m.start()):
                continue  # "on May 3", "In the July 9 cable": an event the text reports
            if k == 0 and not (m.group("y1") or m.group("y2") or m.group("y3")
                               or _DATELINE_PLACE.search(text, max(0, m.start() - 40), m.start())):
                continue  # "Sonoma, Jan. 24.": a schedule
            found = _read_date(m, known)
            if found is not None:
                return StatedDate(found.isoformat(), m.start(), m.end())
    return None


def date_doubt(published: str | None, stated: StatedDate | None) -> str | None:
    """Why the metadata date is in doubt, or None: the text states a date two days or more
    after it, or a month before it (within a year: farther is a misread)."""
    if not published or stated is None:
        return None
    try:
        days = (date.fromisoformat(stated.day) - date.fromisoformat(published[:10])).days
    except ValueError:
        return None
    if abs(days) > _MISREAD_DAYS or -DOUBT_DAYS_BEFORE <= days < DOUBT_DAYS:
        return None
    return (f"dated {published[:10]} but the text states {stated.day} "
            f"({abs(days)} days {'later' if days > 0 else 'earlier'})")


def canonical_order(published: str | None, article_id: str) -> tuple:
    """Which of several exact copies is stored (the smallest): the earliest published, then the
    smallest id."""
    return (published is None, published or "", article_id)
