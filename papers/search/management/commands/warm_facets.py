import time

from django.conf import settings
from django.core.management.base import BaseCommand

from papers.core import selectors
from papers.search.catalogue import warm_facet_cache


class Command(BaseCommand):
    help = (
        "Count the facets of the largest catalogue pages (everything and each topic; with "
        "--all also each category and year) into the cache, so readers never wait for them. "
        "Run it from cron, e.g. hourly, and after large imports."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--time-limit-ms", type=int, default=120_000, help="per facet query (default 2 min)"
        )
        parser.add_argument(
            "--all",
            dest="all_variants",
            action="store_true",
            help="also each category and each year on its own",
        )

    def handle(self, *args, time_limit_ms, all_variants, **options):
        report = warm_facet_cache(time_limit_ms=time_limit_ms, everything=all_variants)
        for variant, seconds, complete in report:
            state = "ok" if complete else "INCOMPLETE (not cached)"
            self.stdout.write(f"{variant:40} {seconds * 1000:8.0f} ms  {state}")
        keep = settings.SEARCH_FACET_WARM_SECONDS
        started = time.monotonic()
        ranking = selectors.author_ranking(refresh=True, time_limit_ms=time_limit_ms, timeout=keep)
        seconds = time.monotonic() - started
        state = "ok" if ranking is not None else "INCOMPLETE (not cached)"
        self.stdout.write(f"{'(author ranking)':40} {seconds * 1000:8.0f} ms  {state}")
        report.append(("(author ranking)", seconds, ranking is not None))
        started = time.monotonic()
        selectors.topic_directory(refresh=True, timeout=keep)
        seconds = time.monotonic() - started
        self.stdout.write(f"{'(topic directory)':40} {seconds * 1000:8.0f} ms  ok")
        report.append(("(topic directory)", seconds, True))
        total = sum(seconds for _, seconds, _ in report)
        self.stdout.write(f"{len(report)} facet sets counted in {total:.1f} s.")
