"""The arXiv, Hugging Face daily papers and Papers with Code importers, on the sample
files in tests/data/ (hand-written from each source's documented format)."""

import datetime as dt
import gzip
import io
import json
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from papers.community.models import Upvote
from papers.core import derived
from papers.core.models import (
    Author,
    AuthorAlias,
    Authorship,
    Category,
    CodeLink,
    Paper,
    Repository,
)
from papers.ingest.importers import arxiv_atom, command
from papers.ingest.importers.report import ImportFailed
from tests.factories import (
    arxiv_entry,
    arxiv_feed,
    generated_arxiv_feed,
    make_author,
    make_paper,
    make_repository,
    make_topic,
    make_user,
)

pytestmark = [pytest.mark.django_db, pytest.mark.engine]  # bulk writes (papers/core/bulk.py)

DATA = Path(__file__).parent.parent / "data"
QUERY = DATA / "arxiv" / "query.xml"
UPDATED = DATA / "arxiv" / "query_updated.xml"
BROKEN = DATA / "arxiv" / "not_well_formed.xml"
ERROR_FEED = DATA / "arxiv" / "error.xml"
HF_DAILY = DATA / "hf" / "daily_papers.json"
PWC_LINKS = DATA / "pwc" / "links.json"
PWC_LINKS_GZ = DATA / "pwc" / "links.json.gz"
DAY = dt.date(2026, 11, 26)


@pytest.fixture(autouse=True)
def _no_network(monkeypatch):
    def refuse(url):
        raise AssertionError(f"a test tried to fetch {url}")

    monkeypatch.setattr(arxiv_atom, "http_get", refuse)


