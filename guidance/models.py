"""The facts eID guide tells: NemID milestones, ways to get MitID and what needs MitID.

Every citizen-facing text has an English (``_en``) and a Danish (``_da``) field; the attribute
without a suffix (``milestone.title``) reads the one for the active language.
"""

import calendar
import json
from datetime import date, timedelta

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.functional import cached_property
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from guidance.rules.dates import FIRST_DATE, LAST_DATE, date_range_error, today_in_copenhagen


class Audience(models.TextChoices):
    """Who is asking: a person, or a company using NemID for business."""

    CITIZEN = "citizen", _("Citizen")
    BUSINESS = "business", _("Business")


class DatePrecision(models.TextChoices):
    """How much of a milestone's day its source gives: the day, only the month, or only the year."""

    DAY = "day", _("the day")
    MONTH = "month", _("the month only")
    YEAR = "year", _("the year only")


class NemIDStatus(models.TextChoices):
    """NemID's status on a date, in the order the phase-out passes through them."""

    NOT_LAUNCHED = "not_launched", _("Not launched yet")
    ACTIVE = "active", _("Active")
    # Named by what they mean for the visitor, so that the two never read alike; "limited" in the
    # source's words, as it names its consequences for citizens only.
    RESTRICTED = "restricted", _("Not for banking or shopping")
    LIMITED = "limited", _("Limited service")
    CLOSED = "closed", _("Closed")
    # Never a milestone's: a day inside a milestone's month or year when its source gives no day.
    UNKNOWN = "unknown", _("Not known for this day")

    @property
    def rank(self) -> int:
        """Position in the phase-out: a later status never comes before an earlier one."""
        return list(NemIDStatus).index(self)


class Translated:
    """Reads ``<name>_<language>`` for the active language, falling back to English."""

    def __init__(self, name: str):
        self.name = name

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        language = (translation.get_language() or "en")[:2]
        value = getattr(instance, f"{self.name}_{language}", "")
        return value or getattr(instance, f"{self.name}_en")


def lines(text: str) -> list[str]:
    """The non-blank lines of a text field that holds one item a line."""
    return [line.strip() for line in text.splitlines() if line.strip()]


