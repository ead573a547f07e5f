"""Normalising people's names and making ASCII slugs from any script."""

import re
import unicodedata

from django.utils.text import slugify

# Letters that Unicode does not decompose into an ASCII base letter.
_TRANSLITERATION = str.maketrans(
    {
        "ł": "l",
        "Ł": "L",
        "ø": "o",
        "Ø": "O",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "Ð": "D",
        "þ": "th",
        "Þ": "Th",
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ı": "i",
    }
)
_SPACE_RE = re.compile(r"\s+")


def clean_name(name: str) -> str:
    """A display name with Unicode normalised (NFC) and whitespace collapsed."""
    return _SPACE_RE.sub(" ", unicodedata.normalize("NFC", name or "")).strip()


def name_key(name: str) -> str:
    """The key under which two spellings count as the same person.

    Conservative on purpose: case, accents-as-composed-or-decomposed and
    whitespace differences match; anything else (initials, reordering) does not.
    """
    return clean_name(name).casefold()


def ascii_slug(text: str, fallback: str = "item") -> str:
    slug = slugify(unicodedata.normalize("NFKC", text or "").translate(_TRANSLITERATION))
    return slug[:80].strip("-") or fallback
