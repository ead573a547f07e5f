from django.core.management.base import BaseCommand

from papers.community.discussion.services import paper_recount_comments


class Command(BaseCommand):
    help = (
        "Repair Paper.comment_count (the comments everyone sees) and the comments' upvote "
        "counts from the rows wherever they differ (safe while members post)."
    )

    def handle(self, *args, **options):
        fixed = paper_recount_comments()
        self.stdout.write(f"{fixed} count(s) were wrong and were fixed.")
