"""Highlighted snippets: the engines put private-use markers around matches; here the
text is HTML-escaped first and only then do the markers become ``<mark>`` tags."""

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Highlight markers: private-use characters that the database puts around matches.
# Text is HTML-escaped first; only then do the markers become <mark> tags.
START, STOP, GAP = "\ue000", "\ue001", "\ue002"
SNIPPET_WORDS = 40  # SQLite: tokens in a snippet; PostgreSQL: about as many words in two fragments
LT, GT = "\ue003", "\ue004"  # stand-ins for < and > while PostgreSQL makes a headline


def marked_html(text: str) -> SafeString:
    """HTML for text whose matches sit between START and STOP markers (GAP: " … ").

    Every piece of text is escaped; only balanced <mark> tags are added.
    """
    out = []
    open_mark = False
    for piece in re.split(f"([{START}{STOP}{GAP}])", text or ""):
        if piece == START:
            if not open_mark:
                out.append("<mark>")
                open_mark = True
        elif piece == STOP:
            if open_mark:
                out.append("</mark>")
                open_mark = False
        elif piece == GAP:
            if open_mark:
                out.append("</mark>")
                open_mark = False
            out.append(" … ")
        elif piece:
            out.append(escape(piece))
    if open_mark:
        out.append("</mark>")
    return mark_safe("".join(out))
