from django.core.management.base import BaseCommand

from papers.community.services import paper_recount_upvotes


class Command(BaseCommand):
    help = (
        "Repair Paper.upvote_count from the Upvote rows wherever they differ "
        "(safe while members vote: each fix runs under the paper's vote lock)."
    )

    def handle(self, *args, **options):
        fixed = paper_recount_upvotes()
        self.stdout.write(f"{fixed} paper(s) had a wrong upvote count and were fixed.")
