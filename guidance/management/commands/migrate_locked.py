"""`manage.py migrate_locked`: migrate, one instance at a time, so several can start together."""

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection

# Any fixed number: every eID guide instance asks PostgreSQL for the same advisory lock.
MIGRATION_LOCK = 7_316_412_020


class Command(BaseCommand):
    help = (
        "Apply migrations. With PostgreSQL, instances take turns (an advisory lock), so several "
        "starting together do not apply the same migration twice."
    )

    def handle(self, *args, **options) -> None:
        verbosity = options["verbosity"]
        if connection.vendor != "postgresql":
            call_command("migrate", interactive=False, verbosity=verbosity)
            return
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [MIGRATION_LOCK])
            try:
                call_command("migrate", interactive=False, verbosity=verbosity)
            finally:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [MIGRATION_LOCK])
