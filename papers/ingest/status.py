"""The last fetch result of each paper and repository (``FetchStatus``), for the admin."""

from collections.abc import Iterable

from django.utils import timezone

from papers.core.bulk import chunks

from .models import FetchStatus

Source, State = FetchStatus.Source, FetchStatus.State


def statuses_set(
    *,
    source: str,
    state: str,
    paper_ids: Iterable[int] = (),
    repository_ids: Iterable[int] = (),
    message: str = "",
) -> None:
    """Record ``state`` for these papers or repositories: ``queued`` stamps ``queued_at``,
    any other state ``finished_at``. One row per (source, object), updated in place."""
    now = timezone.now()
    stamp = {"queued_at": now} if state == State.QUEUED else {"finished_at": now}
    for field, ids in (("paper_id", paper_ids), ("repository_id", repository_ids)):
        for chunk in chunks(set(ids)):
            rows = FetchStatus.objects.filter(source=source, **{f"{field}__in": chunk})
            have = set(rows.values_list(field, flat=True))
            rows.update(state=state, message=message[:2000], **stamp)
            FetchStatus.objects.bulk_create(
                [
                    FetchStatus(
                        source=source, state=state, message=message[:2000], **{field: pk}, **stamp
                    )
                    for pk in chunk
                    if pk not in have
                ],
                ignore_conflicts=True,
            )


def status_describe(status: FetchStatus | None) -> str:
    """``Updated 26 Nov 2026 14:03: created`` / ``Queued 14:02`` / ``Never``."""
    if status is None:
        return "Never"
    if status.state == State.QUEUED:
        return f"Queued {timezone.localtime(status.queued_at):%d %b %Y %H:%M}"
    when = timezone.localtime(status.finished_at) if status.finished_at else None
    text = status.get_state_display()
    if when:
        text += f" {when:%d %b %Y %H:%M}"
    if status.message:
        text += f": {status.message}"
    return text
