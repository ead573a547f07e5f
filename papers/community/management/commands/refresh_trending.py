from django.core.management.base import BaseCommand

from papers.community import trending
from papers.community.tasks import trending_refresh_task


class Command(BaseCommand):
    help = (
        "Recompute every paper's stored trending score from its upvotes (after changing "
        "TRENDING_HALF_LIFE_HOURS, or to let papers whose votes are over a month old drop "
        "to 0). Votes keep their own paper's score fresh; see papers/community/trending.py."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Put it on the task queue for the worker instead of doing it now.",
        )

    def handle(self, *args, enqueue=False, **options):
        if enqueue:
            result = trending_refresh_task.enqueue()
            self.stdout.write(f"Queued trending_refresh_task (task {result.id}).")
            return
        changed = trending.refresh_all()
        self.stdout.write(f"{changed} paper(s) had their trending score updated.")
