"""Cleaning values from feeds: whitespace, times, and TeX accents in people's names."""

import datetime as dt
import re
import unicodedata

# \"u, \'{e}, \c{c}, \v s ... : accent commands and the combining mark each makes.
_ACCENTS = {
    '"': "\u0308",
    "'": "\u0301",
    "`": "\u0300",
    "^": "\u0302",
    "~": "\u0303",
    "=": "\u0304",
    ".": "\u0307",
    "u": "\u0306",
    "v": "\u030c",
    "H": "\u030b",
    "c": "\u0327",
    "k": "\u0328",
    "r": "\u030a",
    "d": "\u0323",
    "b": "\u0331",
}
_LETTERS = {
    "ss": "ß",
    "ae": "æ",
    "AE": "Æ",
    "oe": "œ",
    "OE": "Œ",
    "aa": "å",
    "AA": "Å",
    "o": "ø",
    "O": "Ø",
    "l": "ł",
    "L": "Ł",
    "i": "ı",
    "j": "ȷ",
}
_BASE = r"(?:\\[ij](?![A-Za-z])|[A-Za-z])"
_SYMBOL_ACCENT_RE = re.compile(rf"""\\(["'`^~=.])\s*(?:\{{\s*({_BASE})\s*\}}|({_BASE}))""")
_LETTER_ACCENT_RE = re.compile(rf"\\([uvHckrdb])(?:\s*\{{\s*({_BASE})\s*\}}|\s+({_BASE}))")
_LETTER_RE = re.compile(r"\\(ss|ae|AE|oe|OE|aa|AA|o|O|l|L|i|j)(?![A-Za-z])(?:\{\})?\s?")


def normalise_space(text: str | None) -> str:
    """All runs of whitespace (line breaks included) as one space, trimmed.

    NUL characters (possible in JSON, refused by PostgreSQL) are dropped.
    """
    if not text:
        return ""
    if "\x00" in text:
        text = text.replace("\x00", "")
    return " ".join(text.split())


def utc_date(value) -> dt.date | None:
    """The UTC day of an ISO 8601 time such as ``2024-01-09T01:53:46.391Z``.

    None when missing; ``ValueError`` when not such a time.
    """
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValueError(value)
    moment = dt.datetime.fromisoformat(value.strip())
    return (moment.astimezone(dt.UTC) if moment.tzinfo else moment).date()


def _accented(match: re.Match) -> str:
    base = match.group(2) or match.group(3)
    if base in {"\\i", "\\j"}:  # dotless i/j under an accent: the accent replaces the dot
        base = base[1]
    return base + _ACCENTS[match.group(1)]


def tex_to_unicode(name: str) -> str:
    r"""A name with TeX accents written as Unicode: ``J\"urgen`` → ``Jürgen``.

    For names only (old arXiv metadata spells them in TeX); abstracts and
    titles keep their LaTeX, which the site renders. Grouping braces go.
    """
    if "\\" not in name and "{" not in name:
        return name
    text = _SYMBOL_ACCENT_RE.sub(_accented, name)
    text = _LETTER_ACCENT_RE.sub(_accented, text)
    text = _LETTER_RE.sub(lambda m: _LETTERS[m.group(1)], text)
    text = text.replace("{", "").replace("}", "")
    return normalise_space(unicodedata.normalize("NFC", text))
