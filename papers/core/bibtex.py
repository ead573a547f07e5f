"""BibTeX entries for papers: LaTeX specials escaped, arXiv fields, stable keys.

One ``@misc`` entry per paper, in the form arXiv's own export uses::

    @misc{shah2023vint,
      title = {ViNT: A Foundation Model for Visual Navigation},
      author = {Dhruv Shah and Sergey Levine},
      year = {2023},
      month = jun,
      eprint = {2306.14846},
      archivePrefix = {arXiv},
      primaryClass = {cs.RO},
      url = {https://arxiv.org/abs/2306.14846},
    }

Text fields go through :func:`latex_escape`: ``\\ { } % & _ # $ ^ ~`` become
LaTeX commands, so a title such as "50% & more_data" typesets as written and
never unbalances BibTeX's braces (braces are written as ``\\textbraceleft{}`` and
``\\textbraceright{}``: BibTeX counts every brace, escaped or not). Inline math
written ``$...$`` with balanced braces is kept as it is, since arXiv titles use
it on purpose, but only with commands from an allow-list of math and accent macros
(``\\alpha``, ``\\mathbb``, ``\\frac``, ``\\'``...): any other command (``\\input``,
``\\write18``, ``\\def``...) is written as text, ``\\backslash{}input``, so an entry
never makes LaTeX read a file or run a program. ``year`` and ``month`` come from the
published date (its month when only the month is known, from the arXiv id), never
from the day the paper was listed here; ``month`` is BibTeX's macro (``nov``),
unbraced. The output is UTF-8: accented and non-Latin names are kept as written,
which biber and BibTeX under LaTeX's default UTF-8 input both read.
"""

import re
from collections.abc import Iterable
from urllib.parse import quote

from . import arxiv
from .names import ascii_slug

TEXT_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "%": r"\%",
    "&": r"\&",
    "_": r"\_",
    "#": r"\#",
    "$": r"\$",
    "^": r"\textasciicircum{}",
    "~": r"\textasciitilde{}",
}
# Inside $...$ only these would break LaTeX; backslashes, braces, ^ and _ are math.
MATH_SPECIALS = {"%": r"\%", "&": r"\&", "#": r"\#"}
_TEXT_RE = re.compile("|".join(re.escape(c) for c in TEXT_SPECIALS))
_MATH_RE = re.compile(r"(?<!\\)[%&#]")
# TeX-style inline math as pandoc reads it: "$" then a non-space, ..., a non-space then
# "$" not followed by a digit. So "costs $5 and $10" is text, "$O(n^2)$" is math.
_INLINE_MATH_RE = re.compile(r"(?<!\\)\$(?=\S)([^$]+?)(?<=\S)(?<!\\)\$(?!\d)")
_SPACE_RE = re.compile(r"\s+")
KEY_STOP_WORDS = frozenset({
    "a", "an", "and", "are", "as", "at", "by", "for", "from", "in", "into", "is", "of", "on",
    "or", "the", "to", "toward", "towards", "via", "with",
})  # fmt: skip
MEDIA_TYPE = "text/plain; charset=utf-8"


def _escape_text(text: str) -> str:
    return _TEXT_RE.sub(lambda m: TEXT_SPECIALS[m.group()], text)


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


# Commands a title's math may keep: symbols, fonts, operators, delimiters and accents.
MATH_COMMANDS = frozenset(
    """alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu
    nu xi pi varpi rho varrho sigma varsigma tau upsilon phi varphi chi psi omega Gamma Delta
    Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega ell hbar imath jmath aleph nabla partial
    infty emptyset varnothing forall exists neg top bot prime
    mathbb mathcal mathfrak mathscr mathrm mathbf mathit mathsf mathtt boldsymbol bm text
    textrm textit textbf textsf texttt operatorname
    frac dfrac tfrac sqrt binom sum prod int oint iint coprod bigcup bigcap bigoplus
    bigotimes lim limsup liminf sup inf max min arg argmax argmin det exp log ln sin cos tan
    sinh cosh tanh arcsin arccos arctan sec csc cot deg dim ker gcd Pr mod bmod pmod
    cdot cdots ldots dots vdots ddots times div pm mp ast star circ bullet oplus otimes odot
    wedge vee cap cup setminus leq geq le ge neq ne approx sim simeq cong equiv propto ll gg
    prec succ preceq succeq subset supset subseteq supseteq in notin ni mid parallel perp
    to rightarrow leftarrow leftrightarrow Rightarrow Leftarrow Leftrightarrow mapsto
    longrightarrow longmapsto uparrow downarrow implies iff
    left right big Big bigg Bigg langle rangle lfloor rfloor lceil rceil lvert rvert lVert
    rVert vert Vert backslash quad qquad
    hat widehat tilde widetilde bar overline underline vec dot ddot breve check acute grave
    overrightarrow overleftarrow
    H c d k r u v t""".split()
)
_COMMAND_RE = re.compile(r"\\([A-Za-z]+)")


