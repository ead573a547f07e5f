r"""Titles and abstracts as arXiv writes them, made pleasant to read.

LaTeX math (``$...$``, ``$$...$$``, ``\(...\)``, ``\[...\]``) is kept exactly as
written: ``static/js/math.js`` renders it with KaTeX, and without JavaScript the
source stays readable. Only the text around it is tidied:

- line breaks inside a paragraph (arXiv wraps abstracts) become spaces; a blank
  line still starts a new paragraph;
- ````quotes''`` become “quotes”, ``--`` an en dash, ``---`` an em dash;
- the text escapes ``\%``, ``\&``, ``\#`` and ``\_`` lose their backslash;
- ``\emph{word}``, ``\textit{}``, ``\textbf{}`` and ``\texttt{}`` keep the word;
- TeX that lost its dollars upstream (abstracts copied from a PDF or a proceedings
  page: ``1{2} -epsilon``, ``Norouzi{-}Fard``, ``epsilon^{-1}``) is read as the
  text it stood for: ``1/2 -ε``, ``Norouzi-Fard``, ``ε⁻¹``: braces around a few
  characters inside a word go, ``a{b}`` between digits is a fraction, ``^{...}``
  and ``_{...}`` of digits and signs become superscripts and subscripts, and a
  Greek letter's name next to such TeX becomes the letter.

    {{ paper.title|arxiv_text }}
    {{ paper.abstract|arxiv_text|urlize|linebreaks }}
    {{ paper.abstract|arxiv_preview:320 }}   shortened, never in the middle of math
"""

import re

from django import template

register = template.Library()

MATH = re.compile(r"\$\$.+?\$\$|(?<!\\)\$[^$]+?(?<!\\)\$|\\\(.+?\\\)|\\\[.+?\\\]", re.DOTALL)
# Math and addresses are kept as written: tidying is for prose ("alpha" in a URL stays).
VERBATIM = re.compile(MATH.pattern + r"|\b(?:https?://|www\.)[^\s<>\"]+", re.DOTALL)
TEXT_COMMAND = re.compile(r"\\(?:emph|textit|textbf|texttt|textrm|textsf)\{([^{}]*)\}")
TEXT_ESCAPE = re.compile(r"\\([%&#_])")
PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")
SPACES = re.compile(r"[ \t\r\n]+")
# Math a shortened abstract may still end with rather than stop just before it.
MATH_OVERRUN = 60


GREEK = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε",
    "varepsilon": "ε", "zeta": "ζ", "eta": "η", "theta": "θ", "kappa": "κ",
    "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "pi": "π", "rho": "ρ",
    "sigma": "σ", "tau": "τ", "phi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω",
}  # fmt: skip
SUPERSCRIPTS = str.maketrans("0123456789+-=()n", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿ")
SUBSCRIPTS = str.maketrans("0123456789+-=()", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎")
BRACED_IN_WORD = re.compile(r"(?<=\w)\{([^{}\s]{1,3})\}(?=\w)")
FRACTION = re.compile(r"(?<![\w{}])(\d+)\{(\d+)\}")
SCRIPT = re.compile(r"([\^_])\{([-+=()0-9n]{1,8})\}|([\^_])([0-9])")
# A Greek letter's name is TeX only in a mathematical neighbourhood: right after a sign,
# a comma or an opening parenthesis, or right before a super- or subscript.
GREEK_IN_MATH = re.compile(
    r"(?:(?<=[+(,/])|(?<=(?<![A-Za-z])-))("
    + "|".join(sorted(GREEK, key=len, reverse=True))
    + r")\b"
    r"|(?<![A-Za-z\\])(" + "|".join(sorted(GREEK, key=len, reverse=True)) + r")(?=[\^_])"
)


def _script(match) -> str:
    mark, body = (match.group(1), match.group(2)) if match.group(1) else match.group(3, 4)
    return body.translate(SUPERSCRIPTS if mark == "^" else SUBSCRIPTS)


def _stray_tex(text: str) -> str:
    """TeX that lost its math dollars, read as the text it stood for."""
    text = FRACTION.sub(r"\1/\2", text)
    text = BRACED_IN_WORD.sub(r"\1", text)
    text = GREEK_IN_MATH.sub(lambda m: GREEK[m.group(1) or m.group(2)], text)
    return SCRIPT.sub(_script, text)


def _tidy(text: str) -> str:
    text = _stray_tex(text)
    text = TEXT_COMMAND.sub(r"\1", text)
    text = TEXT_ESCAPE.sub(r"\1", text)
    text = text.replace("``", "“").replace("''", "”")
    return text.replace("---", "—").replace("--", "–")


def _outside_math(text: str, change) -> str:
    """``text`` with ``change`` applied to every stretch that is neither math nor an address."""
    pieces, start = [], 0
    for match in VERBATIM.finditer(text):
        pieces += [change(text[start : match.start()]), match.group()]
        start = match.end()
    pieces.append(change(text[start:]))
    return "".join(pieces)


@register.filter
def arxiv_text(value) -> str:
    """The text tidied outside math; paragraphs separated by one blank line."""
    if not value:
        return ""
    paragraphs = PARAGRAPH_BREAK.split(str(value).strip())
    return "\n\n".join(_outside_math(SPACES.sub(" ", paragraph), _tidy) for paragraph in paragraphs)


@register.filter
def arxiv_preview(value, length=320) -> str:
    """``arxiv_text`` on one line, cut at a word boundary near ``length`` characters
    and never inside math (a formula either fits whole or is left out)."""
    text = SPACES.sub(" ", arxiv_text(value))
    length = int(length)
    if len(text) <= length:
        return text
    cut = text.rfind(" ", 0, length)
    cut = cut if cut > length // 2 else length
    for match in MATH.finditer(text):
        if match.start() < cut < match.end():
            cut = match.end() if match.end() - cut <= MATH_OVERRUN else match.start()
            break
    return text[:cut].rstrip(" ,;:") + "…"
