"""The admin where staff keep the facts current. Rules live in the models' ``clean()``.

Staff data safety lives here: a form saved after someone else changed the row is refused with
what they changed (optimistic concurrency on ``updated_at``); a revert restores every field, the
requirements of a way to get MitID included; every save records who and, when given, why.
"""

import copy
from collections.abc import Iterable
from datetime import UTC, datetime

from django import forms
from django.contrib import admin, messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, models, transaction
from django.db.models import Exists, OuterRef, Subquery
from django.forms.models import model_to_dict
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils import formats, timezone
from django.utils.datastructures import MultiValueDict
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from simple_history.admin import SimpleHistoryAdmin
from simple_history.manager import SIMPLE_HISTORY_REVERSE_ATTR_NAME

from guidance.models import (
    ChangeNote,
    Draft,
    EnrollmentOption,
    Milestone,
    Requirement,
    SelfService,
)
from guidance.publishing import preview, rules
from guidance.publishing.review import ReviewAdmin

admin.site.site_header = _("eID guide: content")
admin.site.site_title = _("eID guide admin")
admin.site.index_title = _("Facts shown to citizens")
# The app list beside every page took 290 of a 1280-pixel screen's columns; the breadcrumbs and
# the index lead to every list.
admin.site.enable_nav_sidebar = False

MINOR, NOTED = "minor", "note"
# The form's fields about the save itself, not the row: none of them is a change to it.
WHY_FIELDS = ["change_kind", "note_en", "note_da", "change_reason", "loaded_version"]


def stamp(moment) -> str:
    """The version a form was loaded at, as the hidden field carries it."""
    return moment.isoformat() if moment else ""


def saved_at(moment) -> str:
    """When a version was saved, as staff read it in a sentence: the day and a 24-hour time in
    Copenhagen ("3 June 2027 14:05"; a "p.m." would end the sentence with two full stops)."""
    local = timezone.localtime(moment)
    return f"{formats.date_format(local, 'DATE_FORMAT')} {formats.time_format(local, 'H:i')}"


def shown(value, limit: int | None = 80) -> str:
    """A field's value as staff read it in a message, cut after ``limit`` characters (a table
    of changes shows it whole: two long versions cut alike would look the same)."""
    if value in (None, ""):
        return gettext("(blank)")
    text = str(value)
    cut = limit is not None and len(text) > limit
    return gettext("“%(text)s”") % {"text": f"{text[:limit]}…" if cut else text}


class CopenhagenMoment(forms.SplitDateTimeField):
    """ "Publish from": a day and a time on Copenhagen's clock, as staff read it on the wall.

    Twice a year the wall clock is not one-to-one with time. On the night the clocks go back, a
    time from 02:00 to 02:59 happens twice: it means the first (summer time), so the change goes
    live once, at that moment. On the night they go forward, 02:00 to 02:59 never happens: the
    form says so and names the time that does (Django's own message only says "it may be
    ambiguous or it may not exist")."""

    def compress(self, data_list):
        if not data_list or data_list[0] in self.empty_values or data_list[1] in self.empty_values:
            return super().compress(data_list)
        wall = datetime.combine(*data_list)
        zone = timezone.get_current_timezone()
        moment = wall.replace(tzinfo=zone)  # fold=0: the first of a time that happens twice
        real = moment.astimezone(UTC).astimezone(zone)
        if real.replace(tzinfo=None) != wall:
            raise ValidationError(
                gettext(
                    "On %(day)s the clocks in Denmark go forward an hour during the night, so "
                    "%(time)s does not exist that day. Choose another time, for example %(real)s."
                )
                % {
                    "day": formats.date_format(wall.date()),
                    "time": formats.time_format(wall, "H:i"),
                    "real": formats.time_format(real, "H:i"),
                },
                code="skipped_time",
            )
        return moment


