"""arXiv identifiers and the arXiv category taxonomy.

New-style ids are ``YYMM.NNNN`` (April 2007 to 2014) or ``YYMM.NNNNN`` (2015-);
old-style ids are ``archive[.SUBJ]/YYMMNNN`` such as ``hep-th/9901001``
(August 1991 to March 2007). The catalogue stores ids without their version
suffix, and old-style ids without their subject class.
"""

import datetime as dt
import re

from django.core.exceptions import ValidationError

# ASCII digits only ([0-9], never \d: other scripts' digits are not arXiv ids).
NEW_STYLE = r"[0-9]{4}\.[0-9]{4,5}"
OLD_STYLE = r"[a-z]+(?:-[a-z]+)*/[0-9]{7}"
# The canonical, versionless form the catalogue stores and its URLs use.
ID_PATTERN = rf"(?:{NEW_STYLE}|{OLD_STYLE})"
# What readers may type: old-style ids with their subject class (math.GT/0309136)
# are accepted and stored without it (math/0309136), as arXiv itself does.
_INPUT_PATTERN = r"(?:[0-9]{4}\.[0-9]{4,5}|[a-z]+(?:-[a-z]+)*(?:\.[A-Z]{2})?/[0-9]{7})"

_ID_RE = re.compile(rf"^(?P<id>{_INPUT_PATTERN})(?:v(?P<version>[0-9]+))?$", re.ASCII)
_URL_RE = re.compile(
    rf"^(?:https?://)?(?:www\.|export\.)?arxiv\.org/(?:abs|pdf|html)/"
    rf"(?P<rest>{_INPUT_PATTERN}(?:v[0-9]+)?)(?:\.pdf)?/?(?:[?#].*)?$",
    re.IGNORECASE | re.ASCII,
)
FIRST_NEW_STYLE = (2007, 4)  # 0704.0001
FIVE_DIGITS_FROM = (2015, 1)  # 1501.00001
FIRST_OLD_STYLE = (1991, 8)  # hep-th/9108001
LAST_OLD_STYLE = (2007, 3)


class InvalidArxivId(ValueError):
    pass


def parse_arxiv_id(value: str) -> tuple[str, int | None]:
    """Return ``(versionless_id, version)`` for an id, ``arXiv:`` id or arXiv URL.

    Only ids arXiv could have issued pass: ASCII digits, a real month within the
    scheme's years (new style from April 2007, old style August 1991 to March
    2007), four digits after the dot before 2015 and five from 2015. Old-style ids
    come back without their subject class. Raises ``InvalidArxivId`` otherwise.
    """
    text = (value or "").strip()
    match = _URL_RE.match(text)
    if match:
        text = match.group("rest")
    elif text.lower().startswith("arxiv:"):
        text = text[len("arxiv:") :].strip()
    match = _ID_RE.match(text)
    if not match or not _plausible(match.group("id")):
        raise InvalidArxivId(f"{value!r} is not an arXiv identifier")
    version = match.group("version")
    if version is not None and int(version) < 1:
        raise InvalidArxivId(f"{value!r} is not an arXiv identifier")
    return canonical(match.group("id")), int(version) if version else None


def validate_arxiv_id(value: str) -> None:
    """Model and form validation: a canonical, versionless id arXiv could have issued."""
    if value and not is_valid(value):
        raise ValidationError(
            "Enter a versionless arXiv id such as 2306.14846 or hep-th/9901001.",
            code="invalid",
        )


def canonical(arxiv_id: str) -> str:
    """The stored form: an old-style id without its subject class."""
    if "/" in arxiv_id:
        archive, number = arxiv_id.split("/", 1)
        return f"{archive.split('.', 1)[0]}/{number}"
    return arxiv_id


def is_valid(arxiv_id: str) -> bool:
    """Whether ``arxiv_id`` is a canonical, versionless id arXiv could have issued."""
    return bool(re.fullmatch(ID_PATTERN, arxiv_id or "", re.ASCII)) and _plausible(arxiv_id)


def submission_month(arxiv_id: str | None) -> tuple[int, int] | None:
    """``(year, month)`` an arXiv id was assigned, read from its ``YYMM``; None if unknown.

    Old-style ids ran from August 1991 to March 2007, so their two-digit year is
    19YY from 91 on; new-style ids began in April 2007.
    """
    if not arxiv_id:
        return None
    number = arxiv_id.rsplit("/", 1)[-1]
    if len(number) < 4 or not number[:4].isascii() or not number[:4].isdigit():
        return None
    yy, month = int(number[:2]), int(number[2:4])
    old_style_1990s = "/" in arxiv_id and yy >= 91
    return (1900 if old_style_1990s else 2000) + yy, month


