import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

CREDENTIALS_FILE = Path(settings.BASE_DIR) / ".admin-credentials"


class Command(BaseCommand):
    help = (
        "Create, once, a local admin account with a random password and print its "
        "credentials (kept in .admin-credentials). Development only: refuses outside the "
        "development settings (DEBUG off)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")

    def handle(self, *args, username, **options):
        if not settings.DEBUG:
            raise CommandError(
                "ensure_local_admin is for local development only (catalogue.settings.dev)."
            )
        User = get_user_model()
        if CREDENTIALS_FILE.exists() and User.objects.filter(username=username).exists():
            self.stdout.write(CREDENTIALS_FILE.read_text().strip())
            return
        password = secrets.token_urlsafe(12)
        user = User.objects.filter(username=username).first() or User(username=username)
        user.is_staff = user.is_superuser = True
        user.email = user.email or f"{username}@localhost"
        user.set_password(password)
        user.save()
        text = f"Local admin: http://127.0.0.1:8000/admin/  user: {username}  password: {password}"
        CREDENTIALS_FILE.write_text(text + "\n")
        CREDENTIALS_FILE.chmod(0o600)
        self.stdout.write(self.style.SUCCESS(text))
