"""arXiv identifiers and the arXiv category taxonomy.

New-style ids are ``YYMM.NNNN`` (2007-2014) or ``YYMM.NNNNN`` (2015-);
old-style ids are ``archive[.SUBJ]/YYMMNNN`` such as ``hep-th/9901001``.
The catalogue stores ids without their version suffix.
"""

import datetime as dt
import re

NEW_STYLE = r"\d{4}\.\d{4,5}"
OLD_STYLE = r"[a-z]+(?:-[a-z]+)*(?:\.[A-Z]{2})?/\d{7}"
ID_PATTERN = rf"(?:{NEW_STYLE}|{OLD_STYLE})"

_ID_RE = re.compile(rf"^(?P<id>{ID_PATTERN})(?:v(?P<version>\d+))?$")
_URL_RE = re.compile(
    rf"^(?:https?://)?(?:www\.|export\.)?arxiv\.org/(?:abs|pdf|html)/(?P<rest>{ID_PATTERN}(?:v\d+)?)"
    r"(?:\.pdf)?/?(?:[?#].*)?$",
    re.IGNORECASE,
)


class InvalidArxivId(ValueError):
    pass


def parse_arxiv_id(value: str) -> tuple[str, int | None]:
    """Return ``(versionless_id, version)`` for an id, ``arXiv:`` id or arXiv URL.

    Raises ``InvalidArxivId`` for anything else.
    """
    text = (value or "").strip()
    match = _URL_RE.match(text)
    if match:
        text = match.group("rest")
    elif text.lower().startswith("arxiv:"):
        text = text[len("arxiv:") :].strip()
    match = _ID_RE.match(text)
    if not match:
        raise InvalidArxivId(f"{value!r} is not an arXiv identifier")
    version = match.group("version")
    return match.group("id"), int(version) if version else None


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
    """The year an arXiv id was assigned, read from its ``YYMM`` part; ``None`` if unknown.

    New-style ids began in April 2007 (``0704.0001``); old-style ids ran from
    August 1991 to March 2007, so their two-digit year is 19YY from 91 on.
    """
    if not arxiv_id:
        return None
    number = arxiv_id.rsplit("/", 1)[-1]
    if not number[:2].isdigit():
        return None
    yy = int(number[:2])
    if "/" in arxiv_id:
        return 1900 + yy if yy >= 91 else 2000 + yy
    return 2000 + yy


def submission_month(arxiv_id: str | None) -> dt.date | None:
    """The first day of the month an arXiv id was assigned (``2411.04983`` → 2024-11-01).

    Read from the id's ``YYMM`` part (both styles carry it); ``None`` when the id
    does not hold a valid month. The published date of a paper whose v1 date is
    unknown, at month precision.
    """
    year = submission_year(arxiv_id)
    if year is None:
        return None
    number = arxiv_id.rsplit("/", 1)[-1]
    month = int(number[2:4]) if number[2:4].isdigit() else 0
    if not 1 <= month <= 12:
        return None
    return dt.date(year, month, 1)
