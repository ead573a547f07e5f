"""Markdown written by curators and members, rendered once to sanitised HTML.

The HTML is stored beside the source (rendered at save or import) and shown as
it is; nh3 keeps only an allow-list of tags and attributes, so no script,
style or foreign markup survives.
"""

import markdown
import nh3

MARKDOWN_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "em", "h3", "h4", "hr", "i",
    "li", "ol", "p", "pre", "strong", "sub", "sup", "ul",
}  # fmt: skip


def render_markdown(text: str) -> str:
    """Markdown to HTML, sanitised with an allow-list: no scripts, no styles, safe links."""
    html = markdown.markdown(text or "", extensions=["extra"], output_format="html")
    return nh3.clean(
        html,
        tags=MARKDOWN_TAGS,
        attributes={"a": {"href", "title"}, "abbr": {"title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer",
    )
