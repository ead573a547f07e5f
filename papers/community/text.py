"""Markdown that members write (comments, bios, collection descriptions), rendered once
to sanitised HTML.

- LaTeX math (``$...$``, ``$$...$$``, ``\\(...\\)``, ``\\[...\\]``) is kept out of the
  markdown parser's hands (underscores and backslashes would become emphasis and
  escapes) and put back as text, escaped: KaTeX renders it in the browser as it
  does abstracts (static/js/math.js, on elements with the class ``tex``).
- Raw HTML is not markup: ``<b>`` shows as the text ``<b>`` (the parser's HTML
  handling is switched off), and nh3 then keeps only an allow-list of tags.
- No images at all (``![alt](url)`` stays the text written); links keep only http,
  https and mailto addresses and get ``rel="nofollow ugc noopener"``.
"""

import html
import re
import secrets

import markdown
import nh3

TAGS = {
    "a", "blockquote", "br", "code", "del", "em", "h3", "h4", "hr", "li", "ol", "p", "pre",
    "strong", "sub", "sup", "ul",
}  # fmt: skip
LINK_REL = "nofollow ugc noopener"
# Display math first, so "$$x$$" is not read as two inline formulas.
MATH = re.compile(
    r"\$\$.+?\$\$|\\\[.+?\\\]|\\\(.+?\\\)|(?<!\\)\$[^$\n]+?\$",
    re.DOTALL,
)


def _parser() -> markdown.Markdown:
    parser = markdown.Markdown(
        extensions=["fenced_code", "sane_lists", "nl2br"], output_format="html"
    )
    parser.preprocessors.deregister("html_block")
    parser.inlinePatterns.deregister("html")
    # An image stays the text written: nothing is loaded from elsewhere.
    for name in ("image_link", "image_reference", "short_image_ref"):
        parser.inlinePatterns.deregister(name)
    return parser


def render_member_markdown(text: str) -> str:
    """Markdown with math to safe HTML (see the module's docstring)."""
    text = (text or "").replace("\x00", "")
    nonce = secrets.token_hex(6)
    formulas: list[str] = []

    def protect(match: re.Match) -> str:
        formulas.append(match.group(0))
        return f"mathph{nonce}n{len(formulas) - 1}x"

    protected = MATH.sub(protect, text)
    rendered = _parser().convert(protected)
    clean = nh3.clean(
        rendered,
        tags=TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel=LINK_REL,
    )
    if not formulas:
        return clean
    return re.sub(
        rf"mathph{nonce}n(\d+)x",
        lambda match: html.escape(formulas[int(match.group(1))], quote=False),
        clean,
    )
