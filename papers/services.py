"""Writes to the catalogue. Keyword-only functions named ``<noun>_<verb>``.

Importers, the demo loader and the admin use these so that there is one way to
create an author, a repository or a paper's author list.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import transaction

from . import arxiv, search
from .models import (
    Author,
    Authorship,
    Category,
    CodeLink,
    Paper,
    Repository,
    Topic,
    parse_repository_url,
)
from .names import ascii_slug, clean_name, name_key


@dataclass(frozen=True)
class AuthorCredit:
    name: str
    affiliation: str = ""


def category_get_or_create(*, code: str) -> Category:
    category, _ = Category.objects.get_or_create(
        code=code, defaults={"name": arxiv.CATEGORY_NAMES.get(code, "")}
    )
    return category


def unique_slug(model, text: str, *, fallback: str) -> str:
    """``text`` slugified, with ``-2``, ``-3``... appended while the slug is taken."""
    base = ascii_slug(text, fallback=fallback)
    taken = set(model.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def author_get_or_create(*, name: str) -> tuple[Author, bool]:
    """The author with this normalised name, or a new one.

    Matching is deliberately conservative (see ``names.name_key``); curators
    merge the remaining duplicates in the admin.
    """
    display = clean_name(name)
    if not display:
        raise ValueError("an author needs a name")
    author = Author.objects.filter(name_key=name_key(display)).order_by("pk").first()
    if author:
        return author, False
    author = Author(name=display, slug=unique_slug(Author, display, fallback="author"))
    author.save()
    return author, True


def paper_set_authors(*, paper: Paper, credits: Sequence[AuthorCredit]) -> bool:
    """Make the paper's author list exactly ``credits``, in order. Returns whether it changed."""
    wanted = []
    seen = set()
    for credit in credits:
        author, _ = author_get_or_create(name=credit.name)
        if author.pk in seen:  # the same person listed twice: keep the first place
            continue
        seen.add(author.pk)
        wanted.append((author.pk, credit.affiliation))
    current = list(paper.authorships.order_by("position").values_list("author_id", "affiliation"))
    if current == wanted:
        return False
    with transaction.atomic():
        paper.authorships.all().delete()
        Authorship.objects.bulk_create(
            Authorship(paper=paper, author_id=author_id, position=position, affiliation=affil)
            for position, (author_id, affil) in enumerate(wanted, start=1)
        )
        search.index_papers([paper.pk])
    return True


def repository_get_or_create(*, url: str, **defaults) -> tuple[Repository, bool]:
    parts = parse_repository_url(url)
    repository = Repository.objects.filter(
        host=parts["host"], owner__iexact=parts["owner"], name__iexact=parts["name"]
    ).first()
    if repository:
        return repository, False
    return Repository.objects.create(**parts, **defaults), True


def paper_set_code_links(*, paper: Paper, links: Iterable[tuple[str, bool]]) -> bool:
    """Add links to ``(url, is_official)`` repositories; existing links keep their other flags."""
    changed = False
    for url, is_official in links:
        repository, _ = repository_get_or_create(url=url)
        link, created = CodeLink.objects.get_or_create(
            paper=paper, repository=repository, defaults={"is_official": is_official}
        )
        if not created and link.is_official != is_official:
            link.is_official = is_official
            link.save(update_fields=["is_official"])
            changed = True
        changed = changed or created
    return changed


def topic_get_or_create(*, name: str, description: str = "") -> tuple[Topic, bool]:
    topic = Topic.objects.filter(name__iexact=name).first()
    if topic:
        return topic, False
    topic = Topic(
        name=name, description=description, slug=unique_slug(Topic, name, fallback="topic")
    )
    topic.save()
    return topic, True