class ContentVersion(models.Model):
    """The version of the content: one row, which a trigger on every content table
    (``guidance.publishing.triggers``) bumps in the same transaction as any write."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    number = models.BigIntegerField(default=0)
    changed_at = models.DateTimeField(null=True)

    class Meta:
        verbose_name = _("content version")

    def __str__(self) -> str:
        return f"content version {self.number}"


REVIEW_INTERVAL = timedelta(days=365)


def a_review_interval_from_today() -> date:
    """The default "review by" date: a year from today in Copenhagen."""
    return today_in_copenhagen() + REVIEW_INTERVAL


class Scheduled(models.Model):
    """When a row goes live, and when its facts were and must next be checked against the source
    (set only by "Mark as reviewed", ``guidance.publishing.source_check``)."""

    publish_from = models.DateTimeField(
        _("publish from"),
        null=True,
        blank=True,
        help_text=_(
            "Copenhagen time. Citizens do not see this before that minute; at that minute it is "
            "live. Blank: live as soon as it is saved."
        ),
    )
    last_reviewed_on = models.DateField(
        _("last reviewed"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("The day someone last checked this against the official source."),
    )
    review_by = models.DateField(
        _("review by"),
        default=a_review_interval_from_today,
        help_text=_("Check this against the official source again by this day."),
    )
    source_fingerprint = models.CharField(
        _("fingerprint of the official page"),
        max_length=64,
        blank=True,
        editable=False,
        help_text=_("SHA-256 of the official page's text when this was last reviewed."),
    )

    class Meta:
        abstract = True

    def is_live_at(self, now) -> bool:
        """Whether citizens see this row at ``now``: published (rows without the flag always
        are), and its "publish from" moment, if any, has come."""
        published = getattr(self, "published", True)
        return published and (self.publish_from is None or self.publish_from <= now)


class ContentModel(Scheduled):
    """Fields every piece of guidance has: a published flag and when it was changed."""

    published = models.BooleanField(
        _("published"), default=True, help_text=_("Unpublished rows are kept but not shown.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        abstract = True


class Milestone(ContentModel):
    """A day from which NemID has a new status for one audience."""

    date = models.DateField(
        _("date"),
        help_text=_(
            "The first day on which the status holds: a milestone dated 30 June 2023 means "
            "the status applies on 30 June 2023 itself."
        ),
    )
    date_precision = models.CharField(
        _("the source gives"),
        max_length=8,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
        help_text=_(
            "When the source gives only the year or the month, enter its first day (1 January "
            "2010 for “in 2010”): the site then says “in 2010” and never guesses the day."
        ),
    )
    audience = models.CharField(
        _("audience"), max_length=16, choices=Audience.choices, default=Audience.CITIZEN
    )
    status = models.CharField(
        _("NemID status from this date"),
        max_length=16,
        choices=[
            c
            for c in NemIDStatus.choices
            if c[0] not in (NemIDStatus.NOT_LAUNCHED, NemIDStatus.UNKNOWN)
        ],
    )
    title_en = models.CharField(_("title (English)"), max_length=120)
    title_da = models.CharField(_("title (Danish)"), max_length=120)
    summary_en = models.TextField(
        _("what it means (English)"),
        max_length=300,
        help_text=_("One or two sentences, in the present tense: the answer a visitor reads."),
    )
    summary_da = models.TextField(_("what it means (Danish)"), max_length=300)
    what_to_do_en = models.TextField(
        _("what to do (English)"), max_length=600, blank=True, help_text=_("One action a line.")
    )
    what_to_do_da = models.TextField(
        _("what to do (Danish)"), max_length=600, blank=True, help_text=_("One action a line.")
    )
    source_url = models.URLField(
        _("source"), blank=True, help_text=_("The official page the fact comes from.")
    )
    date_note_en = models.CharField(
        _("note on the date (English)"),
        max_length=200,
        blank=True,
        help_text=_("Say here when the official source does not give the exact day."),
    )
    date_note_da = models.CharField(_("note on the date (Danish)"), max_length=200, blank=True)

    history = HistoricalRecords()

    title = Translated("title")
    summary = Translated("summary")
    what_to_do = Translated("what_to_do")
    date_note = Translated("date_note")

    class Meta:
        ordering = ["date", "audience"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        constraints = [
            models.UniqueConstraint(
                fields=["audience", "date"],
                name="one_milestone_per_audience_and_day",
                violation_error_message=_("This audience already has a milestone on that day."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.when}, {self.get_audience_display().lower()}: {self.title}"

    def get_absolute_url(self) -> str:
        """The advice page for the first day this milestone surely holds, for its audience."""
        url = f"{reverse('advice')}?date={self.last_day.isoformat()}"
        return url if self.audience == Audience.CITIZEN else f"{url}&audience={self.audience}"

    @property
    def actions(self) -> list[str]:
        """What to do, one action an item, in the active language."""
        return lines(self.what_to_do)

    @property
    def last_day(self) -> date:
        """The last day the milestone may fall on: its date, or the end of its month or year."""
        if self.date_precision == DatePrecision.YEAR:
            return self.date.replace(month=12, day=31)
        if self.date_precision == DatePrecision.MONTH:
            return self.date.replace(day=calendar.monthrange(self.date.year, self.date.month)[1])
        return self.date

    @property
    def iso_date(self) -> str:
        """The date as precise as its source, for machines: 2010, 2010-07 or 2010-07-01."""
        return self.date.isoformat()[: {"year": 4, "month": 7}.get(self.date_precision, 10)]

    @property
    def when(self) -> str:
        """The date as precise as its source, in the active language: "2010", "July 2010",
        "1 July 2010"."""
        if self.date_precision == DatePrecision.YEAR:
            return str(self.date.year)
        return formats.date_format(
            self.date, "YEAR_MONTH_FORMAT" if self.date_precision == DatePrecision.MONTH else None
        )

    def clean(self) -> None:
        """Refuse a milestone that would make its audience's timeline contradict itself."""
        super().clean()
        if self.date and not FIRST_DATE <= self.date <= LAST_DATE:
            raise ValidationError({"date": date_range_error()})
        period_start = {DatePrecision.YEAR: {"month": 1, "day": 1}, DatePrecision.MONTH: {"day": 1}}
        if self.date and self.date != self.date.replace(
            **period_start.get(self.date_precision, {})
        ):
            raise ValidationError(
                {"date": _("Enter the first day of the month or year the source gives.")}
            )
        if not (self.date and self.status and self.audience):
            return
        others = Milestone.objects.filter(audience=self.audience).exclude(pk=self.pk)
        rank = NemIDStatus(self.status).rank
        previous = others.filter(date__lt=self.date).order_by("-date").first()
        following = others.filter(date__gt=self.date).order_by("date").first()
        conflict = None
        if previous and NemIDStatus(previous.status).rank > rank:
            conflict = previous
        elif following and NemIDStatus(following.status).rank < rank:
            conflict = following
        if conflict:
            raise ValidationError(
                {
                    "status": _(
                        "“%(status)s” on %(day)s contradicts “%(other)s” on %(other_day)s: "
                        "NemID’s status only moves forward (active, restricted, limited, closed)."
                    )
                    % {
                        "status": self.get_status_display(),
                        "day": self.iso_date,
                        "other": conflict.get_status_display(),
                        "other_day": conflict.iso_date,
                    }
                }
            )


