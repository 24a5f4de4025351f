"""`manage.py check_content`, for a daily job: one line a problem and exit 1, or exit 0.

A row with an official link but no fingerprint fails too: the job exists to notice a changed
source, and for that row it cannot.
"""

from django.core.management.base import BaseCommand, CommandError

from guidance.publishing.source_check import problems
from guidance.rules.dates import today_in_copenhagen


class Command(BaseCommand):
    help = (
        "Check the content against its review dates and official pages; exit 1 naming each "
        "problem (overdue review, official link that does not answer, changed official page, "
        "no fingerprint recorded), 0 when there is none."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--timeout",
            type=float,
            default=None,
            help="Seconds to wait for each official page (default: SOURCE_CHECK_TIMEOUT).",
        )

    def handle(self, *args, **options) -> None:
        found = problems(today_in_copenhagen(), options["timeout"])
        for problem in found:
            self.stdout.write(str(problem))
        if found:
            raise CommandError(
                f"{len(found)} problem{'s' if len(found) != 1 else ''} with the content: see above."
            )
        self.stdout.write(
            self.style.SUCCESS(
                "The content is current: nothing is overdue, and "
                "every official page answers unchanged."
            )
        )
