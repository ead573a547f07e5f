"""Daily, weekly and monthly editions: parsing their URL keys and finding neighbours.

An edition is a period of ``listed_on`` dates. Previous/next links jump to the
nearest period that has papers, so a reader never lands on an empty page by
following them.
"""

import calendar
import datetime as dt
from dataclasses import dataclass

from django.db.models import Max, Min
from django.urls import reverse


@dataclass(frozen=True)
class Edition:
    kind: str  # "day", "week" or "month"
    start: dt.date
    end: dt.date

    @classmethod
    def day(cls, date: dt.date) -> "Edition":
        return cls("day", date, date)

    @classmethod
    def week(cls, date: dt.date) -> "Edition":
        start = date - dt.timedelta(days=date.weekday())
        return cls("week", start, start + dt.timedelta(days=6))

    @classmethod
    def month(cls, date: dt.date) -> "Edition":
        last = calendar.monthrange(date.year, date.month)[1]
        return cls("month", date.replace(day=1), date.replace(day=last))

    @classmethod
    def containing(cls, kind: str, date: dt.date) -> "Edition":
        return getattr(cls, kind)(date)

    @classmethod
    def parse(cls, kind: str, key: str) -> "Edition":
        """Parse ``YYYY-MM-DD``, ``YYYY-Www`` or ``YYYY-MM``; ``ValueError`` if invalid.

        Also invalid: a period whose week or month would run past the calendar's
        ends (``9999-W52``, or ``9999-12-30`` whose week ends in the year 10000).
        """
        try:
            edition = cls._parse(kind, key)
            edition.wider()
        except OverflowError as error:
            raise ValueError(f"{key!r} is too close to the end of the calendar") from error
        return edition

    @classmethod
    def _parse(cls, kind: str, key: str) -> "Edition":
        if kind == "day":
            return cls.day(dt.date.fromisoformat(key))
        if kind == "week":
            year, week = key.split("-W")
            return cls.week(dt.date.fromisocalendar(int(year), int(week), 1))
        if kind == "month":
            year, month = key.split("-")
            return cls.month(dt.date(int(year), int(month), 1))
        raise ValueError(f"unknown edition kind {kind!r}")

    @classmethod
    def from_input(cls, kind: str, value: str) -> "Edition":
        """The edition of ``kind`` holding the date a reader chose in a date picker:
        ``2026-12-02``, ``2026-W49`` or ``2026-12`` (whichever the browser sends).
        ``ValueError`` when it is none of those."""
        if kind not in ("day", "week", "month"):
            raise ValueError(f"unknown edition kind {kind!r}")
        value = (value or "").strip()
        for form in ("day", "week", "month"):
            try:
                chosen = cls.parse(form, value)
            except (ValueError, TypeError):
                continue
            return cls.parse(kind, cls.containing(kind, chosen.start).key)
        raise ValueError(f"{value[:40]!r} is not a date")

    @property
    def key(self) -> str:
        if self.kind == "day":
            return self.start.isoformat()
        if self.kind == "week":
            year, week, _ = self.start.isocalendar()
            return f"{year}-W{week:02d}"
        return f"{self.start:%Y-%m}"

    @property
    def title(self) -> str:
        if self.kind == "day":
            return f"{self.start:%A, %-d %B %Y}"
        if self.kind == "week":
            year, week, _ = self.start.isocalendar()
            return f"Week {week}, {year} ({self.start:%-d %b} – {self.end:%-d %b})"
        return f"{self.start:%B %Y}"

    def get_absolute_url(self) -> str:
        return reverse(f"edition_{self.kind}", args=[self.key])

    def previous(self, papers) -> "Edition | None":
        """The nearest earlier edition of the same kind that has papers in ``papers``."""
        date = papers.filter(listed_on__lt=self.start).aggregate(d=Max("listed_on"))["d"]
        return Edition.containing(self.kind, date) if date else None

    def next(self, papers) -> "Edition | None":
        date = papers.filter(listed_on__gt=self.end).aggregate(d=Min("listed_on"))["d"]
        return Edition.containing(self.kind, date) if date else None

    @property
    def input_type(self) -> str:
        """The HTML input that picks an edition of this kind."""
        return {"day": "date", "week": "week", "month": "month"}[self.kind]

    @property
    def input_format(self) -> str:
        return {"day": "2026-12-02", "week": "2026-W49", "month": "2026-12"}[self.kind]

    def wider(self) -> list["Edition"]:
        """The week and month around a day (or the month around a week)."""
        kinds = {"day": ["week", "month"], "week": ["month"], "month": []}[self.kind]
        return [Edition.containing(kind, self.start) for kind in kinds]


def latest_edition_date(papers, today: dt.date) -> dt.date | None:
    """The most recent listed date up to ``today`` that has papers."""
    return papers.filter(listed_on__lte=today).aggregate(d=Max("listed_on"))["d"]
