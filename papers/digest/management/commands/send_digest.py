from django.core.management.base import BaseCommand, CommandError

from papers.digest.sending import FREQUENCIES, DigestPeriod, digest_send
from papers.digest.tasks import digest_send_task


class Command(BaseCommand):
    help = (
        "Send the daily or weekly email digest of the last complete period (yesterday, or "
        "last ISO week) to every confirmed subscriber who has not had it. Safe to run again "
        "and in parallel: each subscriber gets each period's digest at most once. Run it from "
        "cron (see README.md, 'Email digest')."
    )

    def add_arguments(self, parser):
        parser.add_argument("--frequency", required=True, choices=FREQUENCIES)
        parser.add_argument(
            "--period",
            help="Send this period instead: YYYY-MM-DD (daily) or YYYY-Www (weekly).",
        )
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Put the sending on the task queue for the worker instead of sending now.",
        )

    def handle(self, *args, frequency, period=None, verbosity=1, enqueue=False, **options):
        if period:
            try:
                digest_period = DigestPeriod.parse(frequency, period)
            except ValueError as exc:
                raise CommandError(
                    f"{period!r} is not a {frequency} period "
                    f"({'YYYY-MM-DD' if frequency == 'daily' else 'YYYY-Www'})."
                ) from exc
        else:
            digest_period = DigestPeriod.previous(frequency)
        if enqueue:
            result = digest_send_task.enqueue(frequency, digest_period.key)
            self.stdout.write(
                f"Queued the {frequency} digest {digest_period.key} (task {result.id})."
            )
            return
        try:
            report = digest_send(period=digest_period)
        except Exception as exc:  # e.g. the mail server cannot be reached at all
            raise CommandError(f"Digest not sent: {type(exc).__name__}: {exc}") from exc

        head = f"{frequency.capitalize()} digest {digest_period.key} ({digest_period.title})"
        if not report.papers:
            self.stdout.write(f"{head}: no papers in this period, nothing sent.")
            return
        self.stdout.write(
            f"{head}: {report.papers} paper(s); sent {report.sent}, "
            f"already done before {report.already}, no papers in their topics "
            f"{report.nothing_to_send}."
        )
        if verbosity > 1:
            for email in report.recipients:
                self.stdout.write(f"  sent to {email}")
        if report.unfinished:
            self.stderr.write(
                f"{report.unfinished} delivery(ies) of this period were claimed but never "
                "marked sent (a run was killed while sending). They are not retried, so "
                "nobody gets a digest twice; see DigestDelivery rows without sent_at."
            )
        if report.failed:
            raise CommandError(
                f"Stopped after {report.sent} email(s): {report.failed}. Run the command "
                "again to send the rest."
            )
