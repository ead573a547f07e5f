"""Every URL pattern of the site, from the resolver, made into a real address.

``site_world()`` builds one of everything a URL can name (a paper, an author, a
topic, a repository, a member, digest and password-reset tokens); ``every_path``
walks ``get_resolver()`` (the admin included) and fills each pattern's
arguments from it. A pattern added later is picked up on its own; one whose
arguments are unknown here makes the tests fail with its name, so it cannot be
left out silently.
"""

import re
import time
from dataclasses import dataclass

from django.apps import apps
from django.contrib.auth.tokens import default_token_generator
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.urls import URLResolver, get_resolver
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from papers.community.collections import services as collections
from papers.community.discussion import services as discussion
from papers.community.models import Upvote
from papers.community.notifications import emails as notification_emails
from papers.core.models import Paper
from papers.digest import subscriptions
from papers.digest.models import DigestDelivery
from tests.factories import (
    make_author,
    make_category,
    make_paper,
    make_repository,
    make_subscription,
    make_topic,
    make_upvote,
    make_user,
)

ARGUMENT = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
# Regular-expression patterns, by their text, and an address each one matches.
REGEX_EXAMPLES = {
    "admin/^(?P<app_label>auth|django_tasks_database|core|ingest|community|digest)/$": (
        "admin/core/"
    ),
    # Thumbnails, served by Django in development and in the tests (SERVE_MEDIA).
    "^media/(?P<path>.*)$": "media/thumbnails/no-such-file.webp",
    "admin/(?P<url>.*)$": "admin/no-such-page/",
    "^api/(?P<rest>.*)$": "api/v2/papers/",
}


@dataclass(frozen=True)
class Route:
    text: str  # the pattern as written, the admin's prefix included
    name: str  # "namespace:name", or the text for unnamed patterns
    path: str  # a concrete address

    def __str__(self):
        return self.name


def site_world() -> dict:
    """One of everything the site's URLs can name; returns the values for their arguments."""
    topic = make_topic(name="Vision", slug="vision", description="Seeing *things*.")
    author = make_author(name="Ada Lovelace", slug="ada-lovelace")
    repository = make_repository(owner="ada", name="engine")
    category = make_category()
    paper = make_paper(
        arxiv_id="2401.00001",
        authors=[author],
        topics=[topic],
        repositories=[repository],
        categories=[category],
    )
    other = make_paper(arxiv_id=None, title="A paper without an arXiv id")
    member = make_user("member")
    make_upvote(paper=paper, user=member)
    comment = discussion.comment_create(paper=paper, author=member, body="A *first* comment.")
    collection = collections.collection_create(owner=member, name="Reading list", is_public=True)
    collections.collection_add(collection=collection, paper=paper)
    subscription = make_subscription("reader@example.org", topics=[topic], confirmed=False)
    DigestDelivery.objects.create(subscription=subscription, frequency="daily", period="2026-11-20")
    confirm = subscriptions.confirm_token(
        subscription=subscription, frequency="weekly", topic_ids=[], asked_at=time.time()
    )
    return {
        "paper": paper,
        "paper_without_arxiv_id": other,
        "member": member,
        "subscription": subscription,
        "comment": comment,
        "collection": collection,
        "values": {
            "arxiv_id": paper.arxiv_id,
            "pk": other.pk,
            "slug": {"author": author.slug, "topic": topic.slug, "collection": collection.slug},
            "comment_id": comment.pk,
            "owner": repository.owner,
            "name": repository.name,
            "username": member.username,
            "key": {"edition_day": "2026-11-20", "edition_week": "2026-W47"},
            "uidb64": urlsafe_base64_encode(force_bytes(member.pk)),
            "token": {
                "password_reset_confirm": default_token_generator.make_token(member),
                "subscribe_confirm": confirm,
                "notification": notification_emails.unsubscribe_token(member),
                "unsubscribe": subscriptions.unsubscribe_token(subscription),
            },
            "section": "papers",
            "content_type_id": ContentType.objects.get_for_model(Paper).pk,
            "id": member.pk,
        },
    }


def _walk(patterns, prefix="", namespace=""):
    for pattern in patterns:
        text = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, text, ns)
        else:
            yield text, f"{namespace}{pattern.name}" if pattern.name else text


def _admin_object_id(name: str) -> str:
    """The pk of a row of the model an admin URL name is about (``admin:core_paper_change``)."""
    for model in apps.get_models():
        label = f"{model._meta.app_label}_{model._meta.model_name}_"
        if name.removeprefix("admin:").startswith(label):
            row = model._default_manager.order_by("pk").first()
            return str(row.pk) if row else "1"
    return "1"


def _value(values, argument: str, name: str, text: str):
    if argument == "object_id":
        if name == "admin:view_on_site":
            return values["paper_pk"]
        return _admin_object_id(name if ":" in name and name != text else _name_from(text))
    if argument == "key" and name == "edition_month":
        return "2026-11"
    value = values[argument]
    if isinstance(value, dict):
        for hint, choice in value.items():
            if hint in name:
                return choice
        raise KeyError(f"no value for <{argument}> in {name}")
    return value


def _name_from(text: str) -> str:
    """Unnamed admin patterns (``admin/papers/paper/<path:object_id>/``) by their model."""
    parts = text.split("/")
    return f"admin:{parts[1]}_{parts[2]}_"


def every_path(world: dict) -> list[Route]:
    values = {**world["values"], "paper_pk": str(world["paper"].pk)}
    routes = []
    for text, name in _walk(get_resolver().url_patterns):
        if text in REGEX_EXAMPLES:
            routes.append(Route(text, name, "/" + REGEX_EXAMPLES[text]))
            continue
        if "(?P<" in text:
            raise AssertionError(f"no example address for the pattern {text!r}: add one")
        path = ARGUMENT.sub(
            lambda m, name=name, text=text: str(_value(values, m["name"], name, text)), text
        )
        routes.append(Route(text, name, "/" + path))
    return routes


def database_state() -> dict:
    """Every row of every table (sessions aside), to compare before and after requests."""
    state = {}
    for model in apps.get_models():
        if model is Session or model._meta.proxy:
            continue
        state[model._meta.label] = list(model._default_manager.order_by("pk").values_list())
    return state


def votes_of(paper) -> tuple[int, set]:
    paper = Paper.objects.get(pk=paper.pk)
    return paper.upvote_count, set(
        Upvote.objects.filter(paper=paper).values_list("user_id", flat=True)
    )
