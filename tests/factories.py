"""Test data builders. Each returns saved objects with sensible, unique defaults.

Like every writer, they end with ``derived.papers_changed`` for the papers they
wrote (papers/core/derived.py), so search text and ``has_code`` are fresh; a
test that then edits rows with the ORM calls it too.
"""

import datetime as dt
import itertools

from django.contrib.auth import get_user_model
from django.db.models import F
from django.utils import timezone

from papers.community.models import Upvote
from papers.core import derived
from papers.core.models import Author, Authorship, Category, CodeLink, Paper, Repository, Topic
from papers.digest.models import Subscription

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
    derived.papers_changed(paper_ids=[paper.pk])
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


ATOM_HEADER = """<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom"
      xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">
  <title type="html">ArXiv Query: generated</title>
  <id>http://arxiv.org/api/generated</id>
  <updated>2026-11-20T00:00:00-05:00</updated>
  <opensearch:totalResults>{total}</opensearch:totalResults>
  <opensearch:startIndex>{start}</opensearch:startIndex>
  <opensearch:itemsPerPage>{count}</opensearch:itemsPerPage>
"""


def arxiv_entry(arxiv_id, *, version=1, title=None, authors=None, categories=("cs.LG",), **extra):
    """One arXiv API ``<entry>`` (XML text). ``authors`` are names or (name, affiliation)."""
    from xml.sax.saxutils import escape

    title = title or f"Generated Paper {arxiv_id}"
    authors = authors if authors is not None else [f"Author {arxiv_id} A", f"Author {arxiv_id} B"]
    people = []
    for author in authors:
        name, affiliation = (author, "") if isinstance(author, str) else author
        people.append(
            f"<author><name>{escape(name)}</name>"
            + (
                f"<arxiv:affiliation>{escape(affiliation)}</arxiv:affiliation>"
                if affiliation
                else ""
            )
            + "</author>"
        )
    optional = "".join(
        f"<arxiv:{tag}>{escape(value)}</arxiv:{tag}>" for tag, value in extra.items() if value
    )
    terms = "".join(f'<category term="{code}"/>' for code in categories)
    primary = f'<arxiv:primary_category term="{categories[0]}"/>' if categories else ""
    return f"""  <entry>
    <id>http://arxiv.org/abs/{arxiv_id}v{version}</id>
    <updated>2026-11-{min(version, 28):02d}T10:00:00Z</updated>
    <published>2026-11-01T10:00:00Z</published>
    <title>{escape(title)}</title>
    <summary>An abstract for {escape(title)} with $x^2$ in it.</summary>
    {"".join(people)}{optional}
    <link title="pdf" href="http://arxiv.org/pdf/{arxiv_id}v{version}" type="application/pdf"/>
    {primary}{terms}
  </entry>
"""


def arxiv_feed(entries, *, total=None, start=0) -> bytes:
    """An arXiv API Atom feed around ``entries`` (texts from ``arxiv_entry``)."""
    entries = list(entries)
    total = len(entries) if total is None else total
    header = ATOM_HEADER.format(total=total, start=start, count=len(entries))
    return (header + "".join(entries) + "</feed>\n").encode()


def generated_arxiv_feed(count: int, *, first: int = 1, authors_per_paper: int = 5) -> bytes:
    """A feed of ``count`` distinct papers, authors shared between neighbours (as in real data)."""
    return arxiv_feed(
        arxiv_entry(
            f"2611.{n:05d}",
            authors=[f"Researcher {n + k} Surname" for k in range(authors_per_paper)],
            categories=("cs.LG", "cs.CL") if n % 2 else ("cs.CV",),
            comment=f"{n % 20 + 4} pages",
        )
        for n in range(first, first + count)
    )


def admin_paper_data(paper, **changes) -> dict:
    """The paper editor's form (``/admin/core/paper/<pk>/change/``) for ``paper`` as it is
    now, with ``changes`` applied: what a curator's browser sends when saving it."""
    paper.refresh_from_db()
    authorships = list(paper.authorships.order_by("position"))
    links = list(paper.code_links.order_by("pk"))
    data = {
        "title": paper.title,
        "abstract": paper.abstract,
        "status": paper.status,
        "listed_on": paper.listed_on.isoformat(),
        "arxiv_id": paper.arxiv_id or "",
        "published": paper.published.isoformat() if paper.published else "",
        "project_page": paper.project_page,
        "topics": [topic.pk for topic in paper.topics.all()],
        "categories": [category.pk for category in paper.categories.all()],
        "primary_category": paper.primary_category_id or "",
        "authorships-TOTAL_FORMS": str(len(authorships)),
        "authorships-INITIAL_FORMS": str(len(authorships)),
        "code_links-TOTAL_FORMS": str(len(links)),
        "code_links-INITIAL_FORMS": str(len(links)),
    }
    for n, row in enumerate(authorships):
        data |= {
            f"authorships-{n}-id": row.pk,
            f"authorships-{n}-paper": paper.pk,
            f"authorships-{n}-position": row.position,
            f"authorships-{n}-author": row.author_id,
            f"authorships-{n}-affiliation": row.affiliation,
        }
    for n, link in enumerate(links):
        data |= {
            f"code_links-{n}-id": link.pk,
            f"code_links-{n}-paper": paper.pk,
            f"code_links-{n}-repository": link.repository_id,
        }
        if link.is_official:
            data[f"code_links-{n}-is_official"] = "on"
    data.update(changes)
    return data
