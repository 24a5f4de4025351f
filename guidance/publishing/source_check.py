"""Are the facts still current? Review dates, and fingerprints of the official pages they were
checked against: what the admin's "Mark as reviewed" records and ``manage.py check_content``
compares.
"""

import hashlib
import http.client
import urllib.error
import urllib.request
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from html.parser import HTMLParser

from django.conf import settings
from django.db import models, transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from guidance.models import REVIEW_INTERVAL, EnrollmentOption, Milestone, Requirement, SelfService

REVIEWED_MODELS = (Milestone, EnrollmentOption, Requirement, SelfService)
# The admin lists rows due within this many days, besides the overdue ones.
DUE_SOON = timedelta(days=30)
# The most of a page read for its fingerprint: official pages are well under this.
MAX_PAGE_BYTES = 5 * 1024 * 1024
USER_AGENT = "eID-guide-content-check/1 (+https://{domain}/)"
# Elements whose content a reader never sees as text.
HIDDEN_ELEMENTS = {"script", "style", "template", "noscript", "head"}


class SourceUnavailable(Exception):
    """The official page did not answer; the message says how (timeout, refused, HTTP 404, ...)."""


# The standard library's parser and urllib are enough: a fingerprint only has to be computed the
# same way at the review and at the check, not to build a faithful DOM.
class VisibleText(HTMLParser):
    """Collects the text a reader sees: everything outside script, style, template and head."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hidden_depth = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in HIDDEN_ELEMENTS:
            self.hidden_depth += 1

    def handle_endtag(self, tag):
        if tag in HIDDEN_ELEMENTS and self.hidden_depth:
            self.hidden_depth -= 1

    def handle_data(self, data):
        if not self.hidden_depth:
            self.parts.append(data)


def fingerprint(html: str) -> str:
    """SHA-256 (hex) of the page's visible text, whitespace collapsed: the same for the same
    words, whatever the markup, scripts or indentation."""
    parser = VisibleText()
    parser.feed(html)
    parser.close()
    text = " ".join(" ".join(parser.parts).split())
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def fetch_fingerprint(url: str, timeout: float | None = None) -> str:
    """The fingerprint of the page at ``url`` now (redirects followed); SourceUnavailable when it
    does not answer (an HTTP status from 400 up, a timeout, a connection error)."""
    timeout = settings.SOURCE_CHECK_TIMEOUT if timeout is None else timeout
    request = urllib.request.Request(  # noqa: S310  (http and https only: see official_url)
        url,
        headers={
            "User-Agent": USER_AGENT.format(domain=settings.SITE_DOMAIN),
            "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310  (http(s) only: see official_url)
            body = response.read(MAX_PAGE_BYTES)
            charset = response.headers.get_content_charset() or "utf-8"
    except urllib.error.HTTPError as error:
        raise SourceUnavailable(f"HTTP {error.code}") from error
    except urllib.error.URLError as error:
        raise SourceUnavailable(str(error.reason)) from error
    except http.client.HTTPException as error:  # not HTTP at all, or a broken answer
        raise SourceUnavailable(f"invalid HTTP answer: {type(error).__name__}") from error
    except (OSError, ValueError) as error:  # timeouts and refused connections are OSErrors
        raise SourceUnavailable(str(error) or type(error).__name__) from error
    try:
        html = body.decode(charset, errors="replace")
    except LookupError:  # a charset Python does not know
        html = body.decode("utf-8", errors="replace")
    return fingerprint(html)


def official_url(row: models.Model) -> str:
    """The official page a row's facts come from: its http or https link, else ""."""
    url = getattr(row, "source_url", None) or getattr(row, "url", None) or ""
    return url if url.startswith(("https://", "http://")) else ""


@dataclass(frozen=True)
class ReviewState:
    """Where a row stands against its "review by" date on a day."""

    code: str  # "overdue", "due" (within DUE_SOON) or "ok"
    days: int  # days until "review by" (negative: days past it)

    @property
    def label(self) -> str:
        """The state in the admin's words."""
        if self.code == "overdue":
            return ngettext("Overdue by %(days)d day", "Overdue by %(days)d days", -self.days) % {
                "days": -self.days
            }
        if self.days == 0:
            return _("Due today")
        if self.code == "due":
            return ngettext("Due in %(days)d day", "Due in %(days)d days", self.days) % {
                "days": self.days
            }
        return _("Up to date")


def review_state(review_by: date, today: date) -> ReviewState:
    """Overdue when "review by" has passed (the day itself still counts as in time); due when it
    comes within DUE_SOON; else up to date."""
    days = (review_by - today).days
    if days < 0:
        return ReviewState("overdue", days)
    if days <= DUE_SOON.days:
        return ReviewState("due", days)
    return ReviewState("ok", days)