def _neutralise_commands(math: str) -> str:
    """Commands outside ``MATH_COMMANDS`` written as text: ``\\input`` -> ``\\backslash{}input``."""
    return _COMMAND_RE.sub(
        lambda m: m.group() if m.group(1) in MATH_COMMANDS else r"\backslash{}" + m.group(1),
        math,
    )


def latex_escape(text: str) -> str:
    """``text`` safe inside a BibTeX field: specials escaped, balanced ``$...$`` math kept."""
    text = _SPACE_RE.sub(" ", text or "").strip()
    out, last = [], 0
    for match in _INLINE_MATH_RE.finditer(text):
        math = match.group(1)
        if not _balanced(math) or math.endswith("\\"):
            continue  # not math we can keep: escaped with the text around it
        out.append(_escape_text(text[last : match.start()]))
        math = _MATH_RE.sub(lambda m: MATH_SPECIALS[m.group()], math)
        out.append("$" + _neutralise_commands(math) + "$")
        last = match.end()
    out.append(_escape_text(text[last:]))
    return "".join(out)


def bibtex_name(name: str) -> str:
    """An author for the ``author`` field: escaped; braced whole when BibTeX would split it."""
    escaped = latex_escape(name)
    if "," in escaped or re.search(r"\sand\s", escaped, re.IGNORECASE):
        return "{" + escaped + "}"
    return escaped


def _verbatim(value: str) -> str:
    """URLs and DOIs are not LaTeX text: only what could break the entry is percent-encoded."""
    return quote((value or "").strip(), safe="/:?&=#%@!$'()*+,;~-._[]<>\"|^`")


MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def paper_year(paper) -> int | None:
    """The published year (a day's or a month's: the arXiv id's), else the one in the arXiv
    id; None for a paper that has neither (the date it was listed here is not the paper's:
    the entry then has no ``year`` rather than a wrong one)."""
    if paper.published:
        return paper.published.year
    return arxiv.submission_year(paper.arxiv_id)


def paper_month(paper) -> str:
    """BibTeX's month macro (``nov``) when the published month is known, else ""."""
    return MONTHS[paper.published.month - 1] if paper.published else ""


def _author_names(paper) -> list[str]:
    return [authorship.author.name for authorship in paper.authorships.all()]


def _key_part(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", ascii_slug(text, fallback=""))


def base_key(paper) -> str:
    """``<first author's family name><year><first title word>``: ``shah2023vint``."""
    names = _author_names(paper)
    family = _key_part(names[0].split()[-1]) if names else ""
    words = (_key_part(token) for token in re.split(r"[\s\-:/]+", paper.title))
    word = next((w for w in words if w and w not in KEY_STOP_WORDS), "")
    return f"{family or 'anonymous'}{paper_year(paper) or ''}{word}"[:60]


def paper_entry(paper, *, key: str | None = None, site_url: str = "") -> str:
    """The ``@misc`` entry for ``paper`` (its authorships and primary category loaded).

    ``site_url`` (scheme and host) gives papers without an arXiv id, DOI, project
    page or PDF a ``url`` to the catalogue's page.
    """
    fields = [
        ("title", latex_escape(paper.title)),
        ("author", " and ".join(bibtex_name(n) for n in _author_names(paper))),
        ("year", str(paper_year(paper) or "")),
    ]
    if paper.arxiv_id:
        fields += [("eprint", paper.arxiv_id), ("archivePrefix", "arXiv")]
        if paper.primary_category_id:
            fields.append(("primaryClass", paper.primary_category.code))
    if paper.doi:
        fields.append(("doi", _verbatim(paper.doi)))
    if paper.journal_ref:
        fields.append(("note", latex_escape(paper.journal_ref)))
    url = paper.arxiv_url or paper.project_page or paper.pdf_url
    if not url and not paper.doi and site_url:
        url = site_url.rstrip("/") + paper.get_absolute_url()
    if url:
        fields.append(("url", _verbatim(url)))
    lines = [f"  {name} = {{{value}}},\n" for name, value in fields if value]
    month = paper_month(paper)
    if month:  # a macro, unbraced: each style prints the month in its own form
        after_year = next(i for i, line in enumerate(lines) if line.startswith("  year =")) + 1
        lines.insert(after_year, f"  month = {month},\n")
    body = "".join(lines)
    return f"@misc{{{key or base_key(paper)},\n{body}}}\n"


def papers_bibtex(papers: Iterable, *, site_url: str = "") -> str:
    """Entries for several papers; a repeated key gets a letter suffix (``...b``, ``...c``)."""
    used: set[str] = set()
    entries = []
    for paper in papers:
        base = key = base_key(paper)
        n = 0
        while key in used:
            n += 1
            key = base + _suffix(n)
        used.add(key)
        entries.append(paper_entry(paper, key=key, site_url=site_url))
    return "\n".join(entries)


def _suffix(n: int) -> str:
    """``n`` in base 26 with the digits a-z: 1 → b, 25 → z, 26 → ba."""
    letters = ""
    while True:
        n, rest = divmod(n, 26)
        letters = "abcdefghijklmnopqrstuvwxyz"[rest] + letters
        if not n:
            return letters