def run(name, *args, **options):
    out, err = io.StringIO(), io.StringIO()
    call_command(name, *map(str, args), stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def import_arxiv(*paths, **options):
    options.setdefault("listed_on", DAY.isoformat())
    return run("import_arxiv", *paths, **options)[0]


def snapshot():
    """Every row an importer may write, with timestamps: equal snapshots mean nothing changed."""
    return {
        "papers": sorted(Paper.objects.values_list()),
        "authors": sorted(Author.objects.values_list()),
        "authorships": sorted(Authorship.objects.values_list()),
        "categories": sorted(Category.objects.values_list()),
        "paper_categories": sorted(Paper.categories.through.objects.values_list()),
        "repositories": sorted(Repository.objects.values_list()),
        "links": sorted(CodeLink.objects.values_list()),
    }


def authors_of(paper):
    return list(
        paper.authorships.order_by("position").values_list(
            "author__name", "position", "affiliation"
        )
    )


def summary_counts(out):
    return {
        key: int(line.split(": ")[1])
        for line in out.splitlines()
        for key in ("created", "updated", "unchanged", "skipped")
        if line.startswith(f"{key}: ")
    }


# arXiv ---------------------------------------------------------------------


def test_arxiv_first_import_creates_papers_with_their_metadata():
    out = import_arxiv(QUERY)

    assert summary_counts(out) == {"created": 5, "updated": 0, "unchanged": 0, "skipped": 3}
    mixtral = Paper.objects.get(arxiv_id="2401.04088")
    assert mixtral.arxiv_version == 1
    assert mixtral.title == "Mixtral of Experts"
    assert mixtral.abstract.startswith(
        "We introduce Mixtral 8x7B, a Sparse Mixture of Experts (SMoE) language model. Mixtral"
    )
    assert "\n" not in mixtral.abstract and "  " not in mixtral.abstract
    assert mixtral.published == dt.date(2024, 1, 8)
    assert mixtral.arxiv_updated == dt.date(2024, 1, 8)
    assert mixtral.primary_category.code == "cs.LG"
    assert set(mixtral.categories.values_list("code", flat=True)) == {"cs.LG", "cs.CL"}
    assert mixtral.pdf_url == "http://arxiv.org/pdf/2401.04088v1"
    assert mixtral.comment == "See more details at https://mistral.ai/news/mixtral-of-experts/"
    assert mixtral.listed_on == DAY
    assert mixtral.status == Paper.Status.PUBLISHED
    assert mixtral.upvote_count == 0 and mixtral.hf_upvotes is None
    assert authors_of(mixtral) == [
        ("Albert Q. Jiang", 1, "Mistral AI"),
        ("Alexandre Sablayrolles", 2, ""),
        ("Antoine Roux", 3, ""),
        ("Arthur Mensch", 4, "Mistral AI; École normale supérieure"),
    ]


def test_arxiv_reimport_changes_nothing_not_even_timestamps():
    import_arxiv(QUERY)
    before = snapshot()

    out = import_arxiv(QUERY)

    assert summary_counts(out) == {"created": 0, "updated": 0, "unchanged": 5, "skipped": 3}
    assert snapshot() == before


def test_arxiv_old_style_ids():
    import_arxiv(QUERY)

    paper = Paper.objects.get(arxiv_id="hep-th/9711200")
    assert paper.arxiv_version == 3
    assert paper.primary_category.code == "hep-th"
    assert paper.doi == "10.1023/A:1026654312961"
    assert paper.journal_ref == "Adv.Theor.Math.Phys.2:231-252,1998"
    assert paper.comment.endswith("v3: more references")
    assert paper.get_absolute_url() == "/papers/hep-th/9711200/"


def test_arxiv_unicode_and_latex_in_names_and_abstracts():
    schmidhuber = make_author("Jürgen Schmidhuber")
    import_arxiv(QUERY)

    lstm = Paper.objects.get(arxiv_id="1503.04069")
    names = [name for name, *_ in authors_of(lstm)]
    assert names[2] == "Jan Koutník"  # Jan Koutn\'{i}k in the feed
    assert lstm.authorships.get(position=5).author == schmidhuber  # J\"urgen: matched, not doubled
    assert "$\\approx 5400$" in lstm.abstract and "$\\mathcal{O}(15)$" in lstm.abstract
    # ACM and MSC classes among the category terms are not arXiv categories.
    assert set(lstm.categories.values_list("code", flat=True)) == {"cs.NE", "cs.LG"}

    transformer = Paper.objects.get(arxiv_id="1706.03762")
    assert transformer.title == "Attention Is All You Need"  # a line break in the feed
    assert "Łukasz Kaiser" in [name for name, *_ in authors_of(transformer)]
    bitnet = Paper.objects.get(arxiv_id="2402.17764")
    chinese = Author.objects.get(name="马树铭")
    assert bitnet.authorships.get(author=chinese).position == 2
    assert chinese.slug  # a slug even for a name with no Latin letters


def test_arxiv_missing_optional_fields_stay_empty():
    import_arxiv(QUERY)

    paper = Paper.objects.get(arxiv_id="2402.17764")
    assert paper.arxiv_updated is None
    assert paper.primary_category is None
    assert (paper.comment, paper.journal_ref, paper.doi, paper.pdf_url) == ("", "", "", "")
    assert list(paper.categories.values_list("code", flat=True)) == ["cs.CL"]
    assert paper.pdf_link == "https://arxiv.org/pdf/2402.17764"
    assert authors_of(paper)[0] == ("Shuming Ma", 1, "")


def test_arxiv_malformed_entries_are_skipped_with_a_reason():
    out = import_arxiv(QUERY)

    assert "1 × malformed arXiv id: " in out and "(http://arxiv.org/abs/not-an-arxiv-id)" in out
    assert "1 × entry without an <id>: " in out and "query.xml entry 7" in out
    assert "1 × malformed <published> date: " in out and "2401.99999v1" in out
    assert not Paper.objects.filter(title__startswith="An Entry").exists()
    assert not Author.objects.filter(name="Nobody In Particular").exists()


def test_arxiv_newer_version_updates_the_paper_and_keeps_curation():
    import_arxiv(QUERY)
    mixtral = Paper.objects.get(arxiv_id="2401.04088")
    topic = make_topic("Mixture of Experts")
    mixtral.topics.add(topic)
    Upvote.objects.create(user=make_user(), paper=mixtral)
    Paper.objects.filter(pk=mixtral.pk).update(
        upvote_count=1,
        status=Paper.Status.HIDDEN,
        featured=True,
        listed_on=dt.date(2024, 1, 9),
        project_page="https://mistral.ai/news/mixtral-of-experts/",
        doi="10.0000/curated",
    )
    transformer_before = Paper.objects.values().get(arxiv_id="1706.03762")
    maldacena_before = Paper.objects.values().get(arxiv_id="hep-th/9711200")

    out = import_arxiv(UPDATED)

    assert summary_counts(out) == {"created": 0, "updated": 1, "unchanged": 2, "skipped": 0}
    mixtral.refresh_from_db()
    assert mixtral.arxiv_version == 2
    assert mixtral.title == "Mixtral of Experts: Sparse Mixtures for Open Models"
    assert mixtral.abstract.endswith("This version adds results on multilingual benchmarks.")
    assert mixtral.arxiv_updated == dt.date(2024, 3, 11)
    assert mixtral.journal_ref == "Proceedings of Sparse Models 2024"
    assert mixtral.primary_category.code == "cs.CL"
    assert set(mixtral.categories.values_list("code", flat=True)) == {"cs.CL", "cs.AI"}
    assert mixtral.pdf_url == "http://arxiv.org/pdf/2401.04088v2"
    assert [name for name, *_ in authors_of(mixtral)] == [
        "Albert Q. Jiang",
        "Arthur Mensch",
        "Alexandre Sablayrolles",
        "Devendra Singh Chaplot",
    ]
    # What the feed does not carry stays as curators and members left it.
    assert list(mixtral.topics.all()) == [topic]
    assert mixtral.upvotes.count() == 1 and mixtral.upvote_count == 1
    assert mixtral.status == Paper.Status.HIDDEN and mixtral.featured
    assert mixtral.listed_on == dt.date(2024, 1, 9)
    assert mixtral.project_page == "https://mistral.ai/news/mixtral-of-experts/"
    assert mixtral.doi == "10.0000/curated"  # v2 has no <arxiv:doi>
    assert mixtral.comment.startswith("See more details")  # v2 has no comment
    # The same version again, and an older version, change nothing.
    assert Paper.objects.values().get(arxiv_id="hep-th/9711200") == maldacena_before
    assert Paper.objects.values().get(arxiv_id="1706.03762") == transformer_before


def test_arxiv_same_version_keeps_curator_edits_and_fills_blanks():
    import_arxiv(QUERY)
    paper = Paper.objects.get(arxiv_id="1706.03762")
    Paper.objects.filter(pk=paper.pk).update(title="Attention Is All You Need (curated)")
    feed = arxiv_feed(
        [arxiv_entry("1706.03762", version=7, title="Attention", journal_ref="NeurIPS 2017")]
    )

    report = arxiv_atom.import_arxiv([source_of(feed)], listed_on=DAY)

    paper.refresh_from_db()
    assert (report.updated, report.created) == (1, 0)
    assert paper.title == "Attention Is All You Need (curated)"
    assert paper.journal_ref == "NeurIPS 2017"  # empty before: filled
    assert paper.comment == "15 pages, 5 figures"
    assert len(authors_of(paper)) == 8


def source_of(data: bytes, label="feed.xml"):
    from papers.ingest.importers.sources import stream_source

    return stream_source(label, io.BytesIO(data))


@pytest.mark.parametrize("path", [BROKEN, ERROR_FEED])
def test_arxiv_malformed_file_writes_nothing(path):
    make_paper(title="Already here", arxiv_id="2401.04088", arxiv_version=None)
    before = snapshot()

    with pytest.raises(CommandError) as error:
        # Batches of one: the broken file's first entry is written before the
        # parser reaches the break, and must be rolled back.
        import_arxiv(path, batch_size=1)

    assert "Nothing was written" in str(error.value)
    if path == BROKEN:
        assert "not well-formed XML" in str(error.value)
    else:
        assert "arXiv answered with an error: incorrect id format for 1234.12345" in str(
            error.value
        )
    assert snapshot() == before


def test_arxiv_rejects_a_document_that_is_not_an_atom_feed(tmp_path):
    path = tmp_path / "page.xml"
    path.write_text("<html><body>Service unavailable</body></html>")
    with pytest.raises(CommandError, match="not an Atom feed"):
        import_arxiv(path)
    assert not Paper.objects.exists()


def test_arxiv_one_broken_file_among_several_writes_nothing(tmp_path):
    (tmp_path / "a.xml").write_bytes(QUERY.read_bytes())
    (tmp_path / "b.xml").write_bytes(BROKEN.read_bytes())
    with pytest.raises(CommandError):
        import_arxiv(tmp_path)
    assert not Paper.objects.exists() and not Author.objects.exists()


def test_arxiv_gzipped_input(tmp_path):
    path = tmp_path / "query.xml.gz"
    path.write_bytes(gzip.compress(QUERY.read_bytes()))

    out = import_arxiv(path)

    assert summary_counts(out)["created"] == 5
    assert Paper.objects.get(arxiv_id="hep-th/9711200").arxiv_version == 3


def test_arxiv_from_stdin(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(QUERY.read_bytes())))

    out = import_arxiv("-")

    assert summary_counts(out)["created"] == 5
    assert "standard input entry 6" in out


