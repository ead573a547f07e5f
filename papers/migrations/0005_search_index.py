"""The search index: denormalised search text and year on papers, then the engine's
own index (PostgreSQL: tsvector column, trigger, GIN and trigram indexes; SQLite:
an FTS5 table and triggers), created by papers.search for the database in use."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models


def fill_search_text(apps, schema_editor):
    from papers.arxiv import submission_year

    Paper = apps.get_model("papers", "Paper")
    Authorship = apps.get_model("papers", "Authorship")
    db = schema_editor.connection.alias
    authors, topics = {}, {}
    for paper_id, name in (
        Authorship.objects.using(db).order_by("paper_id", "position").values_list("paper_id", "author__name")
    ):
        authors.setdefault(paper_id, []).append(name)
    for paper_id, name in (
        Paper.topics.through.objects.using(db).order_by("paper_id", "topic__name").values_list("paper_id", "topic__name")
    ):
        topics.setdefault(paper_id, []).append(name)
    papers = list(Paper.objects.using(db).only("pk", "published", "arxiv_id"))
    for paper in papers:
        paper.authors_text = ", ".join(authors.get(paper.pk, []))
        paper.topics_text = ", ".join(topics.get(paper.pk, []))
        paper.year = paper.published.year if paper.published else submission_year(paper.arxiv_id)
    Paper.objects.using(db).bulk_update(papers, ["authors_text", "topics_text", "year"], batch_size=1000)


def install_search_index(apps, schema_editor):
    from papers import search

    search.install_schema(schema_editor.connection)
    with schema_editor.connection.cursor() as cursor:
        if schema_editor.connection.vendor == "postgresql":
            cursor.execute("UPDATE papers_paper SET title = title")
        else:
            cursor.execute("INSERT INTO paper_search(paper_search) VALUES ('rebuild')")


def drop_search_index(apps, schema_editor):
    from papers import search

    search.drop_schema(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("papers", "0004_author_alias"),
    ]

    operations = [
        migrations.AddField(
            model_name="paper",
            name="year",
            field=models.PositiveSmallIntegerField(
                blank=True,
                editable=False,
                help_text="Year of the paper: the published date's, else the one in its arXiv id.",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="paper",
            name="authors_text",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.AddField(
            model_name="paper",
            name="topics_text",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.AddIndex(
            model_name="paper",
            index=models.Index(
                condition=models.Q(("status", "published")),
                fields=["year", "has_code"],
                name="paper_year_code_idx",
            ),
        ),
        migrations.RunPython(fill_search_text, migrations.RunPython.noop, elidable=False),
        TrigramExtension(),  # PostgreSQL only; a no-op on other databases
        migrations.RunPython(install_search_index, drop_search_index),
    ]
