"""What the fetch commands share: progress on a terminal, the summary, the exit status."""

import time

from django.core.management.base import BaseCommand, CommandError

from .report import FetchReport

PROGRESS_EVERY = 2.0  # seconds between progress lines


class FetchCommand(BaseCommand):
    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Put the work on the task queue for the worker instead of doing it now.",
        )

    def progress(self, report: FetchReport) -> None:
        """A progress line on stderr, only when it is a terminal (not in cron's mail)."""
        now = time.monotonic()
        if not self.tty or now - self.last_progress < PROGRESS_EVERY:
            return
        self.last_progress = now
        self.stderr.write(
            f"… {report.source}: {report.read:,} read, {report.created:,} created, "
            f"{report.updated:,} updated, {report.unchanged:,} unchanged, "
            f"{report.failed:,} failed"
        )

    def start(self, options) -> None:
        self.tty = options["verbosity"] >= 1 and self.stderr.isatty()
        self.last_progress = time.monotonic()

    def summary(self, report: FetchReport) -> None:
        for line in report.lines():
            self.stdout.write(line)

    def finish(self, reports: list[FetchReport]) -> None:
        """Fail (exit status 1) when some step reached nothing at all: cron mails it."""
        dead = [r.source for r in reports if r.failed and not (r.read or r.created)]
        if dead:
            raise CommandError(f"Nothing could be fetched: {', '.join(dead)}.")

    def enqueued(self, task_function, *args, **kwargs) -> None:
        result = task_function.enqueue(*args, **kwargs)
        self.stdout.write(f"Queued {task_function.name} (task {result.id}, {result.status}).")