class Situation(models.TextChoices):
    """The questions a visitor may answer about themselves."""

    PASSPORT = "passport", _("Has a Danish passport")
    SMARTPHONE = "smartphone", _("Has a smartphone")


class Requirement(Scheduled):
    """Something a visitor needs for one way of getting MitID."""

    slug = models.SlugField(_("slug"), unique=True)
    name_en = models.CharField(_("name (English)"), max_length=120)
    name_da = models.CharField(_("name (Danish)"), max_length=120)
    situation = models.CharField(
        _("situation question"),
        max_length=16,
        choices=Situation.choices,
        blank=True,
        help_text=_(
            "The question a visitor answers about this requirement. Blank: everyone is "
            "assumed able to meet it (for example booking an appointment)."
        ),
    )
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    history = HistoricalRecords()

    name = Translated("name")

    class Meta:
        ordering = ["slug"]
        verbose_name = _("requirement")
        verbose_name_plural = _("requirements")

    def __str__(self) -> str:
        return self.name


class EnrollmentOption(ContentModel):
    """One way to get MitID (or MitID Business), with what it needs and when it is open."""

    slug = models.SlugField(_("slug"), unique=True)
    audience = models.CharField(
        _("audience"), max_length=16, choices=Audience.choices, default=Audience.CITIZEN
    )
    name_en = models.CharField(_("name (English)"), max_length=120)
    name_da = models.CharField(_("name (Danish)"), max_length=120)
    summary_en = models.TextField(_("summary (English)"), max_length=300)
    summary_da = models.TextField(_("summary (Danish)"), max_length=300)
    steps_en = models.TextField(
        _("steps (English)"), max_length=800, blank=True, help_text=_("One step a line.")
    )
    steps_da = models.TextField(
        _("steps (Danish)"), max_length=800, blank=True, help_text=_("One step a line.")
    )
    requirements = models.ManyToManyField(
        Requirement, blank=True, related_name="options", verbose_name=_("requirements")
    )
    available_from = models.DateField(
        _("available from"),
        null=True,
        blank=True,
        help_text=_(
            "First day this way is open. Blank: the official source gives no start date; "
            "the option counts as open on every date before its end."
        ),
    )
    available_until = models.DateField(
        _("available until"),
        null=True,
        blank=True,
        help_text=_("Last day this way is open. Blank: no end date is announced."),
    )
    url = models.URLField(_("official page"), blank=True)
    order = models.PositiveSmallIntegerField(
        _("order"), default=0, help_text=_("Lower numbers are shown first.")
    )

    history = HistoricalRecords(m2m_fields=[requirements])

    name = Translated("name")
    summary = Translated("summary")
    steps_text = Translated("steps")

    class Meta:
        ordering = ["order", "slug"]
        verbose_name = _("way to get MitID")
        verbose_name_plural = _("ways to get MitID")

    def __str__(self) -> str:
        return self.name

    @cached_property
    def needs(self) -> tuple[Requirement, ...]:
        """The requirements shown with this way (``guidance.rules.published`` sets those live)."""
        return tuple(self.requirements.all())

    @property
    def steps(self) -> list[str]:
        """The steps, one an item, in the active language."""
        return lines(self.steps_text)

    def available_on(self, day: date) -> bool:
        """Whether this way is open on ``day``; a blank start or end leaves that side open."""
        starts = self.available_from is None or self.available_from <= day
        ends = self.available_until is None or day <= self.available_until
        return starts and ends

    def clean(self) -> None:
        """Refuse an availability window that ends before it starts."""
        super().clean()
        if (
            self.available_from
            and self.available_until
            and self.available_until < self.available_from
        ):
            raise ValidationError(
                {"available_until": _("The last day cannot be before the first day.")}
            )


