"""Links that change one thing about the catalogue's query string.

Every link is built from the valid request (``catalogue.params``), never from the
raw query string, and drops ``page``: a changed filter starts at page one.
On ``/topics/<slug>/`` the topic lives in the path; removing it goes to ``/papers/``.

    {% add_filter facet option %}     add a value (repeatable facet) or replace it
    {% remove_filter facet option %}  drop one value
    {% clear_filters %}               keep the search and the sort, drop every filter
    {% with_param "sort" "new" %}     set one parameter (``None`` removes it)
    {% with_search text %}            the same filters with another search
"""

from django import template
from django.urls import reverse

register = template.Library()


def _url(context, params, *, path=None):
    params = params.copy()
    params.pop("page", None)
    query = params.urlencode()
    path = path if path is not None else context["request"].path
    return f"{path}?{query}" if query else path


def _params(context):
    return context["catalogue"].params.copy()


def _locked_topic(context):
    topic = context.get("topic")
    return topic.slug if topic is not None else None


@register.simple_tag(takes_context=True)
def add_filter(context, facet, option):
    params = _params(context)
    if facet.multiple:
        values = params.getlist(facet.name)
        if option.value not in values:
            params.setlist(facet.name, [*values, option.value])
    else:
        params[facet.name] = option.value
    return _url(context, params)


@register.simple_tag(takes_context=True)
def remove_filter(context, facet, option):
    params = _params(context)
    if facet.name == "topic" and option.value == _locked_topic(context):
        return _url(context, params, path=reverse("paper_list"))
    params.setlist(facet.name, [v for v in params.getlist(facet.name) if v != option.value])
    return _url(context, params)


@register.simple_tag(takes_context=True)
def clear_filters(context):
    params = _params(context)
    kept = {name: params.getlist(name) for name in ("q", "sort") if name in params}
    params.clear()
    for name, values in kept.items():
        params.setlist(name, values)
    return _url(context, params, path=reverse("paper_list"))


@register.simple_tag(takes_context=True)
def with_param(context, name, value):
    params = _params(context)
    if value is None or value == "":
        params.pop(name, None)
    elif name == "more":
        params.setlist("more", [*params.getlist("more"), value])
    else:
        params[name] = value
    return _url(context, params)


@register.simple_tag(takes_context=True)
def with_search(context, text):
    params = _params(context)
    params["q"] = text
    if params.get("sort") == "relevance" and not text:
        params.pop("sort")
    return _url(context, params)
