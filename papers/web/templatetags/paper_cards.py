"""Paper cards from papers/web/cards.py.

{% card_bodies page_obj %}              render (or fetch) a page's card bodies at once
{% card_body paper show_abstract %}     one card's body (rendered now if not fetched)
"""

from django import template
from django.utils.safestring import mark_safe

from papers.web import cards

register = template.Library()


@register.simple_tag
def card_bodies(papers, show_abstract=True):
    cards.attach_bodies(list(papers), show_abstract=show_abstract)
    return ""


@register.simple_tag
def card_body(paper, show_abstract=True):
    cards.attach_bodies([paper], show_abstract=show_abstract)
    return mark_safe(paper.card_body)  # rendered by the template engine, escaped there
