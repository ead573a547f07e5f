"""Members' email addresses are unique whatever their case.

The project keeps Django's ``auth.User`` (no custom user model), so the
constraint is an expression index on ``auth_user`` created here. The same SQL
works on PostgreSQL and SQLite; empty emails (accounts made by
``createsuperuser`` without one) are left out.
"""

from django.conf import settings
from django.db import migrations

INDEX = "auth_user_email_lower_uniq"


class Migration(migrations.Migration):
    dependencies = [
        ("papers", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunSQL(
            sql=f"CREATE UNIQUE INDEX {INDEX} ON auth_user (LOWER(email)) WHERE email <> ''",
            reverse_sql=f"DROP INDEX IF EXISTS {INDEX}",
        ),
    ]
