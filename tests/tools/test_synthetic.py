import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from papers.community.models import Upvote
from papers.core.models import Author, Authorship, Paper
from tools.bench.management.commands.generate_papers import Command as GeneratePapers

pytestmark = pytest.mark.django_db
END = dt.date(2026, 11, 26)


def generate(papers, seed=7):
    out = io.StringIO()
    call_command(GeneratePapers(), papers=papers, seed=seed, end=END.isoformat(), stdout=out)
    return out.getvalue()


def test_generates_a_realistic_catalogue():
    out = generate(600)
    assert "Generated 600 papers" in out
    papers = Paper.objects.published()
    assert papers.count() == 600
    # Listed over three years of weekdays, newest no later than the end date.
    dates = papers.values_list("listed_on", flat=True)
    assert min(dates) >= END - dt.timedelta(days=3 * 365)
    assert max(dates) <= END
    assert all(d.weekday() < 5 for d in dates)
    # About a third have code.
    assert 0.25 < papers.filter(has_code=True).count() / 600 < 0.42
    # Every paper has authors in order 1..n, and ids are valid arXiv ids.
    positions = Authorship.objects.values("paper").annotate(n=Count("id"))
    assert positions.count() == 600
    assert all(p.arxiv_id and p.pdf_url.endswith(p.arxiv_id) for p in papers[:50])
    # Upvotes are power-law: most papers have few, some many; counts match rows.
    counts = sorted(papers.values_list("upvote_count", flat=True))
    assert counts[len(counts) // 2] <= 3
    assert counts[-1] >= 20
    assert sum(counts) == Upvote.objects.count()
    # Papers per author is skewed: a prolific author exists.
    top = Author.objects.annotate(n=Count("authorships")).order_by("-n").first()
    assert top.n >= 10
    # Abstracts are long technical text.
    assert all(len(p.abstract.split()) > 80 for p in papers[:20])


def test_same_seed_same_catalogue_on_empty_database():
    generate(50, seed=3)
    first = list(Paper.objects.order_by("pk").values_list("arxiv_id", "title", "listed_on"))
    Paper.objects.all().delete()
    Author.objects.all().delete()
    generate(50, seed=3)
    second = list(Paper.objects.order_by("pk").values_list("arxiv_id", "title", "listed_on"))
    assert [row[1:] for row in first] == [row[1:] for row in second]


def test_pages_work_on_generated_data(client):
    generate(120)
    paper = Paper.objects.order_by("-upvote_count").first()
    assert client.get(paper.get_absolute_url()).status_code == 200
    assert client.get("/").status_code == 200
    author = Author.objects.annotate(n=Count("authorships")).order_by("-n").first()
    assert client.get(author.get_absolute_url()).status_code == 200


def test_rejects_bad_arguments():
    with pytest.raises(CommandError, match="--papers"):
        call_command(GeneratePapers(), papers=0)
    with pytest.raises(CommandError, match="--end"):
        call_command(GeneratePapers(), papers=5, end="tomorrow")
    assert not Paper.objects.exists()


def test_generated_papers_are_indexed_and_scored():
    from papers.community import trending
    from papers.core import derived
    from papers.search import engines
    from papers.search.query import parse_query

    generate(80)
    ids = list(Paper.objects.values_list("pk", flat=True))
    # The search text written by the generator is exactly what the index computes...
    assert derived.refresh_papers(ids) == 0
    # ...and the search finds the papers through it (a title word, an author name).
    paper = Paper.objects.order_by("pk").first()
    word = max(paper.title.split(), key=len).strip(":,")
    response_ids = engines.filter_matching(Paper.objects.all(), parse_query(word))
    assert paper in response_ids
    author = paper.authorships.order_by("position").first().author
    by_author = engines.filter_matching(Paper.objects.all(), parse_query(f'"{author.name}"'))
    assert paper in by_author
    # Trending scores are stored for the generated votes.
    assert trending.refresh_all() == 0
