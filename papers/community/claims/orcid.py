"""ORCID iDs: 16 characters in four groups, the last a check character (ISO 7064 11,2)."""

import re

ORCID = re.compile(r"^(\d{4})-?(\d{4})-?(\d{4})-?(\d{3}[\dX])$")
PREFIXES = ("https://orcid.org/", "http://orcid.org/", "orcid.org/")


def check_character(digits: str) -> str:
    """The check character of the first 15 digits."""
    total = 0
    for digit in digits:
        total = (total + int(digit)) * 2
    result = (12 - total % 11) % 11
    return "X" if result == 10 else str(result)


def normalise_orcid(value: str) -> str:
    """``0000-0002-1825-0097`` from that, without dashes, lower-case x, or as an orcid.org
    address; ``ValueError`` when it is not an ORCID iD or its check character is wrong."""
    text = (value or "").strip()
    for prefix in PREFIXES:
        if text.lower().startswith(prefix):
            text = text[len(prefix) :]
            break
    match = ORCID.match(text.upper())
    if not match:
        raise ValueError("An ORCID iD has 16 digits in four groups, like 0000-0002-1825-0097.")
    digits = "".join(match.groups())
    if check_character(digits[:15]) != digits[15]:
        raise ValueError("That ORCID iD's last character does not match: check for a typo.")
    return "-".join(match.groups())
