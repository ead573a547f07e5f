import datetime as dt
import random
from pathlib import Path
from xml.sax.saxutils import escape

from django.core.management.base import BaseCommand, CommandError

from tools.bench.synthetic import Generator
from tools.bench.synthetic import vocabulary as vocab

HEADER = """<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom"
      xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">
  <title type="html">ArXiv Query: synthetic benchmark feed</title>
  <id>http://arxiv.org/api/synthetic</id>
  <updated>{updated}T00:00:00-05:00</updated>
  <opensearch:totalResults>{total}</opensearch:totalResults>
  <opensearch:startIndex>0</opensearch:startIndex>
  <opensearch:itemsPerPage>{total}</opensearch:itemsPerPage>
"""

ENTRY = """  <entry>
    <id>http://arxiv.org/abs/{arxiv_id}v{version}</id>
    <updated>{updated}T12:00:00Z</updated>
    <published>{published}T12:00:00Z</published>
    <title>{title}</title>
    <summary>{summary}</summary>
{authors}    <arxiv:comment>{pages} pages, {figures} figures</arxiv:comment>
    <link href="http://arxiv.org/abs/{arxiv_id}v{version}" rel="alternate" type="text/html"/>
    <link title="pdf" href="http://arxiv.org/pdf/{arxiv_id}v{version}" rel="related"
          type="application/pdf"/>
    <arxiv:primary_category term="{primary}" scheme="http://arxiv.org/schemas/atom"/>
{categories}  </entry>
"""


class Command(BaseCommand):
    help = "Write a synthetic arXiv API Atom feed (for import benchmarks)."

    def add_arguments(self, parser):
        parser.add_argument("--entries", type=int, required=True)
        parser.add_argument("--output", required=True, help="File to write.")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, entries, output, seed, **options):
        if entries < 1:
            raise CommandError("--entries must be positive.")
        end = dt.date(2026, 11, 26)
        words = Generator(papers=1, seed=seed, end=end)
        rng = random.Random(seed)
        codes = [code for code, _ in vocab.CATEGORIES]
        numbers = {}
        with Path(output).open("w", encoding="utf-8") as out:
            out.write(HEADER.format(updated=end.isoformat(), total=entries))
            for _ in range(entries):
                published = end - dt.timedelta(days=rng.randint(0, 700))
                month = f"{published:%y%m}"
                numbers[month] = numbers.get(month, 9999) + 1
                arxiv_id = f"{month}.{numbers[month]:05d}"
                name = words.model_name()
                method, task = rng.choice(vocab.METHODS), rng.choice(vocab.TASKS)
                authors = "".join(
                    f"    <author><name>{escape(rng.choice(vocab.FIRST_NAMES))} "
                    f"{escape(rng.choice(vocab.LAST_NAMES))}</name></author>\n"
                    for _ in range(rng.randint(1, 8))
                )
                primary = rng.choice(codes)
                categories = "".join(
                    f'    <category term="{code}" scheme="http://arxiv.org/schemas/atom"/>\n'
                    for code in dict.fromkeys([primary, rng.choice(codes)])
                )
                out.write(
                    ENTRY.format(
                        arxiv_id=arxiv_id,
                        version=rng.randint(1, 3),
                        updated=published + dt.timedelta(days=rng.randint(0, 30)),
                        published=published,
                        title=escape(words.title(name, method, task)),
                        summary=escape(words.abstract(name, method, task)),
                        authors=authors,
                        pages=rng.randint(6, 40),
                        figures=rng.randint(1, 12),
                        primary=primary,
                        categories=categories,
                    )
                )
            out.write("</feed>\n")
        self.stdout.write(f"Wrote {entries:,} entries to {output}")