def test_arxiv_folder_imports_its_feeds_in_name_order(tmp_path):
    (tmp_path / "1-first.xml").write_bytes(QUERY.read_bytes())
    (tmp_path / "2-second.atom").write_bytes(UPDATED.read_bytes())
    (tmp_path / "notes.txt").write_text("not a feed")

    out = import_arxiv(tmp_path)

    assert summary_counts(out) == {"created": 5, "updated": 1, "unchanged": 2, "skipped": 3}
    assert Paper.objects.get(arxiv_id="2401.04088").arxiv_version == 2


def test_arxiv_missing_path_is_a_clear_error():
    with pytest.raises(CommandError, match="does not exist"):
        import_arxiv(DATA / "arxiv" / "nothing-here.xml")


def test_arxiv_dry_run_reports_and_writes_nothing():
    out = import_arxiv(QUERY, dry_run=True)

    assert "dry run: nothing was written" in out
    assert summary_counts(out)["created"] == 5
    assert not Paper.objects.exists() and not Author.objects.exists()


def test_arxiv_listed_on_published_date():
    import_arxiv(QUERY, listed_on="published")
    assert Paper.objects.get(arxiv_id="hep-th/9711200").listed_on == dt.date(1997, 11, 27)


def test_arxiv_listed_on_must_be_valid():
    with pytest.raises(CommandError, match="--listed-on"):
        import_arxiv(QUERY, listed_on="yesterday")