def submission_date(arxiv_id: str | None) -> dt.date | None:
    """The first day of the month an arXiv id was assigned (``2411.04983`` → 2024-11-01).

    The published date of a paper whose v1 date is unknown, at month precision;
    ``None`` when the id holds no valid month.
    """
    when = submission_month(arxiv_id)
    if when is None or not 1 <= when[1] <= 12:
        return None
    return dt.date(when[0], when[1], 1)


def _plausible(arxiv_id: str) -> bool:
    when = submission_month(arxiv_id)
    if when is None or not 1 <= when[1] <= 12:
        return False
    if "/" in arxiv_id:
        return FIRST_OLD_STYLE <= when <= LAST_OLD_STYLE
    digits = len(arxiv_id.split(".", 1)[1])
    return when >= FIRST_NEW_STYLE and digits == (5 if when >= FIVE_DIGITS_FROM else 4)


def abs_url(arxiv_id: str) -> str:
    return f"https://arxiv.org/abs/{arxiv_id}"


def pdf_url(arxiv_id: str) -> str:
    return f"https://arxiv.org/pdf/{arxiv_id}"


# The arXiv categories an ML catalogue meets most; unknown codes keep an empty name.
CATEGORY_NAMES = {
    "cs.AI": "Artificial Intelligence",
    "cs.AR": "Hardware Architecture",
    "cs.CC": "Computational Complexity",
    "cs.CE": "Computational Engineering, Finance, and Science",
    "cs.CG": "Computational Geometry",
    "cs.CL": "Computation and Language",
    "cs.CR": "Cryptography and Security",
    "cs.CV": "Computer Vision and Pattern Recognition",
    "cs.CY": "Computers and Society",
    "cs.DB": "Databases",
    "cs.DC": "Distributed, Parallel, and Cluster Computing",
    "cs.DL": "Digital Libraries",
    "cs.DM": "Discrete Mathematics",
    "cs.DS": "Data Structures and Algorithms",
    "cs.ET": "Emerging Technologies",
    "cs.FL": "Formal Languages and Automata Theory",
    "cs.GL": "General Literature",
    "cs.GR": "Graphics",
    "cs.GT": "Computer Science and Game Theory",
    "cs.HC": "Human-Computer Interaction",
    "cs.IR": "Information Retrieval",
    "cs.IT": "Information Theory",
    "cs.LG": "Machine Learning",
    "cs.LO": "Logic in Computer Science",
    "cs.MA": "Multiagent Systems",
    "cs.MM": "Multimedia",
    "cs.MS": "Mathematical Software",
    "cs.NA": "Numerical Analysis",
    "cs.NE": "Neural and Evolutionary Computing",
    "cs.NI": "Networking and Internet Architecture",
    "cs.OS": "Operating Systems",
    "cs.PF": "Performance",
    "cs.PL": "Programming Languages",
    "cs.RO": "Robotics",
    "cs.SC": "Symbolic Computation",
    "cs.SD": "Sound",
    "cs.SE": "Software Engineering",
    "cs.SI": "Social and Information Networks",
    "cs.SY": "Systems and Control",
    "eess.AS": "Audio and Speech Processing",
    "eess.IV": "Image and Video Processing",
    "eess.SP": "Signal Processing",
    "eess.SY": "Systems and Control",
    "math.OC": "Optimization and Control",
    "math.PR": "Probability",
    "math.ST": "Statistics Theory",
    "math.NA": "Numerical Analysis",
    "math.LO": "Logic",
    "physics.comp-ph": "Computational Physics",
    "cond-mat.mtrl-sci": "Materials Science",
    "cond-mat.stat-mech": "Statistical Mechanics",
    "q-bio.MN": "Molecular Networks",
    "q-bio.NC": "Neurons and Cognition",
    "q-bio.QM": "Quantitative Methods",
    "q-fin.CP": "Computational Finance",
    "quant-ph": "Quantum Physics",
    "stat.AP": "Applications",
    "stat.CO": "Computation",
    "stat.ME": "Methodology",
    "stat.ML": "Machine Learning",
    "stat.TH": "Statistics Theory",
}

CATEGORY_RE = re.compile(r"^[a-z]+(?:-[a-z]+)*(?:\.[A-Za-z]+(?:-[a-z]+)*)?$")


def submission_year(arxiv_id: str | None) -> int | None:
    """The year an arXiv id was assigned; ``None`` if unknown (see ``submission_month``)."""
    when = submission_month(arxiv_id)
    return when[0] if when else None
