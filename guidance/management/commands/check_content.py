"""`manage.py check_content`: for a daily job, is every fact still current?

Exits 0 and says so when all is well. Otherwise prints one line a problem (naming the row and its
admin page) and exits 1:

- OVERDUE: the row's "review by" day has passed;
- UNREACHABLE: the row's official link does not answer (timeout, connection error, HTTP 400 or
  more, after redirects);
- CHANGED: the official page's text differs from its fingerprint at the last review;
- NO-FINGERPRINT: the row has an official link but no fingerprint was recorded at its last review
  (the page did not answer then, or the row predates fingerprints). This is a failure too: the
  job exists to notice a changed source, and for such a row it cannot; marking the row reviewed
  while the page answers records one and ends the message.
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