def test_arxiv_batches_and_a_paper_listed_twice_in_one_file():
    entries = [arxiv_entry(f"2611.{n:05d}") for n in range(1, 26)]
    entries.append(arxiv_entry("2611.00003", version=2, title="Revised in the same file"))

    report = arxiv_atom.import_arxiv([source_of(arxiv_feed(entries))], listed_on=DAY, batch_size=10)

    assert (report.read, report.created, report.updated) == (26, 25, 1)
    revised = Paper.objects.get(arxiv_id="2611.00003")
    assert (revised.arxiv_version, revised.title) == (2, "Revised in the same file")
    assert Paper.objects.count() == 25


def test_arxiv_queries_per_batch_do_not_grow_with_the_entries():
    """Lookups and writes are per batch, not per entry or per author."""

    def queries_for(count, first):
        feed = generated_arxiv_feed(count, first=first)
        with CaptureQueriesContext(connection) as queries:
            arxiv_atom.import_arxiv([source_of(feed)], listed_on=DAY, batch_size=count)
        return len(queries)

    queries_for(5, first=50_000)  # the categories exist from now on
    assert queries_for(20, first=1) == queries_for(200, first=1000)


def test_arxiv_progress_is_printed_on_long_imports(monkeypatch):
    monkeypatch.setattr(command, "PROGRESS_EVERY", 0)
    path_feed = generated_arxiv_feed(30)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(path_feed)))

    _out, err = run("import_arxiv", "-", batch_size=10)

    assert err.count(" read (") == 3
    assert "… 30 read" in err


def test_arxiv_authors_are_matched_by_normalised_name_only():
    existing = make_author("albert q. jiang")  # case differs: the same person
    make_author("A. Q. Jiang")  # initials: not matched
    import_arxiv(QUERY)

    mixtral = Paper.objects.get(arxiv_id="2401.04088")
    assert mixtral.authorships.get(position=1).author == existing
    assert Author.objects.filter(name__icontains="jiang").count() == 2


def test_arxiv_uses_aliases_recorded_by_merges():
    survivor = make_author("Arthur Mensch")
    AuthorAlias.objects.create(author=survivor, name="Alexandre Sablayrolles")
    import_arxiv(QUERY)

    mixtral = Paper.objects.get(arxiv_id="2401.04088")
    # Both names lead to one author, which keeps the first place it is listed at.
    assert [name for name, *_ in authors_of(mixtral)] == [
        "Albert Q. Jiang",
        "Arthur Mensch",
        "Antoine Roux",
    ]


def test_arxiv_new_author_slugs_do_not_collide():
    make_author("Jose Garcia", slug="jose-garcia")
    make_author("Jose Garcia Two", slug="jose-garcia-2")
    feed = arxiv_feed(
        [arxiv_entry("2611.00001", authors=["José García", "JOSÉ  GARCÍA", "Jose-Garcia"])]
    )

    arxiv_atom.import_arxiv([source_of(feed)], listed_on=DAY)

    slugs = sorted(Paper.objects.get(arxiv_id="2611.00001").authors.values_list("slug", flat=True))
    assert slugs == ["jose-garcia-3", "jose-garcia-4"]


