"""A deterministic, realistic synthetic catalogue for benchmarks.

``generate(papers=N, seed=S)`` writes N published papers with titles and
abstracts drawn from a technical vocabulary (Zipf-distributed, so full-text
search has real work to do), power-law authors per paper and papers per author,
topics and arXiv categories, code for about a third of the papers (power-law
stars), power-law upvotes by synthetic members with timestamps, and listed
dates over the three years before ``end``. The same seed on an empty database
gives the same catalogue.

Rows are written in batches: PostgreSQL through ``COPY`` (psycopg), other
databases through ``executemany``. Everything happens in one transaction.
"""

import datetime as dt
import itertools
import queue
import random
import threading
from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max

from papers.community import trending
from papers.community.identity import username_skeleton
from papers.community.models import Upvote
from papers.core import arxiv
from papers.core.models import (
    Author,
    Authorship,
    Category,
    CodeLink,
    Paper,
    Repository,
    Topic,
)
from papers.core.names import ascii_slug, name_key
from papers.search import schema

from . import vocabulary as vocab

# Bump when the generated data changes, so the benchmark regenerates its databases.
GENERATOR_VERSION = 3
BATCH = 10_000
YEARS = 3
ARXIV_NUMBER_START = 60_000  # above the numbers real demo papers use
ARXIV_PER_MONTH = 99_999 - ARXIV_NUMBER_START
MAX_PAPERS = ARXIV_PER_MONTH * 12 * YEARS


@dataclass
class Totals:
    papers: int = 0
    authors: int = 0
    authorships: int = 0
    topics: int = 0
    repositories: int = 0
    upvotes: int = 0
    members: int = 0
    tables: dict = field(default_factory=dict)


class RowWriter:
    """Insert many rows into a model's table: COPY on PostgreSQL, executemany elsewhere.

    Columns the caller does not give get the field's default, so new columns
    with defaults do not break the generator.
    """

    def __init__(self, model, columns: list[str]):
        self.model = model
        meta = model._meta
        given = [meta.get_field(name) for name in columns]
        self.defaults = [
            f for f in meta.concrete_fields if f not in given and not getattr(f, "generated", False)
        ]
        self.fields = given + self.defaults
        self.default_values = tuple(
            f.get_db_prep_save(f.get_default(), connection) for f in self.defaults
        )
        column_list = ", ".join(connection.ops.quote_name(f.column) for f in self.fields)
        table = connection.ops.quote_name(meta.db_table)
        if connection.vendor == "postgresql":
            self.sql = f"COPY {table} ({column_list}) FROM STDIN"
        else:
            marks = ", ".join(["%s"] * len(self.fields))
            self.sql = f"INSERT INTO {table} ({column_list}) VALUES ({marks})"

    def write(self, rows: Iterable[tuple]) -> int:
        rows = [row + self.default_values for row in rows]
        if not rows:
            return 0
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(self.sql) as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                adapt = self._adapters()
                cursor.executemany(self.sql, [adapt(row) for row in rows])
        return len(rows)

    def _adapters(self) -> Callable[[tuple], tuple]:
        ops = connection.ops

        def adapt_value(value):
            if isinstance(value, dt.datetime):
                return ops.adapt_datetimefield_value(value)
            if isinstance(value, dt.date):
                return ops.adapt_datefield_value(value)
            return value

        return lambda row: tuple(adapt_value(v) for v in row)


def produced_in_background(items, depth: int = 2):
    """Iterate ``items`` computed by a background thread, ``depth`` items ahead.

    Generating rows is Python work; writing them makes PostgreSQL work (index
    entries, the search trigger's text analysis). Overlapping the two uses both
    cores of the machine.
    """
    done = object()
    buffer = queue.Queue(maxsize=depth)
    failure = []

    def produce():
        try:
            for item in items:
                buffer.put(item)
        except BaseException as exc:  # handed to the consumer below
            failure.append(exc)
        finally:
            buffer.put(done)

    thread = threading.Thread(target=produce, name="synthetic-rows", daemon=True)
    thread.start()
    while (item := buffer.get()) is not done:
        yield item
    thread.join()
    if failure:
        raise failure[0]


