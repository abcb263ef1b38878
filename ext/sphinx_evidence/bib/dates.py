"""Partial dates: ``date``, ``year`` and ``month`` read as far as they are known, checked,
written in words and sorted (seasons included)."""

from __future__ import annotations

import calendar
import re

from pybtex.database import Entry

from sphinx_evidence.bib.latex import plain
from sphinx_evidence.core.text import MONTHS

_MONTH_NUMBER = {name.lower(): n for n, name in enumerate(MONTHS, 1)}


SEASONS = {21: "Spring", 22: "Summer", 23: "Autumn", 24: "Winter"}


"""biblatex (EDTF level 1) season numbers in a ``date`` field: ``2019-21`` is spring 2019."""


_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?$")


def _date_parts(raw: str) -> tuple[int, int | None, int | None] | None:
    """(year, month or season, day) of one ISO-like date; None if it is not a real date."""
    match = _DATE.match(raw.strip())
    if not match:
        return None
    year = int(match.group(1))
    month = int(match.group(2)) if match.group(2) else None
    day = int(match.group(3)) if match.group(3) else None
    if month is None:
        return (year, None, None) if day is None else None
    if month in SEASONS:
        return (year, month, None) if day is None else None
    if not 1 <= month <= 12:
        return None
    if day is not None and not 1 <= day <= calendar.monthrange(year, month)[1]:
        return None
    return year, month, day


def date_problem(entry: Entry) -> str | None:
    """What is wrong with the entry's ``date``, ``year`` or ``month`` (None: nothing)."""
    fields = entry.fields
    raw = fields.get("date", "").strip()
    if raw:
        ends = raw.split("/")
        if (
            len(ends) > 2
            or _date_parts(ends[0]) is None
            or (
                len(ends) == 2
                and ends[1].strip() not in ("", "..")
                and _date_parts(ends[1]) is None
            )
        ):
            return f'date "{raw[:40]}" is not a date such as 2019, 2019-11 or 2019-11-14'
    year = plain(fields.get("year", "")).strip()
    if year and not re.search(r"\d{4}", year):
        return f'year "{year[:40]}" has no four-digit year'
    month = plain(fields.get("month", "")).strip()
    if month and month_number(month) is None:
        return f'month "{month[:40]}" is not a month'
    return None


def entry_date(entry: Entry) -> tuple[int | None, int | None, int | None]:
    """(year, month, day) as far as the entry gives them (``date``, else ``year``/``month``);
    a season or an unreadable part counts as unknown."""
    fields = entry.fields
    raw = fields.get("date", "").strip()
    if raw:
        parts = _date_parts(raw.split("/")[0])
        if parts is not None:
            found_month = parts[1] if parts[1] is not None and parts[1] <= 12 else None
            return parts[0], found_month, parts[2]
        leading = re.match(r"^(\d{4})\b", raw)  # as far as it can be read (2019-13: 2019)
        if leading:
            return int(leading.group(1)), None, None
    year_match = re.search(r"\d{4}", fields.get("year", ""))
    year = int(year_match.group()) if year_match else None
    month = month_number(fields.get("month", ""))
    day_match = re.match(r"^\d{1,2}$", fields.get("day", "").strip())
    day = int(day_match.group()) if day_match and month else None
    if year and month and day and day > calendar.monthrange(year, month)[1]:
        day = None
    return year, month, day


def month_number(value: str) -> int | None:
    """1-12 from ``nov``, ``November`` or ``11``; ``None`` when unknown or empty."""
    value = value.strip().lower().rstrip(".")
    if value.isdigit() and 1 <= int(value) <= 12:
        return int(value)
    return _MONTH_NUMBER.get(value) or _MONTH_NUMBER.get(value[:3])


def _one_date(year: int, month: int | None, day: int | None) -> str:
    if month is None:
        return str(year)
    name = SEASONS.get(month) or MONTHS[month - 1]
    return f"{name} {year}" if day is None else f"{day} {name} {year}"


def date_text(entry: Entry) -> str:
    """The date as far as it is known: ``2019``, ``November 2019``, ``14 November 2019``,
    ``Spring 2019``; a range as ``March\u2013May 2018``; a month with no year as the month."""
    raw = entry.fields.get("date", "").strip()
    if raw:
        ends = [_date_parts(part) for part in raw.split("/")[:2]]
        if ends[0] is not None:
            first = _one_date(*ends[0])
            last = ends[1] if len(ends) == 2 else None
            if last is None or last == ends[0] or ends[0][1] in SEASONS:
                return first
            if last[0] == ends[0][0] and ends[0][1] and last[1] and not ends[0][2] and not last[2]:
                return f"{first.rsplit(' ', 1)[0]}\u2013{_one_date(*last)}"
            return f"{first} \u2013 {_one_date(*last)}"
    year, month, day = entry_date(entry)
    if year is None:
        month_only = month_number(entry.fields.get("month", ""))
        if month_only and not plain(entry.fields.get("year", "")).strip():
            return MONTHS[month_only - 1]
        return plain(entry.fields.get("year", "")).strip()
    return _one_date(year, month, day)


def sort_date(entry: Entry) -> tuple[int, int, int]:
    """A sort key for newest-first lists (unknown parts sort as 0)."""
    year, month, day = entry_date(entry)
    return (year or 0, month or 0, day or 0)