# Fetching from the arXiv API (with a fake: tests never use the network) -----


class FakeArxiv:
    """Serves pages of a query of ``total`` results and records the requests."""

    def __init__(self, total, *, empty_at=()):
        self.total, self.empty_at, self.urls, self.sleeps = total, set(empty_at), [], []

    def get(self, url):
        from urllib.parse import parse_qs, urlsplit

        self.urls.append(url)
        query = parse_qs(urlsplit(url).query)
        start, size = int(query["start"][0]), int(query["max_results"][0])
        if start in self.empty_at:
            self.empty_at.discard(start)
            return arxiv_feed([], total=self.total, start=start)
        numbers = range(start + 1, min(start + size, self.total) + 1)
        return arxiv_feed(
            [arxiv_entry(f"2611.{n:05d}") for n in numbers], total=self.total, start=start
        )

    def fetcher(self, page_size=2000):
        return arxiv_atom.ArxivFetcher(get=self.get, sleep=self.sleeps.append, page_size=page_size)


def fetch(fake, url, **kwargs):
    notes = []
    pages = list(fake.fetcher(**kwargs).pages(url, notes=notes))
    return pages, notes


def test_fetcher_pages_politely_and_stops_at_the_total():
    fake = FakeArxiv(total=4500)

    pages, _ = fetch(fake, "http://export.arxiv.org/api/query?search_query=cat:cs.LG")

    assert len(pages) == 3
    assert [u.split("?")[1] for u in fake.urls] == [
        "search_query=cat%3Acs.LG&start=0&max_results=2000",
        "search_query=cat%3Acs.LG&start=2000&max_results=2000",
        "search_query=cat%3Acs.LG&start=4000&max_results=2000",
    ]
    assert fake.sleeps == [3.0, 3.0]  # between requests, never before the first


def test_fetcher_respects_the_querys_own_start_and_max_results():
    fake = FakeArxiv(total=10_000)

    fetch(
        fake,
        "https://export.arxiv.org/api/query?search_query=all:llm&start=100&max_results=250",
        page_size=100,
    )

    assert [u.split("&", 1)[1] for u in fake.urls] == [
        "start=100&max_results=100",
        "start=200&max_results=100",
        "start=300&max_results=50",
    ]


def test_fetcher_asks_again_after_an_empty_page():
    fake = FakeArxiv(total=30, empty_at=[10])

    pages, notes = fetch(fake, "http://export.arxiv.org/api/query?id_list=", page_size=10)

    assert len(fake.urls) == 4 and len(pages) == 4
    assert "empty page at start=10; asked again" in notes


def test_fetcher_refuses_other_urls_and_error_feeds():
    fake = FakeArxiv(total=1)
    with pytest.raises(ImportFailed, match="not an arXiv API query URL"):
        fetch(fake, "https://example.org/api/query?search_query=x")
    assert fake.urls == []

    fetcher = arxiv_atom.ArxivFetcher(get=lambda url: ERROR_FEED.read_bytes(), sleep=None)
    with pytest.raises(ImportFailed, match="incorrect id format"):
        list(fetcher.pages("http://export.arxiv.org/api/query?id_list=1234.12345", notes=[]))


def test_import_arxiv_command_fetches_a_query_url(monkeypatch):
    fake = FakeArxiv(total=3)
    monkeypatch.setattr(arxiv_atom, "http_get", fake.get)
    monkeypatch.setattr(arxiv_atom.time, "sleep", fake.sleeps.append)

    out = import_arxiv("http://export.arxiv.org/api/query?search_query=cat:cs.LG")

    assert summary_counts(out)["created"] == 3
    assert "note: fetched 1 page(s)" in out
    assert fake.sleeps == []


# Hugging Face daily papers -------------------------------------------------