def next_id(model) -> int:
    return (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1


def zipf_cum_weights(n: int, exponent: float) -> list[float]:
    return list(itertools.accumulate(1.0 / (rank**exponent) for rank in range(1, n + 1)))


class Generator:
    def __init__(self, *, papers: int, seed: int, end: dt.date, progress=None):
        if papers > MAX_PAPERS:
            raise ValueError(f"at most {MAX_PAPERS:,} papers (arXiv numbering per month)")
        self.count = papers
        self.rng = random.Random(seed)
        self.end = end
        self.progress = progress or (lambda message: None)
        self.now = dt.datetime.combine(end, dt.time(23, 0), tzinfo=dt.UTC)
        self.term_weights = zipf_cum_weights(len(vocab.TERMS), 1.05)
        self.topic_weights = zipf_cum_weights(len(vocab.TOPICS), 0.8)
        codes, weights = zip(*vocab.CATEGORIES, strict=True)
        self.category_codes = codes
        self.category_weights = list(itertools.accumulate(weights))
        self.totals = Totals()
        self.author_names = {}
        self.topic_names = {}

    # --- vocabulary -----------------------------------------------------------------

    def terms(self, k: int) -> list[str]:
        return self.rng.choices(vocab.TERMS, cum_weights=self.term_weights, k=k)

    def model_name(self) -> str:
        rng = self.rng
        name = "".join(rng.choice(vocab.SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
        suffix = rng.random()
        if suffix < 0.2:
            name += "-XL"
        elif suffix < 0.35:
            name += f"-{rng.randint(2, 9)}"
        elif suffix < 0.45:
            name = name.upper()[:6]
        return name

    def title(self, name: str, method: str, task: str) -> str:
        rng = self.rng
        adjective = rng.choice(vocab.ADJECTIVES)
        a, b = self.terms(2)
        return rng.choice(
            [
                f"{name}: {adjective.capitalize()} {method.title()}s for {task.title()}",
                f"{adjective.capitalize()} {a.title()} for {task.title()} with {method.title()}s",
                f"On the {a.title()} of {method.title()}s in {task.title()}",
                f"{name}: Scaling {a.title()} and {b.title()} for {task.title()}",
                f"Towards {adjective.capitalize()} {task.title()} "
                f"via {a.title()} {method.title()}s",
                f"Rethinking {a.title()} in {adjective.capitalize()} {method.title()}s",
            ]
        )

    def abstract(self, name: str, method: str, task: str) -> str:
        rng = self.rng
        t = self.terms(40)
        adjective = rng.choice(vocab.ADJECTIVES)
        dataset, other = rng.sample(vocab.DATASETS, 2)
        sentences = [
            f"{task.capitalize()} remains challenging because {t[0]} and {t[1]} interact with "
            f"{t[2]} in ways that current {method}s capture poorly.",
            f"Existing approaches rely on {t[3]} {t[4]} or hand-designed {t[5]}, which limits "
            f"{t[6]} and makes {t[7]} expensive.",
            f"We propose {name}, a {adjective} {method} that combines {t[8]} {t[9]} with "
            f"{t[10]} {t[11]} to learn {t[12]} directly from {t[13]}.",
            f"At the core of {name} is a {t[14]} module that couples {t[15]} with {t[16]}, "
            f"so that {t[17]} improves as {t[18]} grows.",
            f"We analyse the {t[19]} of the resulting {t[20]} and show that it bounds "
            f"{t[21]} under mild assumptions on {t[22]}.",
            f"Experiments on {dataset} and {other} show that {name} outperforms strong "
            f"{t[23]} baselines by {rng.randint(2, 35)}.{rng.randint(0, 9)}% while reducing "
            f"{t[24]} by a factor of {rng.randint(2, 12)}.",
            f"Ablations highlight the role of {t[25]}, {t[26]} and {t[27]}.",
        ]
        if rng.random() < 0.5:
            sentences.append(
                f"We further study {t[28]} {t[29]} and {t[30]}, and find that {t[31]} "
                f"transfers to {rng.choice(vocab.TASKS)}."
            )
        if rng.random() < 0.3:
            sentences.append("Code and models are publicly available.")
        return " ".join(sentences)

    # --- reference data ---------------------------------------------------------------

    def ensure_topics(self) -> list[int]:
        ids = []
        for name in vocab.TOPICS:
            topic = Topic.objects.filter(name__iexact=name).first()
            if topic is None:
                topic = Topic(name=name, slug=ascii_slug(name, fallback="topic"))
                topic.save()
            ids.append(topic.pk)
            self.topic_names[topic.pk] = topic.name
        return ids

    def ensure_categories(self) -> list[int]:
        return [
            Category.objects.get_or_create(
                code=code, defaults={"name": arxiv.CATEGORY_NAMES.get(code, "")}
            )[0].pk
            for code in self.category_codes
        ]

    def create_members(self, count: int) -> list[int]:
        User = get_user_model()
        first = next_id(User)
        joined = self.now - dt.timedelta(days=365 * YEARS)
        writer = RowWriter(
            User,
            ["id", "username", "username_skeleton", "email", "password", "is_active",
             "is_staff", "is_superuser", "first_name", "last_name", "date_joined"],
        )  # fmt: skip
        rows = (
            (first + i, f"reader{first + i}", username_skeleton(f"reader{first + i}"),
             f"reader{first + i}@example.invalid", "!", True, False, False, "", "", joined)
            for i in range(count)
        )  # fmt: skip
        self.totals.members = writer.write(rows)
        return list(range(first, first + count))

    def create_authors(self, count: int) -> list[int]:
        first = next_id(Author)
        taken = set(Author.objects.values_list("slug", flat=True))
        stamp = self.now
        f, l = len(vocab.FIRST_NAMES), len(vocab.LAST_NAMES)  # noqa: E741
        rows = []
        for i in range(count):
            given = vocab.FIRST_NAMES[i % f]
            family = vocab.LAST_NAMES[(i // f) % l]
            initial = i // (f * l)
            name = f"{given} {chr(64 + initial)}. {family}" if initial else f"{given} {family}"
            slug = ascii_slug(name, fallback="author")
            n = 2
            while slug in taken:
                slug = f"{ascii_slug(name, fallback='author')}-{n}"
                n += 1
            taken.add(slug)
            rows.append((first + i, name, slug, name_key(name), "", "", "", stamp, stamp))
            self.author_names[first + i] = name
        writer = RowWriter(
            Author,
            ["id", "name", "slug", "name_key", "affiliation", "homepage", "orcid",
             "created_at", "updated_at"],
        )  # fmt: skip
        self.totals.authors = writer.write(rows)
        return list(range(first, first + count))

    # --- papers ------------------------------------------------------------------------

    def listed_dates(self) -> list[dt.date]:
        start = self.end - dt.timedelta(days=365 * YEARS)
        weekdays = [
            start + dt.timedelta(days=d)
            for d in range((self.end - start).days + 1)
            if (start + dt.timedelta(days=d)).weekday() < 5
        ]
        return sorted(self.rng.choices(weekdays, k=self.count))

    def authors_per_paper(self) -> int:
        r = self.rng.random()
        for limit, count in ((0.05, 1), (0.17, 2), (0.35, 3), (0.53, 4), (0.67, 5), (0.77, 6),
                             (0.84, 7), (0.89, 8)):  # fmt: skip
            if r < limit:
                return count
        return self.rng.randint(9, 15) if r < 0.995 else self.rng.randint(16, 60)

    def run(self) -> Totals:
        rng = self.rng
        topic_ids = self.ensure_topics()
        category_ids = self.ensure_categories()
        member_ids = self.create_members(max(50, self.count // 20))
        author_ids = self.create_authors(max(200, int(self.count * 0.45)))
        author_zipf = zipf_cum_weights(len(author_ids), 0.5)
        dates = self.listed_dates()

        paper_writer = RowWriter(
            Paper,
            ["id", "arxiv_id", "arxiv_version", "title", "abstract", "published",
             "arxiv_updated", "listed_on", "primary_category", "pdf_url", "status", "featured",
             "upvote_count", "has_code", "created_at", "updated_at", "year", "authors_text",
             "topics_text"],
        )  # fmt: skip
        authorship_writer = RowWriter(
            Authorship, ["id", "paper", "author", "position", "affiliation"]
        )
        topic_writer = RowWriter(Paper.topics.through, ["id", "paper", "topic"])
        category_writer = RowWriter(Paper.categories.through, ["id", "paper", "category"])
        repository_writer = RowWriter(
            Repository,
            ["id", "url", "host", "owner", "name", "stars", "language", "framework",
             "description", "created_at"],
        )  # fmt: skip
        link_writer = RowWriter(
            CodeLink,
            ["id", "paper", "repository", "is_official", "mentioned_in_paper",
             "mentioned_in_github", "created_at"],
        )  # fmt: skip
        upvote_writer = RowWriter(Upvote, ["id", "user", "paper", "created_at"])

        ids = {model: next_id(model) for model in (Paper, Authorship, Repository, CodeLink, Upvote)}
        ids["topics"] = next_id(Paper.topics.through)
        ids["categories"] = next_id(Paper.categories.through)
        arxiv_numbers = {}

        def batches():
            for batch_start in range(0, self.count, BATCH):
                papers, authorships, topics, categories = [], [], [], []
                repositories, links, upvotes = [], [], []
                for listed_on in dates[batch_start : batch_start + BATCH]:
                    pid = ids[Paper]
                    ids[Paper] += 1
                    published = listed_on - dt.timedelta(days=rng.randint(0, 3))
                    month = published.strftime("%y%m")
                    number = arxiv_numbers.get(month, ARXIV_NUMBER_START)
                    arxiv_numbers[month] = number + 1
                    arxiv_id = f"{month}.{number:05d}"
                    version = 1 if rng.random() < 0.7 else rng.randint(2, 4)
                    updated = (
                        min(published + dt.timedelta(days=rng.randint(5, 200)), self.end)
                        if version > 1
                        else None
                    )
                    name = self.model_name()
                    method, task = rng.choice(vocab.METHODS), rng.choice(vocab.TASKS)
                    created = dt.datetime.combine(listed_on, dt.time(6), tzinfo=dt.UTC)

                    primary = rng.choices(category_ids, cum_weights=self.category_weights)[0]
                    chosen_categories = {primary}
                    for _ in range(rng.choice((0, 1, 1, 2))):
                        chosen_categories.add(
                            rng.choices(category_ids, cum_weights=self.category_weights)[0]
                        )
                    for category in chosen_categories:
                        categories.append((ids["categories"], pid, category))
                        ids["categories"] += 1

                    paper_topics = sorted(
                        set(
                            rng.choices(
                                topic_ids, cum_weights=self.topic_weights, k=rng.randint(1, 3)
                            )
                        )
                    )
                    for topic in paper_topics:
                        topics.append((ids["topics"], pid, topic))
                        ids["topics"] += 1

                    paper_authors = []
                    for _ in range(self.authors_per_paper()):
                        if rng.random() < 0.3:
                            index = bisect_right(author_zipf, rng.random() * author_zipf[-1])
                        else:
                            index = rng.randrange(len(author_ids))
                        author = author_ids[min(index, len(author_ids) - 1)]
                        if author not in paper_authors:
                            paper_authors.append(author)
                    for position, author in enumerate(paper_authors, start=1):
                        authorships.append((ids[Authorship], pid, author, position, ""))
                        ids[Authorship] += 1

                    has_code = rng.random() < 1 / 3
                    if has_code:
                        rid = ids[Repository]
                        ids[Repository] += 1
                        owner = f"{ascii_slug(vocab.LAST_NAMES[rid % len(vocab.LAST_NAMES)])}-lab"
                        repo_name = f"{ascii_slug(name)}-{rid}"
                        stars = min(int((rng.paretovariate(1.1) - 1) * 40), 250_000)
                        repositories.append(
                            (rid, f"https://github.com/{owner}/{repo_name}", "github.com", owner,
                             repo_name, stars, rng.choice(vocab.LANGUAGES),
                             rng.choice(vocab.FRAMEWORKS), f"Official code for {name}.", created)
                        )  # fmt: skip
                        links.append(
                            (ids[CodeLink], pid, rid, rng.random() < 0.8, rng.random() < 0.6,
                             rng.random() < 0.5, created)
                        )  # fmt: skip
                        ids[CodeLink] += 1

                    votes = min(int(rng.paretovariate(1.3)) - 1, 5_000, len(member_ids))
                    for member in rng.sample(member_ids, votes) if votes else ():
                        at = created + dt.timedelta(days=rng.expovariate(1 / 1.5))
                        upvotes.append((ids[Upvote], member, pid, min(at, self.now)))
                        ids[Upvote] += 1

                    papers.append(
                        (pid, arxiv_id, version, self.title(name, method, task),
                         self.abstract(name, method, task), published, updated, listed_on, primary,
                         arxiv.pdf_url(arxiv_id), Paper.Status.PUBLISHED, rng.random() < 0.001,
                         votes, has_code, created, created, published.year,
                         ", ".join(self.author_names[a] for a in paper_authors),
                         ", ".join(sorted(self.topic_names[t] for t in paper_topics)))
                    )  # fmt: skip
                yield papers, authorships, topics, categories, repositories, links, upvotes

        for (
            papers,
            authorships,
            topics,
            categories,
            repositories,
            links,
            upvotes,
        ) in produced_in_background(batches()):
            self.totals.papers += paper_writer.write(papers)
            self.totals.authorships += authorship_writer.write(authorships)
            self.totals.topics += topic_writer.write(topics)
            category_writer.write(categories)
            self.totals.repositories += repository_writer.write(repositories)
            link_writer.write(links)
            self.totals.upvotes += upvote_writer.write(upvotes)
            self.progress(f"{self.totals.papers:,} / {self.count:,} papers")

        self.reset_sequences()
        return self.totals

    def reset_sequences(self):
        models = [Paper, Author, Authorship, Repository, CodeLink, Upvote, get_user_model(),
                  Paper.topics.through, Paper.categories.through]  # fmt: skip
        statements = connection.ops.sequence_reset_sql(no_style(), models)
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


BULK_TABLES = [
    model._meta.db_table
    for model in (Paper, Author, Authorship, Repository, CodeLink, Upvote,
                  Paper.topics.through, Paper.categories.through)
]  # fmt: skip


class FastLoad:
    """PostgreSQL only: load without per-row overhead, then restore everything.

    - Foreign-key triggers are skipped (``session_replication_role = replica``)
      when the role may do so; the generator makes every reference valid by
      construction. Without the privilege the checks simply run.
    - Secondary (non-unique) indexes of the loaded tables are dropped before the
      load and rebuilt after it, in the same transaction, which is much faster
      than maintaining them row by row (the full-text GIN index above all).
    """

    def __init__(self, progress):
        self.progress = progress
        self.indexes = []

    def __enter__(self):
        if connection.vendor != "postgresql":
            return self
        with connection.cursor() as cursor:
            # Run checks already pending in this transaction now: indexes cannot
            # be rebuilt on a table with pending trigger events.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            try:
                with transaction.atomic():
                    cursor.execute("SET LOCAL session_replication_role = replica")
            except Exception:
                self.progress("foreign-key checks stay on (role may not skip them)")
            cursor.execute(
                """
                SELECT ic.relname, pg_get_indexdef(ix.indexrelid)
                FROM pg_index ix
                JOIN pg_class ic ON ic.oid = ix.indexrelid
                JOIN pg_class tc ON tc.oid = ix.indrelid
                WHERE tc.relname = ANY(%s) AND NOT ix.indisunique AND NOT ix.indisprimary
                """,
                [BULK_TABLES],
            )
            self.indexes = cursor.fetchall()
            for name, _ in self.indexes:
                cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is not None or connection.vendor != "postgresql":
            return False
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
            for name, definition in self.indexes:
                self.progress(f"rebuilding index {name}")
                cursor.execute(definition)
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            for table in BULK_TABLES:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
        return False


def generate(*, papers: int, seed: int = 1, end: dt.date, progress=None) -> Totals:
    """Write the catalogue (one transaction), then refresh the stored trending scores."""
    progress = progress or (lambda message: None)
    with transaction.atomic():
        with FastLoad(progress), schema.IndexDuringBulkLoad(connection):
            totals = Generator(papers=papers, seed=seed, end=end, progress=progress).run()
        progress("computing trending scores")
        trending.refresh_all()
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        # Fill the visibility map (index-only scans) and the planner's statistics
        # now, as autovacuum would do some time after a real import.
        progress("vacuuming")
        with connection.cursor() as cursor:
            for table in BULK_TABLES:
                cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(table)}")
    return totals
