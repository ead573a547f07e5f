from django.core.management.base import CommandError
from django.db.models import Q

from papers.core.models import Repository
from papers.ingest import tasks
from papers.ingest.fetchers.command import FetchCommand
from papers.ingest.fetchers.github import refresh_repositories, stale_repositories


class Command(FetchCommand):
    help = (
        "Refresh repositories from GitHub (GITHUB_API_URL, GITHUB_TOKEN): stars, language, "
        "description, topics, archived, last push. By default the stale ones (older than "
        "REPOSITORY_REFRESH_HOURS), stalest first, until the rate limit."
    )

    def add_arguments(self, parser):
        parser.add_argument("repositories", nargs="*", metavar="OWNER/NAME")
        parser.add_argument(
            "--limit", type=int, default=5000, help="At most this many stale repositories."
        )
        super().add_arguments(parser)

    def handle(self, *args, repositories, limit, enqueue, **options):
        self.start(options)
        if repositories:
            query = Q()
            for text in repositories:
                owner, _, name = text.strip("/").partition("/")
                if not owner or not name or "/" in name:
                    raise CommandError(f"{text!r} is not OWNER/NAME")
                query |= Q(host="github.com", owner__iexact=owner, name__iexact=name)
            chosen = list(Repository.objects.filter(query).order_by("pk"))
            found = {f"{r.owner}/{r.name}".lower() for r in chosen}
            unknown = [t for t in repositories if t.strip("/").lower() not in found]
            if unknown:
                raise CommandError(f"Not in the catalogue: {', '.join(unknown)}")
        else:
            chosen = stale_repositories()[:limit]
        if enqueue:
            ids = [r.pk for r in chosen] if repositories else None
            return self.enqueued(tasks.repositories_refresh, ids, limit)
        report = refresh_repositories(chosen, progress=self.progress)
        self.summary(report)
        self.finish([report])
