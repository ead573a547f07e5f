"""What the import commands share: arguments, progress lines, the summary."""

import time

from django.core.management.base import BaseCommand, CommandError

from .base import BATCH_SIZE
from .report import ImportFailed, ImportReport
from .sources import path_sources, stdin_source

PROGRESS_EVERY = 2.0  # seconds between progress lines


class ImportCommand(BaseCommand):
    file_suffixes: tuple[str, ...] = ()

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Read and check everything, report what would change, write nothing.",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=BATCH_SIZE,
            help=f"Entries written per batch (default {BATCH_SIZE}).",
        )

    def sources_for(self, argument: str):
        if argument == "-":
            return [stdin_source()]
        return path_sources(argument, suffixes=self.file_suffixes)

    def progress(self, report: ImportReport) -> None:
        """A line on stderr at most every ``PROGRESS_EVERY`` seconds (called after each batch)."""
        now = time.monotonic()
        if self.verbosity < 1 or now - self.last_progress < PROGRESS_EVERY:
            return
        self.last_progress = now
        self.stderr.write(
            f"… {report.read:,} read ({report.rate:,.0f}/s): {report.created:,} created, "
            f"{report.updated:,} updated, {report.unchanged:,} unchanged, "
            f"{report.skipped:,} skipped"
        )

    def run(self, options, importer, *args, **kwargs) -> ImportReport:
        """Run ``importer`` with the common options; print its summary."""
        self.verbosity = options["verbosity"]
        self.last_progress = time.monotonic()
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1")
        try:
            report = importer(
                *args,
                dry_run=options["dry_run"],
                batch_size=options["batch_size"],
                progress=self.progress,
                **kwargs,
            )
        except ImportFailed as error:
            raise CommandError(f"{error}\nNothing was written.") from error
        for line in report.lines():
            self.stdout.write(line)
        return report
