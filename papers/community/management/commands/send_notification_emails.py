from django.core.management.base import BaseCommand

from papers.community.tasks import notification_emails_send


class Command(BaseCommand):
    help = (
        "Queue the batched notification emails of every member who is waiting for one "
        "(run it from cron, e.g. every 15 minutes; each member gets at most one email every "
        "NOTIFICATION_EMAIL_MINUTES)."
    )

    def handle(self, *args, **options):
        result = notification_emails_send.enqueue()
        self.stdout.write(f"Notification emails queued (task {result.id}, {result.status}).")
