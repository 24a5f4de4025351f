"""The admin where staff keep the facts current. Rules live in the models' ``clean()``.

Staff data safety lives here: a form saved after someone else changed the row is refused with
what they changed (optimistic concurrency on ``updated_at``); a revert restores every field, the
requirements of a way to get MitID included; every save records who and, when given, why.
"""

import logging

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.http import HttpResponse
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.manager import SIMPLE_HISTORY_REVERSE_ATTR_NAME

from guidance.admin_review import ReviewAdmin
from guidance.models import EnrollmentOption, Milestone, Requirement, SelfService

log = logging.getLogger(__name__)

admin.site.site_header = _("eID guide: content")
admin.site.site_title = _("eID guide admin")
admin.site.index_title = _("Facts shown to citizens")

BOOKKEEPING_FIELDS = {"id", "created_at", "updated_at"}


def stamp(moment) -> str:
    """The version a form was loaded at, as the hidden field carries it."""
    return moment.isoformat() if moment else ""


def shown(value) -> str:
    """A field's value as staff read it in a message."""
    if value in (None, ""):
        return gettext("(blank)")
    text = str(value)
    return f"“{text[:80]}…”" if len(text) > 80 else f"“{text}”"


class ContentForm(forms.ModelForm):
    """A content row's admin form: refuses a stale save; asks why; reverts requirements too."""

    loaded_version = forms.CharField(widget=forms.HiddenInput, required=False)
    change_reason = forms.CharField(
        label=_("Reason for the change"),
        max_length=100,
        required=False,
        help_text=_("Kept in the history with your name, for example “The agency moved the date”."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # From the database, not the instance: a revert form's instance is the old version.
            self.fields["loaded_version"].initial = stamp(self.current_updated_at())
        historic = getattr(self.instance, SIMPLE_HISTORY_REVERSE_ATTR_NAME, None)
        if historic is not None and not self.is_bound:
            for field in self.instance._meta.many_to_many:
                if field.name in self.fields:
                    rows = getattr(historic, field.name).all()
                    self.initial[field.name] = [
                        getattr(row, field.m2m_reverse_field_name() + "_id") for row in rows
                    ]

    def current_updated_at(self, lock: bool = False):
        rows = type(self.instance).objects.filter(pk=self.instance.pk)
        if lock and connection.in_atomic_block:
            rows = rows.select_for_update()
        return rows.values_list("updated_at", flat=True).first()

    def clean(self):
        cleaned = super().clean()
        loaded = cleaned.get("loaded_version")
        if not (self.instance.pk and loaded):
            return cleaned
        current = self.current_updated_at(lock=True)
        if current is not None and stamp(current) != loaded:
            # Shown again with the current version: saving once more, knowingly, replaces theirs.
            self.data = self.data.copy()
            self.data[self.add_prefix("loaded_version")] = stamp(current)
            raise ValidationError(self.conflict_message(loaded))
        return cleaned

    def conflict_message(self, loaded: str) -> str:
        """Who changed the row since ``loaded``, when, why, and what they changed."""
        history = self.instance.history.order_by("-history_date", "-history_id")
        latest = history.first()
        message = gettext(
            "Someone else saved this after you opened it, so your changes were not saved."
        )
        if latest is None:
            return message
        who = latest.history_user.get_username() if latest.history_user else gettext("someone")
        when = formats.date_format(timezone.localtime(latest.history_date), "DATETIME_FORMAT")
        message += " " + gettext("Last saved by %(who)s at %(when)s.") % {"who": who, "when": when}
        if latest.history_change_reason:
            message += " " + gettext("Reason: %(reason)s.") % {
                "reason": latest.history_change_reason
            }
        base = history.filter(updated_at=loaded).last()
        if base is not None and base.history_id != latest.history_id:
            changes = []
            for change in latest.diff_against(base).changes:
                if change.field in BOOKKEEPING_FIELDS:
                    continue
                field = self.instance._meta.get_field(change.field)
                if field.many_to_many:
                    old, new = (
                        self.linked_names(field, change.old),
                        self.linked_names(field, change.new),
                    )
                else:
                    old, new = shown(change.old), shown(change.new)
                changes.append(f"{field.verbose_name}: {old} → {new}")
            if changes:
                message += " " + gettext("They changed: %(changes)s.") % {
                    "changes": "; ".join(changes)
                }
        return (
            message
            + " "
            + gettext("Check the fields below and save again to replace their version with yours.")
        )

    @staticmethod
    def linked_names(field, rows) -> str:
        ids = [row[field.m2m_reverse_field_name()] for row in rows]
        names = field.related_model.objects.filter(pk__in=ids).values_list("name_en", flat=True)
        return ", ".join(sorted(names)) or gettext("(none)")


class ContentAdmin(ReviewAdmin, SimpleHistoryAdmin):
    """What every content admin shares: the guarded form, the reason kept in the history."""

    form = ContentForm
    reason_fieldset = (
        _("Why"),
        {"fields": ["change_reason", "loaded_version"]},
    )

    def get_fieldsets(self, request, obj=None):
        if self.fieldsets:
            return [*self.fieldsets, self.reason_fieldset]
        return super().get_fieldsets(request, obj)

    def save_model(self, request, obj, form, change):
        reason = form.cleaned_data.get("change_reason")
        historic = getattr(obj, SIMPLE_HISTORY_REVERSE_ATTR_NAME, None)
        if not reason and historic is not None:
            when = formats.date_format(timezone.localtime(historic.history_date), "DATETIME_FORMAT")
            reason = gettext("Reverted to the version of %(when)s") % {"when": when}
        if reason:
            obj._change_reason = reason
        super().save_model(request, obj, form, change)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # A revert saves the row and its links: all of it or nothing.
        try:
            with transaction.atomic():
                return super().history_form_view(request, object_id, version_id, extra_context)
        except DatabaseError as error:
            return database_refused(error)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DatabaseError as error:
            return database_refused(error)

    def changelist_view(self, request, extra_context=None):
        try:
            return super().changelist_view(request, extra_context)
        except DatabaseError as error:
            return database_refused(error)


def database_refused(error: DatabaseError) -> HttpResponse:
    """A save the database could not take (busy or gone): rolled back, and the editor told so."""
    log.warning("An admin request failed in the database, nothing was saved: %s", error)
    message = gettext(
        "The database did not answer, so nothing was saved. Go back and save again in a moment."
    )
    return HttpResponse(message, status=503, content_type="text/plain; charset=utf-8")


@admin.register(Milestone)
class MilestoneAdmin(ContentAdmin):
    list_display = ["date", "audience", "status", "title_en", "published", "updated_at"]
    list_display_links = ["date", "title_en"]
    list_filter = ["audience", "status", "published"]
    search_fields = ["title_en", "title_da", "summary_en", "summary_da"]
    date_hierarchy = "date"
    ordering = ["date", "audience"]
    fieldsets = [
        (None, {"fields": ["date", "audience", "status", "published", "source_url"]}),
        (_("English"), {"fields": ["title_en", "summary_en", "what_to_do_en", "date_note_en"]}),
        (_("Danish"), {"fields": ["title_da", "summary_da", "what_to_do_da", "date_note_da"]}),
    ]


@admin.register(EnrollmentOption)
class EnrollmentOptionAdmin(ContentAdmin):
    list_display = [
        "name_en",
        "audience",
        "available_from",
        "available_until",
        "order",
        "published",
    ]
    list_filter = ["audience", "published"]
    search_fields = ["name_en", "name_da", "summary_en", "summary_da", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}
    formfield_overrides = {
        EnrollmentOption.requirements.field.__class__: {"widget": forms.CheckboxSelectMultiple}
    }
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "slug",
                    "audience",
                    "requirements",
                    ("available_from", "available_until"),
                    "url",
                    "order",
                    "published",
                ]
            },
        ),
        (_("English"), {"fields": ["name_en", "summary_en", "steps_en"]}),
        (_("Danish"), {"fields": ["name_da", "summary_da", "steps_da"]}),
    ]


@admin.register(Requirement)
class RequirementAdmin(ContentAdmin):
    list_display = ["name_en", "name_da", "situation", "slug"]
    list_filter = ["situation"]
    search_fields = ["name_en", "name_da", "slug"]


@admin.register(SelfService)
class SelfServiceAdmin(ContentAdmin):
    list_display = ["name_en", "name_da", "order", "published"]
    list_editable = ["order", "published"]
    list_filter = ["published"]
    search_fields = ["name_en", "name_da"]
    # Hundreds of rows can be edited in one go (guidance.middleware_admin lets the form through).
    list_per_page = 500

    def save_model(self, request, obj, form, change):
        if not isinstance(form, ContentForm):  # a row of the list's bulk edit
            obj._change_reason = gettext("Changed in the list of self-services")
        super().save_model(request, obj, form, change)