class Text(forms.CharField):
    """A text field whose line ends are stored as LF: browsers send CRLF, so a form saved
    unchanged would otherwise differ from the row on every line."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n")


class ContentForm(forms.ModelForm):
    """A content row's admin form: refuses a stale save; asks why; reverts requirements too."""

    class Meta:
        field_classes = {"publish_from": CopenhagenMoment}

    loaded_version = forms.CharField(
        label=_("Loaded version"), widget=forms.HiddenInput, required=False
    )
    change_kind = forms.ChoiceField(
        label=_("Kind of change"),
        choices=[
            (MINOR, _("Minor change: a typo or a clearer wording. No public note.")),
            (NOTED, _("Citizens should know: publish a note in the list of updates.")),
        ],
        widget=forms.RadioSelect,
        required=False,
    )
    note_en = forms.CharField(
        label=_("Public note (English)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=500,
        required=False,
        help_text=_("For example “The last day to use NemID was moved to 31 October 2023.”"),
    )
    note_da = forms.CharField(
        label=_("Public note (Danish)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=500,
        required=False,
        help_text=_("The same note in Danish."),
    )
    # Set by ContentAdmin.get_form: who saves, and whether this form only makes a preview.
    user = None
    previewing = False
    is_draft = False  # set in clean(): whether the save is kept as a draft for a publisher
    change_reason = forms.CharField(
        label=_("Reason for the change"),
        max_length=100,
        required=False,
        help_text=_("Kept in the history with your name, for example “The agency moved the date”."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if getattr(field, "max_length", None) and not field.widget.is_hidden:
                limit = gettext("At most %(count)s characters.") % {"count": field.max_length}
                field.help_text = f"{field.help_text} {limit}".strip()
        if "publish_from" in self.fields:
            self.fields["publish_from"].help_text += " " + gettext(
                "On the night the clocks go back, a time from 02:00 to 02:59 means the first one "
                "(summer time)."
            )
        if "review_by" in self.fields:
            self.fields["review_by"].required = False
        if self.instance.pk:
            # From the database, not the instance: a revert form's instance is the old version.
            self.fields["loaded_version"].initial = stamp(self.current_updated_at())
        historic = getattr(self.instance, SIMPLE_HISTORY_REVERSE_ATTR_NAME, None)
        # A change waiting for a publisher is what the form shows and goes on from.
        self.draft = rules.draft_of(self.instance) if historic is None else None
        if self.draft is not None and not self.is_bound:
            sent = MultiValueDict(self.draft.data)
            for name, field in self.fields.items():
                if name != "loaded_version":
                    value = field.widget.value_from_datadict(sent, {}, self.add_prefix(name))
                    self.initial[name] = value
        if historic is not None and not self.is_bound:
            for field in self.instance._meta.many_to_many:
                if field.name in self.fields:
                    self.initial[field.name] = linked_ids(historic, field)

    @cached_property
    def changes(self) -> list[str]:
        """The fields whose value, as cleaned, differs from the stored row's: the form may show a
        draft or an earlier version instead (read in ``clean()``, before the values go in)."""
        stored = type(self.instance).objects.filter(pk=self.instance.pk).first()
        if stored is None:  # a new row, or a deleted one restored from its history
            return self.changed_data
        stored = model_to_dict(stored)
        cleaned = getattr(self, "cleaned_data", {})

        def comparable(value):
            return (
                {row.pk for row in value}
                if isinstance(value, Iterable) and not isinstance(value, str)
                else value
            )

        return [
            name
            for name in self.fields
            if name in stored
            and name in cleaned
            and comparable(cleaned[name]) != comparable(stored[name])
        ]

    @property
    def noted(self) -> bool:
        return self.cleaned_data.get("change_kind") == NOTED

    def drafted(self, cleaned: dict) -> bool:
        """Whether this save is kept as a draft for a publisher (guidance.publishing.rules); read
        in ``clean()``, while the instance is still the stored row."""
        after = copy.copy(self.instance)  # still the stored row: the form's values go in later
        after.published = cleaned.get("published", getattr(self.instance, "published", True))
        stored = self.instance if self.instance.pk else None
        return self.user is not None and rules.must_wait(self.user, stored, after, self.changes)

    def check_note(self, cleaned: dict) -> None:
        """A change citizens should know of has its public note in both languages: one that
        moves a date or a status, or makes a row citizens see appear or disappear, always."""
        was_seen = self.instance.pk and rules.shown_to_citizens(self.instance)
        seen = cleaned.get("published", True) or was_seen
        noted = cleaned.get("change_kind") == NOTED or pending_notes(self.instance).exists()
        if seen and rules.needs_note(self.changes) and not noted:
            self.add_error(
                "change_kind",
                gettext(
                    "This change moves a date or a status, or shows or hides the row, so citizens "
                    "should know: choose “Citizens should know” and write the public note."
                ),
            )
        if cleaned.get("change_kind") != NOTED:
            return
        if not (cleaned.get("note_en") or "").strip():
            self.add_error(
                "note_en", gettext("Write the public note in English, or choose a minor change.")
            )
        if not (cleaned.get("note_da") or "").strip():
            self.add_error(
                "note_da", gettext("Write the public note in Danish, or choose a minor change.")
            )

    def current_updated_at(self, lock: bool = False):
        rows = type(self.instance).objects.filter(pk=self.instance.pk)
        if lock and connection.in_atomic_block:
            rows = rows.select_for_update()
        return rows.values_list("updated_at", flat=True).first()

    def clean_review_by(self):
        """Blank keeps the row's date (a year from today for a new row)."""
        return self.cleaned_data.get("review_by") or self.instance.review_by

    def clean_publish_from(self):
        """Whole minutes: a change goes live at the start of the minute staff chose."""
        moment = self.cleaned_data.get("publish_from")
        return moment.replace(second=0, microsecond=0) if moment else moment

    def clean(self):
        cleaned = super().clean()
        self.changes  # noqa: B018  (read now, while the instance is the stored row)
        if self.previewing:  # nothing is saved: no note asked, no conflict to refuse
            return cleaned
        self.is_draft = self.drafted(cleaned)
        if not self.is_draft:  # a draft's note is the publisher's to write
            self.check_note(cleaned)
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
        when = saved_at(latest.history_date)
        message += " " + gettext("Last saved by %(who)s at %(when)s.") % {"who": who, "when": when}
        if latest.history_change_reason:
            message += " " + gettext("Reason: %(reason)s.") % {
                "reason": latest.history_change_reason
            }
        base = history.filter(updated_at=loaded).last()
        if base is not None and base.history_id != latest.history_id:
            changes = []
            # Only editable fields are compared, so never created_at or updated_at (and one row's
            # id does not change).
            for change in latest.diff_against(base).changes:
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
        names = map(str, field.related_model.objects.filter(pk__in=ids))  # the staff's language
        return ", ".join(sorted(names)) or gettext("(none)")


def pending_notes(row):
    """The public notes about ``row`` citizens have not seen yet: those dated ahead (a scheduled
    change), and, while the row is unpublished, those written since it was withdrawn."""
    if row.pk is None:
        return ChangeNote.objects.none()
    notes = ChangeNote.objects.filter(
        content_type=ContentType.objects.get_for_model(row), object_id=row.pk
    )
    ahead = notes.filter(published_at__gt=timezone.now())
    stored = type(row).objects.filter(pk=row.pk).first()
    if stored is None or getattr(stored, "published", True):
        return ahead
    # Unpublished: the notes written since the save that withdrew it (or all, if it never was
    # published). A note saved with the publishing itself is written a moment after that save's
    # history row: citizens have read it, so it keeps its day.
    history = stored.history.order_by("history_date")
    last_published = history.filter(published=True).last()
    if last_published is None:
        return notes
    # Every save after the last published one is unpublished; the first of them withdrew it. (A row
    # unpublished by a queryset update has no such history row: then since publishing.)
    withdrawn = history.filter(history_date__gt=last_published.history_date).first()
    since = withdrawn or last_published
    return notes.filter(created_at__gte=since.history_date) | ahead


def hidden_notes(row, draft) -> int:
    """How many public notes citizens read about ``row`` would go from the updates page and the
    feed with it, if the draft, which withdraws it, were published (0 if it does not)."""
    if not getattr(row, "published", False) or "published" in draft.data:
        return 0
    kind = ContentType.objects.get_for_model(row)
    notes = ChangeNote.objects.filter(content_type=kind, object_id=row.pk)
    return notes.filter(published_at__lte=timezone.now()).count()


def linked_ids(historic, field) -> list[int]:
    """The ids of the rows an earlier version was linked to by the many-to-many ``field``."""
    link = field.m2m_reverse_field_name() + "_id"
    return [getattr(row, link) for row in getattr(historic, field.name).all()]


def readable(field, value) -> str:
    """A value of a form's ``field`` as staff read it in a table of changes: the names of linked
    rows, a choice's label, Yes or No, a moment on Copenhagen's clock, else quoted."""
    if isinstance(field, forms.ModelMultipleChoiceField):
        return ", ".join(sorted(str(row) for row in value)) or gettext("(none)")
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, datetime):
        return saved_at(value)
    return shown(dict(getattr(field, "choices", None) or ()).get(value, value), limit=None)


def stored_value(row, field_name: str):
    """A row's value of a field, its linked rows for a many-to-many one."""
    value = getattr(row, field_name)
    return value.all() if hasattr(value, "all") else value


def draft_changes(form_class, row, draft) -> list[tuple[str, str, str]]:
    """What a draft changes, field by field: (label, published value, draft's value)."""
    form = form_class(MultiValueDict(draft.data), instance=copy.copy(row))
    form.previewing = True  # only read: no note asked, no conflict refused
    form.is_valid()
    return [
        (
            str(form.fields[name].label),
            readable(form.fields[name], stored_value(row, name)),
            readable(form.fields[name], form.cleaned_data[name]),
        )
        for name in form.changes
        if name not in WHY_FIELDS
    ]


def version_changes(form_class, row, historic) -> list[tuple[str, str, str]]:
    """What going back to an earlier version changes, field by field: (label, now, then)."""
    changes = []
    for name, field in form_class.base_fields.items():
        if not hasattr(historic, name) or name in WHY_FIELDS:
            continue
        now, then = stored_value(row, name), getattr(historic, name)
        if isinstance(field, forms.ModelMultipleChoiceField):
            then = field.queryset.filter(pk__in=linked_ids(historic, row._meta.get_field(name)))
            changed = readable(field, now) != readable(field, then)
        else:
            changed = now != then
        if changed:
            changes.append((str(field.label), readable(field, now), readable(field, then)))
    return changes


def live_from(row) -> timezone.datetime:
    """When a change to ``row`` saved now goes live: now, or its "publish from" if later."""
    now = timezone.now()
    return max(now, row.publish_from) if row.publish_from else now


class StateFilter(admin.SimpleListFilter):
    """Rows by their state (``guidance.publishing.rules.state_of``)."""

    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        states = [
            ("live", _("Live")),
            ("scheduled", _("Scheduled")),
            (Draft.WAITING, _("Waiting for a publisher")),
            (Draft.SENT_BACK, _("Sent back")),
        ]
        if has_flag(model_admin.model):
            states += [("draft", _("Draft")), ("unpublished", _("Unpublished"))]
        return states

    def queryset(self, request, queryset):
        now, value = timezone.now(), self.value()
        seen = {"published": True} if has_flag(queryset.model) else {}
        if value in (Draft.WAITING, Draft.SENT_BACK):
            return queryset.filter(draft_state=value)
        if value == "scheduled":
            return queryset.filter(publish_from__gt=now, **seen)
        if value == "live":
            return queryset.filter(**seen).exclude(publish_from__gt=now)
        if value in ("draft", "unpublished") and has_flag(queryset.model):
            return queryset.filter(published=False, ever_published=value == "unpublished")
        return queryset


def has_flag(model) -> bool:
    """Whether rows of ``model`` have the "published" flag (requirements have none)."""
    return any(field.name == "published" for field in model._meta.fields)


class ContentAdmin(ReviewAdmin, SimpleHistoryAdmin):
    """What every content admin shares: the guarded form, the reason kept in the history, the
    publishing fields, the kind of change (with its public note) and the preview."""

    form = ContentForm
    formfield_overrides = {models.TextField: {"form_class": Text}}
    change_form_template = "admin/guidance/content_change_form.html"
    object_history_form_template = "admin/guidance/object_history_form.html"
    publishing_fieldset = (
        _("Publishing"),
        {"fields": ["publish_from", "review_by"]},
    )
    reason_fieldset = (_("Why"), {"fields": WHY_FIELDS})

    def get_queryset(self, request):
        """Each row with its draft's state, and whether it was ever published (for ``state``)."""
        rows = super().get_queryset(request)
        kind = ContentType.objects.get_for_model(self.model)
        drafts = Draft.objects.filter(content_type=kind, object_id=OuterRef("pk"))
        rows = rows.annotate(draft_state=Subquery(drafts.values("state")[:1]))
        if has_flag(self.model):
            versions = self.model.history.filter(id=OuterRef("pk"), published=True)
            rows = rows.annotate(ever_published=Exists(versions))
        return rows

    @admin.display(description=_("State"))
    def state(self, row) -> str:
        draft = Draft(state=row.draft_state) if getattr(row, "draft_state", None) else None
        published_once = getattr(row, "ever_published", True)
        return rules.state_of(row, draft, timezone.now(), published_once)

    def get_list_filter(self, request):
        return [StateFilter, *super().get_list_filter(request)]

    def get_changeform_initial_data(self, request):
        """A new row starts as a draft: citizens see it only once it is published."""
        return {"published": False, **super().get_changeform_initial_data(request)}

    def get_fieldsets(self, request, obj=None):
        if self.fieldsets:
            return [*self.fieldsets, self.publishing_fieldset, self.reason_fieldset]
        return super().get_fieldsets(request, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.user = request.user  # a class made for this request: who saves
        return form

    def save_model(self, request, obj, form, change):
        if isinstance(form, ContentForm) and form.is_draft:
            return self.save_draft(request, obj, form, change)
        historic = getattr(obj, SIMPLE_HISTORY_REVERSE_ATTR_NAME, None)  # a revert's version
        changes = form.changes if isinstance(form, ContentForm) else form.changed_data
        unchanged = not set(changes) - set(WHY_FIELDS)
        if isinstance(form, ContentForm):  # (a bulk edit's rows get the list's own message)
            request.citizens_see = rules.what_citizens_see(obj, False, timezone.now())
        if isinstance(form, ContentForm) and form.draft is not None:
            form.draft.delete()  # a publisher's save publishes the change the form showed
        if change and historic is None and unchanged and not form.noted:
            return  # nothing changed, nothing to tell: no save, no history, no new version
        reason = form.cleaned_data.get("change_reason")
        if not reason and historic is not None:
            when = saved_at(historic.history_date)
            reason = gettext("Reverted to the version of %(when)s") % {"when": when}
        if reason:
            obj._change_reason = reason
        # Before the save: which notes are still waiting depends on the stored row.
        waiting = list(pending_notes(obj).values_list("pk", flat=True)) if change else []
        super().save_model(request, obj, form, change)
        if not isinstance(form, ContentForm):
            return
        moment = live_from(obj)
        if waiting and getattr(obj, "published", True):
            # Rescheduled or published: the notes citizens have not seen go live with the row.
            ChangeNote.objects.filter(pk__in=waiting).update(published_at=moment)
        if form.noted:
            ChangeNote.objects.create(
                published_at=moment,
                note_en=form.cleaned_data["note_en"].strip(),
                note_da=form.cleaned_data["note_da"].strip(),
                content_type=ContentType.objects.get_for_model(obj),
                object_id=obj.pk,
                created_by=request.user,
            )

    def save_draft(self, request, obj, form, change) -> None:
        """Keep the change of someone who may not publish as a draft beside the row, which stays
        as it is; a new row is saved unpublished, its publishing waiting."""
        sent = {k: v for k, v in request.POST.lists() if not k.startswith(("_", "csrf"))}
        if change:
            row = type(obj).objects.get(pk=obj.pk)
            request.drafted = row  # nothing of the row is saved: not its links, nor the log
            form.save_m2m = lambda: None  # (a revert saves them itself)
        else:
            obj.published = False
            super().save_model(request, obj, form, change)
            row = obj
        rules.keep_draft(row, sent, request.user, form.cleaned_data.get("change_reason") or "")
        request.citizens_see = rules.what_citizens_see(row, True, timezone.now())

    def log_change(self, request, obj, message):
        if not getattr(request, "drafted", None):
            return super().log_change(request, obj, message)
        return None

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        """A save's message ends with what citizens see, and when."""
        if level == messages.SUCCESS and getattr(request, "citizens_see", None):
            if getattr(request, "drafted", None):
                message = gettext("Your change to “%(row)s” was kept as a draft.") % {
                    "row": request.drafted
                }
            message = format_html("{} {}", message, request.citizens_see)
        super().message_user(request, message, level, *args, **kwargs)

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        view = self.admin_site.admin_view(self.preview_view)
        draft = self.admin_site.admin_view(require_POST(self.draft_view))
        return [
            path("preview/", view, name=f"{prefix}_preview_add"),
            path("<path:object_id>/preview/", view, name=f"{prefix}_preview"),
            path("<path:object_id>/draft/", draft, name=f"{prefix}_draft"),
            *super().get_urls(),
        ]

    def draft_view(self, request, object_id):
        """POST from the draft box: a publisher sends the draft back with a comment; anyone who
        may change the row discards it."""
        row = get_object_or_404(self.get_queryset(request), pk=object_id)
        draft = rules.draft_of(row)
        if draft is None:
            raise Http404(gettext("This row has no draft."))
        if not self.has_change_permission(request, row):
            raise PermissionDenied
        if "_send_back" in request.POST:
            if not rules.may_publish(request.user):
                raise PermissionDenied
            comment = request.POST.get("_draft_comment", "").strip()[:1000]
            rules.send_back(draft, request.user, comment)
            messages.success(
                request,
                gettext("The draft was sent back. Citizens still see the published version."),
            )
        else:
            draft.delete()
            messages.success(
                request,
                gettext("The draft was discarded. Citizens still see the published version."),
            )
        return HttpResponseRedirect(self.row_url(row, "change"))

    def preview_view(self, request, object_id=None):
        """The public answer with this form's unsaved data, for staff only, never kept."""
        obj = self.get_object(request, object_id) if object_id else None
        if object_id and obj is None:
            raise Http404(gettext("There is no such row."))
        if not (self.has_view_permission(request, obj) or self.has_change_permission(request, obj)):
            raise PermissionDenied
        if request.method != "POST":
            return preview.refused(request, [gettext("Open the preview from the form's button.")])
        form_class = self.get_form(request, obj, change=obj is not None)
        form_class.previewing = True
        form = form_class(request.POST, request.FILES, instance=obj)
        if not form.is_valid():
            return preview.refused(request, preview.form_errors(form))
        row = form.save(commit=False)
        requirements = form.cleaned_data.get("requirements")
        return preview.render(request, row, requirements)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple-history shows an earlier version to staff who may view the row, and saves a revert
        # posted by any of them: only staff who may change the row may revert it.
        if request.method == "POST" and not self.has_change_permission(request):
            raise PermissionDenied
        row = self.get_object(request, object_id)
        historic = self.model.history.filter(history_id=version_id).first()
        if row is not None and historic is not None:
            extra_context = {
                **(extra_context or {}),
                "revert_changes": version_changes(self.get_form(request, row), row, historic),
            }
        # A revert saves the row and its links: all of it or nothing (a database that does not
        # answer gets the staff member the 503 page, guidance.opendata.api.server_error).
        with transaction.atomic():
            return super().history_form_view(request, object_id, version_id, extra_context)

    def history_view_title(self, request, obj):
        return gettext("History of %(row)s") % {"row": obj}

    def history_form_view_title(self, request, obj):
        return gettext("An earlier version of %(row)s") % {"row": obj}

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), **preview.controls()}
        row = self.get_object(request, object_id) if object_id else None
        if row is not None:
            extra_context["state"] = self.state(row)
        draft = rules.draft_of(row)
        if draft is not None:
            extra_context["draft"] = {
                "draft": draft,
                "changes": draft_changes(self.get_form(request, row, change=True), row, draft),
                "hides_notes": hidden_notes(row, draft),
                "url": self.row_url(row, "draft"),
                "may_publish": rules.may_publish(request.user),
            }
        return super().changeform_view(request, object_id, form_url, extra_context)


@admin.register(Milestone)
class MilestoneAdmin(ContentAdmin):
    list_display = ["date", "audience", "status", "shown_title", "state", "updated_at"]
    list_display_links = ["date", "shown_title"]
    list_filter = ["audience", "status"]
    search_fields = ["title_en", "title_da", "summary_en", "summary_da"]
    date_hierarchy = "date"
    ordering = ["date", "audience"]
    fieldsets = [
        (
            None,
            {"fields": ["date", "date_precision", "audience", "status", "published", "source_url"]},
        ),
        (_("English"), {"fields": ["title_en", "summary_en", "what_to_do_en", "date_note_en"]}),
        (_("Danish"), {"fields": ["title_da", "summary_da", "what_to_do_da", "date_note_da"]}),
    ]

    @admin.display(description=_("title"))
    def shown_title(self, row):
        return row.title


@admin.register(EnrollmentOption)
class EnrollmentOptionAdmin(ContentAdmin):
    list_display = [
        "shown_name",
        "audience",
        "available_from",
        "available_until",
        "order",
        "state",
    ]
    list_filter = ["audience"]
    search_fields = ["name_en", "name_da", "summary_en", "summary_da", "slug"]
    prepopulated_fields = {"slug": ["name_en"]}

    class Media:
        js = ["js/admin-checkboxes.js"]  # a requirement added with "+" joins the checkboxes

    formfield_overrides = {
        **ContentAdmin.formfield_overrides,
        EnrollmentOption.requirements.field.__class__: {"widget": forms.CheckboxSelectMultiple},
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

    @admin.display(description=_("name"))
    def shown_name(self, row):
        return row.name


@admin.register(Requirement)
class RequirementAdmin(ContentAdmin):
    list_display = ["name_en", "name_da", "situation", "slug", "state"]
    list_filter = ["situation"]
    search_fields = ["name_en", "name_da", "slug"]
    fieldsets = [
        (None, {"fields": ["slug", "situation"]}),
        (_("English"), {"fields": ["name_en"]}),
        (_("Danish"), {"fields": ["name_da"]}),
    ]


@admin.register(SelfService)
class SelfServiceAdmin(ContentAdmin):
    list_display = ["name_en", "name_da", "order", "published", "state"]
    list_editable = ["order", "published"]
    search_fields = ["name_en", "name_da"]
    # Hundreds of rows can be edited in one go (DATA_UPLOAD_MAX_NUMBER_FIELDS lets them through).
    list_per_page = 500

    def get_changelist_form(self, request, **kwargs):
        """The list's bulk edit changes a row citizens see (or makes one seen) only for those who
        may publish: an editor prepares that change on the row's form, as a draft."""
        base = super().get_changelist_form(request, **kwargs)
        user = request.user

        class ListForm(base):
            def clean(self):
                cleaned = super().clean()
                # The instance is still the stored row here: the form's values go in later.
                seen = self.instance.published or cleaned.get("published")
                if self.has_changed() and seen and not rules.may_publish(user):
                    raise ValidationError(
                        gettext(
                            "Only a publisher can change “%(name)s” here, as citizens see it, so "
                            "it was not saved. Open it to prepare the change for a publisher."
                        )
                        % {"name": self.instance}
                    )
                return cleaned

        return ListForm

    def save_model(self, request, obj, form, change):
        if not isinstance(form, ContentForm):  # a row of the list's bulk edit
            obj._change_reason = gettext("Changed in the list of self-services")
        super().save_model(request, obj, form, change)


@admin.register(ChangeNote)
class ChangeNoteAdmin(admin.ModelAdmin):
    """Public notes come from saves; publishers may fix a note's text, never its date or row."""

    list_display = ["published_at", "shown_note", "shown_row", "created_by"]
    list_filter = [("content_type", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["note_en", "note_da"]
    date_hierarchy = "published_at"
    fields = ["note_en", "note_da", "published_at", "shown_row", "created_by"]
    readonly_fields = ["published_at", "shown_row", "created_by"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("about")

    @admin.display(description=_("note"))
    def shown_note(self, note):
        return note.note

    @admin.display(description=_("about"))
    def shown_row(self, note):
        return note.about  # None (a row since deleted) shows as the admin's empty value

    def has_add_permission(self, request):
        return False
