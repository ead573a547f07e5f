"""Repositories and code links, written in bulk (the code half of the import engine).

``code_links_import`` links papers to repositories as sources state them; the
caller (``writes.papers_import``, the Papers with Code importer) hands the papers
whose links changed to ``derived.papers_changed``.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from papers.core.bulk import chunks
from papers.core.models import CodeLink, Paper, Repository, parse_repository_url


@dataclass(frozen=True)
class CodeLinkRecord:
    """A repository for a paper as a source states it."""

    url: str
    is_official: bool = False
    mentioned_in_paper: bool = False
    mentioned_in_github: bool = False
    framework: str = ""
    stars: int | None = None  # a live figure: refreshed whenever given


def _repository_key(parts: dict) -> tuple[str, str, str]:
    return parts["host"], parts["owner"].lower(), parts["name"].lower()


def repositories_get_or_create(
    *, links: Sequence[CodeLinkRecord]
) -> tuple[dict[tuple, Repository], set[tuple]]:
    """The repositories of ``links`` keyed by (host, owner, name) in lower case.

    Matches as ``repository_get_or_create`` does (owner and name in any case)
    and creates the missing ones in bulk. A link's stars refresh the
    repository's until GitHub itself was asked (``last_synced``); its framework
    fills an empty one. Returns the repositories
    and the keys of existing ones that were refreshed.
    """
    wanted: dict[tuple, dict] = {}
    for link in links:
        parts = parse_repository_url(link.url)
        wanted.setdefault(_repository_key(parts), parts)
    found: dict[tuple, Repository] = {}
    for chunk in chunks(parts["url"] for parts in wanted.values()):
        for repository in Repository.objects.filter(url__in=chunk).order_by("pk"):
            found.setdefault(_repository_key(vars(repository)), repository)
    missing = [key for key in wanted if key not in found]
    for chunk in chunks(missing, 200):
        query = Q()
        for host, owner, name in chunk:
            query |= Q(host=host, owner__iexact=owner, name__iexact=name)
        for repository in Repository.objects.filter(query).order_by("pk"):
            found.setdefault(_repository_key(vars(repository)), repository)
    new = {key: Repository(**parts) for key, parts in wanted.items() if key not in found}
    for link in links:
        key = _repository_key(parse_repository_url(link.url))
        if key in new:
            new[key].stars = link.stars if link.stars is not None else new[key].stars
            new[key].framework = new[key].framework or link.framework
    Repository.objects.bulk_create(new.values())
    refreshed = set()
    for link in links:
        key = _repository_key(parse_repository_url(link.url))
        repository = found.get(key)
        if repository is None:
            continue
        # Once GitHub itself was asked (refresh_repos), its count wins over a copy.
        fresh = repository.last_synced is None
        if link.stars is not None and fresh and repository.stars != link.stars:
            repository.stars = link.stars
            refreshed.add(key)
        if link.framework and not repository.framework:
            repository.framework = link.framework
            refreshed.add(key)
    Repository.objects.bulk_update([found[key] for key in refreshed], ["stars", "framework"])
    found.update(new)
    return found, refreshed


CODE_LINK_FLAGS = ("is_official", "mentioned_in_paper", "mentioned_in_github")


def code_links_import(
    *, links: Sequence[tuple[int, CodeLinkRecord]]
) -> tuple[list[tuple[int, str]], set[int]]:
    """Link papers to repositories in bulk; ``links`` are ``(paper_id, record)`` pairs.

    A new link takes the record's flags; an existing one only gains flags (a
    curator's "not official" is not overturned by silence, only by a source
    that says it is). Returns ``(paper_id, outcome)`` per link — ``"created"``,
    ``"updated"`` (a flag gained or its repository's stars or framework
    refreshed) or ``"unchanged"`` — and the ids of papers whose links changed.
    The caller hands those to ``derived.papers_changed`` (``has_code`` follows).
    """
    if not links:
        return [], set()
    repositories, refreshed = repositories_get_or_create(links=[record for _, record in links])
    pairs = []
    for paper_id, record in links:
        key = _repository_key(parse_repository_url(record.url))
        pairs.append((paper_id, repositories[key], record, key in refreshed))
        refreshed.discard(key)  # one refresh is reported once
    existing: dict[tuple[int, int], CodeLink] = {}
    paper_ids = {paper_id for paper_id, *_ in pairs}
    repository_ids = {repository.pk for _, repository, *_ in pairs}
    for ids in chunks(paper_ids):
        for link in CodeLink.objects.filter(paper_id__in=ids, repository_id__in=repository_ids):
            existing[(link.paper_id, link.repository_id)] = link
    new: dict[tuple[int, int], CodeLink] = {}
    changed: dict[tuple[int, int], CodeLink] = {}
    outcomes = []
    for paper_id, repository, record, repository_refreshed in pairs:
        key = (paper_id, repository.pk)
        link = existing.get(key) or new.get(key)
        if link is None:
            new[key] = CodeLink(
                paper_id=paper_id,
                repository=repository,
                **{flag: getattr(record, flag) for flag in CODE_LINK_FLAGS},
            )
            outcomes.append((paper_id, "created"))
            continue
        gained = [f for f in CODE_LINK_FLAGS if getattr(record, f) and not getattr(link, f)]
        for flag in gained:
            setattr(link, flag, True)
        if key in new:  # the same link twice in one batch: one link with both rows' flags
            outcomes.append((paper_id, "unchanged"))
            continue
        if gained:
            changed[key] = link
        outcomes.append((paper_id, "updated" if gained or repository_refreshed else "unchanged"))
    CodeLink.objects.bulk_create(new.values())
    CodeLink.objects.bulk_update(changed.values(), list(CODE_LINK_FLAGS))
    linked = {paper_id for paper_id, _ in new} | {paper_id for paper_id, _ in changed}
    now = timezone.now()
    for ids in chunks(linked):
        Paper.objects.filter(pk__in=ids).update(updated_at=now)
    return outcomes, linked
