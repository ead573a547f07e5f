from django.core.management.base import BaseCommand

from papers.community import trending


class Command(BaseCommand):
    help = (
        "Recompute every paper's stored trending score from its upvotes (after changing "
        "TRENDING_HALF_LIFE_HOURS, or to let papers whose votes are over a month old drop "
        "to 0). Votes keep their own paper's score fresh; see papers/community/trending.py."
    )

    def handle(self, *args, **options):
        changed = trending.refresh_all()
        self.stdout.write(f"{changed} paper(s) had their trending score updated.")