def test_hf_first_import():
    out, _ = run("import_hf_daily", HF_DAILY)

    assert summary_counts(out) == {"created": 4, "updated": 0, "unchanged": 0, "skipped": 3}
    mixtral = Paper.objects.get(arxiv_id="2401.04088")
    assert mixtral.listed_on == dt.date(2024, 1, 9)  # submittedOnDailyAt
    assert mixtral.published == dt.date(2024, 1, 8)
    assert mixtral.hf_upvotes == 156
    assert mixtral.upvote_count == 0  # Hugging Face votes are not our members' votes
    assert mixtral.project_page == "https://mistral.ai/news/mixtral-of-experts/"
    assert mixtral.abstract == (
        "We introduce Mixtral 8x7B, a Sparse Mixture of Experts (SMoE) language model. "
        "Mixtral has the same architecture as Mistral 7B."
    )
    assert mixtral.has_code
    link = mixtral.code_links.select_related("repository").get()
    assert link.is_official
    assert (link.repository.url, link.repository.stars) == (
        "https://github.com/mistralai/mistral-src",
        9512,
    )
    deepseek = Paper.objects.get(arxiv_id="2401.02954")
    assert deepseek.title == "DeepSeek LLM: Scaling Open-Source Language Models with Longtermism"
    assert [name for name, *_ in authors_of(deepseek)][:2] == ["DeepSeek-AI", "Xiao Bi"]
    spin = Paper.objects.get(arxiv_id="2401.01335")
    assert "$p_{\\theta} = p_{\\mathrm{data}}$" in spin.abstract
    assert not spin.has_code
    bubeck = Paper.objects.get(arxiv_id="2312.11805")
    assert bubeck.authorships.get(position=1).author.name == "Sébastien Bubeck"
    assert bubeck.hf_upvotes is None and bubeck.project_page == "" and not bubeck.has_code


def test_hf_reports_malformed_items_and_unusable_values():
    out, _ = run("import_hf_daily", HF_DAILY)

    assert "1 × paper without an arXiv id: " in out
    assert "1 × malformed arXiv id: " in out and "(24O1.0OOO1)" in out
    assert "1 × item without a paper object: " in out
    assert "warning: 1 × project page that is not a usable http(s) URL left out" in out
    assert "warning: 1 × upvotes that are not a whole number left out" in out
    assert "warning: 1 × GitHub repository that is not a repository URL left out" in out


def test_hf_reimport_changes_nothing():
    run("import_hf_daily", HF_DAILY)
    before = snapshot()

    out, _ = run("import_hf_daily", HF_DAILY)

    assert summary_counts(out) == {"created": 0, "updated": 0, "unchanged": 4, "skipped": 3}
    assert snapshot() == before


def test_hf_later_file_refreshes_upvotes_and_stars_only(tmp_path):
    run("import_hf_daily", HF_DAILY)
    items = json.loads(HF_DAILY.read_text())
    items[0]["paper"].update(
        upvotes=300,
        githubStars=10_000,
        title="A Different Title",
        submittedOnDailyAt="2024-02-01T00:00:00Z",
    )
    later = tmp_path / "later.json"
    later.write_text(json.dumps(items))

    out, _ = run("import_hf_daily", later)

    assert summary_counts(out)["updated"] == 1
    mixtral = Paper.objects.get(arxiv_id="2401.04088")
    assert mixtral.hf_upvotes == 300
    assert Repository.objects.get(name="mistral-src").stars == 10_000
    assert mixtral.title == "Mixtral of Experts"
    assert mixtral.listed_on == dt.date(2024, 1, 9)


def test_hf_on_papers_from_arxiv_fills_blanks_and_keeps_the_rest():
    import_arxiv(QUERY)
    before = Paper.objects.get(arxiv_id="2401.04088")

    out, _ = run("import_hf_daily", HF_DAILY)

    assert summary_counts(out)["updated"] == 1
    mixtral = Paper.objects.get(arxiv_id="2401.04088")
    assert (mixtral.title, mixtral.abstract, mixtral.listed_on) == (
        before.title,
        before.abstract,
        before.listed_on,
    )
    assert authors_of(mixtral) == authors_of(before)
    assert mixtral.hf_upvotes == 156
    assert mixtral.project_page == "https://mistral.ai/news/mixtral-of-experts/"
    assert mixtral.has_code
    assert mixtral.updated_at > before.updated_at


def test_arxiv_after_hf_brings_arxiv_metadata():
    run("import_hf_daily", HF_DAILY)
    import_arxiv(QUERY)

    mixtral = Paper.objects.get(arxiv_id="2401.04088")
    assert mixtral.arxiv_version == 1
    assert mixtral.abstract.endswith("and combine their outputs.")
    assert mixtral.primary_category.code == "cs.LG"
    assert mixtral.hf_upvotes == 156 and mixtral.listed_on == dt.date(2024, 1, 9)


