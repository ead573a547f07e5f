"""Test data builders. Each returns saved objects with sensible, unique defaults."""

import datetime as dt
import itertools

from django.contrib.auth import get_user_model
from django.db.models import F
from django.utils import timezone

from papers.models import (
    Author,
    Authorship,
    Category,
    CodeLink,
    Paper,
    Repository,
    Subscription,
    Topic,
    Upvote,
)

_seq = itertools.count(1)


def make_user(username=None, **fields):
    n = next(_seq)
    username = username or f"member{n}"
    fields.setdefault("email", f"{username}@example.org")
    password = fields.pop("password", "correct horse battery staple")
    return get_user_model().objects.create_user(username=username, password=password, **fields)


def make_author(name=None, **fields):
    n = next(_seq)
    name = name or f"Author Number{n}"
    fields.setdefault("slug", f"author-{n}")
    return Author.objects.create(name=name, **fields)


def make_topic(name=None, **fields):
    n = next(_seq)
    name = name or f"Topic {n}"
    fields.setdefault("slug", f"topic-{n}")
    return Topic.objects.create(name=name, **fields)


def make_category(code="cs.LG", name="Machine Learning"):
    return Category.objects.get_or_create(code=code, defaults={"name": name})[0]


def make_repository(owner=None, name=None, **fields):
    n = next(_seq)
    owner = owner or f"owner{n}"
    name = name or f"repo{n}"
    fields.setdefault("url", f"https://github.com/{owner}/{name}")
    fields.setdefault("host", "github.com")
    return Repository.objects.create(owner=owner, name=name, **fields)


def make_paper(*, authors=(), topics=(), repositories=(), categories=(), **fields):
    """A published paper. ``authors`` are Author objects or names, kept in order."""
    n = next(_seq)
    fields.setdefault("title", f"A Study of Things, Part {n}")
    fields.setdefault("abstract", f"We study things, part {n}.")
    fields.setdefault("arxiv_id", f"2401.{n:05d}")
    fields.setdefault("listed_on", dt.date(2026, 11, 20))
    paper = Paper.objects.create(**fields)
    for position, author in enumerate(authors, start=1):
        if isinstance(author, str):
            author = make_author(author)
        Authorship.objects.create(paper=paper, author=author, position=position)
    if topics:
        paper.topics.add(*topics)
    if categories:
        paper.categories.add(*categories)
    for repository in repositories:
        CodeLink.objects.create(paper=paper, repository=repository, is_official=True)
    paper.refresh_from_db()
    return paper


def make_upvote(*, paper, user=None, created_at=None):
    """An upvote by ``user`` (a new member by default), counted on the paper like a real vote.

    ``created_at`` places the vote in time; trending scores are not refreshed
    (tests call ``papers.trending`` with the ``now`` they want).
    """
    user = user or make_user()
    fields = {"created_at": created_at} if created_at else {}
    vote = Upvote.objects.create(user=user, paper=paper, **fields)
    Paper.objects.filter(pk=paper.pk).update(upvote_count=F("upvote_count") + 1)
    paper.refresh_from_db(fields=["upvote_count"])
    return vote


def make_subscription(email=None, *, topics=(), confirmed=True, frequency="daily", **fields):
    """A digest subscriber, confirmed by default."""
    n = next(_seq)
    email = email or f"reader{n}@example.org"
    if confirmed:
        fields.setdefault("confirmed_at", timezone.now())
    subscription = Subscription.objects.create(
        email=email, confirmed=confirmed, frequency=frequency, **fields
    )
    if topics:
        subscription.topics.set(topics)
    return subscription