def watched(model: type[models.Model]) -> models.QuerySet:
    """The rows of ``model`` to keep current: those citizens see or will see (published)."""
    rows = model.objects.all()
    if any(field.name == "published" for field in model._meta.fields):
        rows = rows.filter(published=True)
    return rows


def rows_to_review(today: date) -> list[models.Model]:
    """Every watched row overdue or due within DUE_SOON, the most overdue first."""
    last_day = today + DUE_SOON
    rows = [
        row for model in REVIEWED_MODELS for row in watched(model).filter(review_by__lte=last_day)
    ]
    return sorted(rows, key=lambda row: (row.review_by, row._meta.model_name, row.pk))


@dataclass(frozen=True)
class Problem:
    """One reason the content needs attention: one line naming the row and where to fix it."""

    kind: str  # "overdue", "unreachable", "changed", "no-fingerprint"
    row: models.Model
    detail: str

    def __str__(self) -> str:
        """The line: kind, the row (model, id, name), what to do, and its admin page."""
        opts = self.row._meta
        admin = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[self.row.pk])
        row = f"{opts.model_name} {self.row.pk} “{self.row}”"
        return f"{self.kind.upper()}: {row}: {self.detail} https://{settings.SITE_DOMAIN}{admin}"


def overdue_problems(rows: Iterable[models.Model], today: date) -> Iterator[Problem]:
    """A problem for every row whose "review by" date has passed."""
    for row in rows:
        if review_state(row.review_by, today).code == "overdue":
            yield Problem(
                "overdue",
                row,
                f"review was due by {row.review_by.isoformat()}; check it against the official "
                "source, then use “Mark as reviewed”.",
            )


def source_problems(
    rows: Iterable[models.Model], timeout: float | None = None
) -> Iterator[Problem]:
    """A problem for every linked row whose page does not answer, has changed since the review,
    or has no fingerprint recorded (so a change could not be noticed). Each link is fetched once."""
    answers: dict[str, str | SourceUnavailable] = {}
    for row in rows:
        url = official_url(row)
        if not url:
            continue
        if url not in answers:
            try:
                answers[url] = fetch_fingerprint(url, timeout)
            except SourceUnavailable as error:
                answers[url] = error
        answer = answers[url]
        if isinstance(answer, SourceUnavailable):
            yield Problem(
                "unreachable",
                row,
                f"the official link {url} does not answer ({answer}); check the link and fix it.",
            )
        elif not row.source_fingerprint:
            yield Problem(
                "no-fingerprint",
                row,
                f"no fingerprint of {url} was recorded at the last review, so a change to that "
                "page cannot be noticed; check the row against it, then use “Mark as reviewed” "
                "to record one.",
            )
        elif answer != row.source_fingerprint:
            reviewed = row.last_reviewed_on.isoformat() if row.last_reviewed_on else "?"
            yield Problem(
                "changed",
                row,
                f"the official page {url} has changed since the review on {reviewed}; "
                "check the row against it, then use “Mark as reviewed”.",
            )


def problems(today: date, timeout: float | None = None) -> list[Problem]:
    """Everything ``check_content`` reports today: overdue rows, then their official links."""
    rows = [row for model in REVIEWED_MODELS for row in watched(model).order_by("pk")]
    return [*overdue_problems(rows, today), *source_problems(rows, timeout)]


@dataclass(frozen=True)
class Reviewed:
    """What marking rows as reviewed did: how many rows, and the links that did not answer."""

    count: int
    unreachable: dict[str, str]  # url -> why


def mark_reviewed(rows: Iterable[models.Model], today: date, user=None) -> Reviewed:
    """Record that someone checked ``rows`` against the official source today: reviewed today,
    due again in a year, and each linked page's fingerprint now (none when it does not answer:
    the person still checked the row, and ``check_content`` then says it has no fingerprint)."""
    rows = list(rows)
    fingerprints: dict[str, str] = {}
    unreachable: dict[str, str] = {}
    for url in dict.fromkeys(official_url(row) for row in rows if official_url(row)):
        try:
            fingerprints[url] = fetch_fingerprint(url)
        except SourceUnavailable as error:
            unreachable[url] = str(error)
    with transaction.atomic():
        for row in rows:
            row.last_reviewed_on = today
            row.review_by = today + REVIEW_INTERVAL
            row.source_fingerprint = fingerprints.get(official_url(row), "")
            if user is not None:
                row._history_user = user
            row._change_reason = _("Marked as reviewed")
            # updated_at too: a form opened before the review would otherwise save its old
            # "review by" back unnoticed (the admin refuses a form older than updated_at).
            row.save(
                update_fields=["last_reviewed_on", "review_by", "source_fingerprint", "updated_at"]
            )
    return Reviewed(len(rows), unreachable)