def test_hf_malformed_file_writes_nothing(tmp_path):
    broken = tmp_path / "daily.json"
    broken.write_bytes(HF_DAILY.read_bytes()[:1500])
    with pytest.raises(CommandError, match="Nothing was written"):
        run("import_hf_daily", broken, batch_size=1)
    assert not Paper.objects.exists() and not Author.objects.exists()


def test_hf_not_a_list_is_rejected(tmp_path):
    path = tmp_path / "daily.json"
    path.write_text('{"error": "Invalid date"}')
    with pytest.raises(CommandError, match="not a JSON list"):
        run("import_hf_daily", path)


def test_hf_gzipped_and_stdin(tmp_path, monkeypatch):
    monkeypatch.setattr(
        sys, "stdin", io.TextIOWrapper(io.BytesIO(gzip.compress(HF_DAILY.read_bytes())))
    )
    out, _ = run("import_hf_daily", "-")
    assert summary_counts(out)["created"] == 4


# Papers with Code links ----------------------------------------------------


def test_pwc_links_papers_in_the_catalogue_and_reports_the_rest():
    import_arxiv(QUERY)

    out, _ = run("import_pwc_links", PWC_LINKS)

    assert summary_counts(out) == {"created": 4, "updated": 0, "unchanged": 0, "skipped": 3}
    assert "1 × paper not in the catalogue: 1512.03385" in out
    assert "1 × no arXiv id: " in out
    assert "1 × not a repository URL: " in out
    transformer = Paper.objects.get(arxiv_id="1706.03762")
    assert transformer.has_code
    links = {
        link.repository.url: link for link in transformer.code_links.select_related("repository")
    }
    official = links["https://github.com/tensorflow/tensor2tensor"]
    assert (official.is_official, official.mentioned_in_paper, official.mentioned_in_github) == (
        True,
        True,
        False,
    )
    assert official.repository.framework == "tf"
    other = links["https://github.com/jadore801120/attention-is-all-you-need-pytorch"]
    assert (other.is_official, other.mentioned_in_github) == (False, True)
    assert Repository.objects.get(name="mistral-src").framework == ""  # "none"
    assert Repository.objects.get(host="gitlab.com").owner == "greffk"
    assert not Repository.objects.filter(owner="KaimingHe").exists()


def test_pwc_reimport_changes_nothing_and_gzip_reads_the_same():
    import_arxiv(QUERY)
    run("import_pwc_links", PWC_LINKS)
    before = snapshot()

    out, _ = run("import_pwc_links", PWC_LINKS_GZ)

    assert summary_counts(out) == {"created": 0, "updated": 0, "unchanged": 4, "skipped": 3}
    assert snapshot() == before


def test_pwc_flags_are_only_ever_added_and_repositories_matched_in_any_case():
    import_arxiv(QUERY)
    transformer = Paper.objects.get(arxiv_id="1706.03762")
    tensor2tensor = make_repository("TensorFlow", "Tensor2Tensor", framework="")
    pytorch = make_repository("jadore801120", "attention-is-all-you-need-pytorch")
    CodeLink.objects.create(paper=transformer, repository=tensor2tensor, is_official=False)
    CodeLink.objects.create(paper=transformer, repository=pytorch, is_official=True)

    out, _ = run("import_pwc_links", PWC_LINKS)

    assert summary_counts(out)["updated"] == 2
    assert Repository.objects.filter(name__iexact="tensor2tensor").count() == 1
    t2t = CodeLink.objects.get(repository=tensor2tensor)
    assert (t2t.is_official, t2t.mentioned_in_paper) == (True, True)  # the file says so
    assert Repository.objects.get(pk=tensor2tensor.pk).framework == "tf"  # was empty
    curated = CodeLink.objects.get(repository=pytorch)
    assert curated.is_official  # the file says false: a curator's true stays
    assert curated.mentioned_in_github


def test_pwc_malformed_file_writes_nothing(tmp_path):
    import_arxiv(QUERY)
    before = snapshot()
    broken = tmp_path / "links.json.gz"
    broken.write_bytes(gzip.compress(PWC_LINKS.read_bytes()[:-40]))

    with pytest.raises(CommandError, match="Nothing was written"):
        run("import_pwc_links", broken, batch_size=1)
    assert snapshot() == before


def test_pwc_from_stdin(monkeypatch):
    import_arxiv(QUERY)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(PWC_LINKS.read_bytes())))
    out, _ = run("import_pwc_links", "-")
    assert summary_counts(out)["created"] == 4