class SelfService(ContentModel):
    """A public self-service that needs MitID (for example: change your address)."""

    name_en = models.CharField(_("name (English)"), max_length=120)
    name_da = models.CharField(_("name (Danish)"), max_length=120)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    name = Translated("name")

    class Meta:
        ordering = ["order", "name_en"]
        verbose_name = _("self-service that needs MitID")
        verbose_name_plural = _("self-services that need MitID")

    def __str__(self) -> str:
        return self.name


class ChangeNote(models.Model):
    """A public note on a change that is not minor (a typo gets none), on the updates page and in
    the feed from ``published_at``: when the change went live."""

    published_at = models.DateTimeField(_("live from"))
    note_en = models.TextField(_("note (English)"))
    note_da = models.TextField(_("note (Danish)"))
    content_type = models.ForeignKey(
        ContentType,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        verbose_name=_("kind of content"),
    )
    object_id = models.PositiveBigIntegerField(_("row"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("written by"),
    )

    note = Translated("note")
    about = GenericForeignKey("content_type", "object_id")

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("change note")
        verbose_name_plural = _("change notes")
        permissions = [
            ("publish_change", _("Can publish a change at once or with a public note")),
        ]

    def __str__(self) -> str:
        moment = formats.date_format(timezone.localtime(self.published_at), "DATETIME_FORMAT")
        return f"{moment}: {Truncator(self.note).words(10)}"


class Draft(models.Model):
    """A change to a row citizens see, prepared by someone who may not publish: kept beside the
    live row until a publisher publishes it (by saving the row's form, which shows it) or sends
    it back (``guidance.publishing.rules``)."""

    WAITING, SENT_BACK = "waiting", "sent_back"

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    # The form as it was sent, as JSON (field name -> values), to show it again as it was.
    sent = models.TextField()
    state = models.CharField(
        max_length=16,
        choices=[(WAITING, _("Waiting for a publisher")), (SENT_BACK, _("Sent back"))],
        default=WAITING,
    )
    reason = models.CharField(_("reason for the change"), max_length=100, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_back_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("draft")
        verbose_name_plural = _("drafts")
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id"], name="one_draft_a_row")
        ]

    def __str__(self) -> str:
        return f"draft of {self.content_type.model} {self.object_id}"

    @property
    def data(self) -> dict[str, list[str]]:
        return json.loads(self.sent)
