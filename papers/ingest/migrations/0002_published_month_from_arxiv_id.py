"""Papers with an arXiv id but no published date get the id's month, at month precision
(``2411.04983`` → November 2024): the rule papers/ingest/writes.py applies from now on."""

import datetime as dt

from django.db import migrations


def month_of(arxiv_id):
    number = arxiv_id.rsplit("/", 1)[-1]
    if not number[:4].isdigit():
        return None
    yy, mm = int(number[:2]), int(number[2:4])
    if not 1 <= mm <= 12:
        return None
    year = (1900 + yy if yy >= 91 else 2000 + yy) if "/" in arxiv_id else 2000 + yy
    return dt.date(year, mm, 1)


def fill(apps, schema_editor):
    Paper = apps.get_model("core", "Paper")
    todo = Paper.objects.filter(published__isnull=True, arxiv_id__isnull=False)
    changed = []
    for pk, arxiv_id in list(todo.values_list("pk", "arxiv_id")):
        month = month_of(arxiv_id)
        if month is not None:
            changed.append(Paper(pk=pk, published=month, published_precision="month"))
        if len(changed) >= 2000:
            Paper.objects.bulk_update(changed, ["published", "published_precision"])
            changed = []
    Paper.objects.bulk_update(changed, ["published", "published_precision"])


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_paper_thumbnail_precision_comments_repository_sync"),
        ("ingest", "0001_fetch_status_locks_slots"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