# The writers behind the importers -----------------------------------------


def test_papers_import_calls_the_bulk_write_hook_with_touched_papers(monkeypatch):
    calls = []
    monkeypatch.setattr(
        derived, "papers_changed", lambda *, paper_ids: calls.append(set(paper_ids))
    )
    import_arxiv(QUERY)
    assert calls == [set(Paper.objects.values_list("pk", flat=True))]

    calls.clear()
    import_arxiv(QUERY)
    assert calls == [set()]


def test_rows_written_in_bulk_leave_the_tables_usable_for_ordinary_saves():
    """Bulk writes take ids from each table's own sequence: ordinary saves go on after them."""
    import_arxiv(QUERY)
    import_arxiv(UPDATED)

    paper = make_paper(authors=["Someone New"])
    author = make_author("Another Person")

    assert paper.pk > max(Paper.objects.exclude(pk=paper.pk).values_list("pk", flat=True))
    assert author.pk > max(Author.objects.exclude(pk=author.pk).values_list("pk", flat=True))
    assert Paper.objects.get(arxiv_id="2401.04088").arxiv_version == 2


def test_hf_item_without_an_edition_day_is_listed_on_the_import_day(tmp_path):
    items = json.loads(HF_DAILY.read_text())[:1]
    del items[0]["paper"]["submittedOnDailyAt"]
    items[0]["paper"]["publishedAt"] = "2024-01-08T23:30:00-05:00"  # 04:30 UTC the next day
    path = tmp_path / "daily.json"
    path.write_text(json.dumps(items))

    run("import_hf_daily", path)

    paper = Paper.objects.get(arxiv_id="2401.04088")
    assert paper.listed_on == timezone.localdate()
    assert paper.published == dt.date(2024, 1, 9)


def test_hf_text_with_nul_characters_is_imported_without_them(tmp_path):
    items = json.loads(HF_DAILY.read_text())[:1]
    items[0]["paper"]["title"] = "Mixtral\u0000 of Experts"
    items[0]["paper"]["authors"][0]["name"] = "Albert\u0000 Q. Jiang"
    path = tmp_path / "daily.json"
    path.write_text(json.dumps(items))

    run("import_hf_daily", path)

    paper = Paper.objects.get(arxiv_id="2401.04088")
    assert paper.title == "Mixtral of Experts"
    assert authors_of(paper)[0][0] == "Albert Q. Jiang"


def analyzed_tables(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if q["sql"].startswith("ANALYZE")]


def test_arxiv_refreshes_the_planners_statistics_at_the_end():
    """A large import changes the tables' sizes: the planner's statistics are refreshed
    at the end (not left to autovacuum, which may be off)."""
    with CaptureQueriesContext(connection) as queries:
        import_arxiv(QUERY)
    analyzed = analyzed_tables(queries)
    assert analyzed and all(
        table in " ".join(analyzed)
        for table in ("core_paper", "core_author", "core_authorship", "core_paper_categories")
    )
    # After the writes: the statistics count the imported rows.
    last_write = max(
        n
        for n, q in enumerate(queries.captured_queries)
        if "core_paper" in q["sql"] and not q["sql"].startswith(("SELECT", "ANALYZE"))
    )
    first_analyze = next(
        n for n, q in enumerate(queries.captured_queries) if q["sql"].startswith("ANALYZE")
    )
    assert first_analyze > last_write
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'core_paper'")
            assert cursor.fetchone()[0] == Paper.objects.count()
        # The search index's pending entries were merged into its tree before.
        merged = [
            q["sql"] for q in queries.captured_queries if "gin_clean_pending_list" in q["sql"]
        ]
        assert merged


@pytest.mark.skipif(connection.vendor != "postgresql", reason="GIN options: PostgreSQL")
def test_the_search_index_takes_new_entries_into_a_small_pending_list():
    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = 'paper_search_vector_idx'")
        options = set(cursor.fetchone()[0])
    assert options == {"fastupdate=on", "gin_pending_list_limit=1024"}


def test_arxiv_dry_runs_and_imports_that_change_nothing_analyze_nothing():
    with CaptureQueriesContext(connection) as queries:
        import_arxiv(QUERY, dry_run=True)
    assert analyzed_tables(queries) == []
    import_arxiv(QUERY)
    with CaptureQueriesContext(connection) as queries:
        import_arxiv(QUERY)  # the same file again: nothing to write
    assert analyzed_tables(queries) == []
