"""Review dates in the admin: the "Mark as reviewed" action and button, the review columns and
filter, and /admin/review-due/ (every row overdue or due within 30 days).

Marking is an explicit act, never a side effect of a save; anyone who may change a row may mark
it: it says "I checked this against the official page today".
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import formats
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from guidance.models import REVIEW_INTERVAL
from guidance.publishing.source_check import (
    DUE_SOON,
    REVIEWED_MODELS,
    Reviewed,
    mark_reviewed,
    official_url,
    review_state,
    rows_to_review,
)
from guidance.rules.dates import today_in_copenhagen


class ReviewDueFilter(admin.SimpleListFilter):
    """Rows by their "review by" date: overdue, due within 30 days, or up to date."""

    title = _("review date")
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [
            ("overdue", _("Overdue")),
            ("due", _("Overdue or due within 30 days")),
            ("ok", _("Up to date")),
        ]

    def queryset(self, request, queryset):
        today = today_in_copenhagen()
        if self.value() == "overdue":
            return queryset.filter(review_by__lt=today)
        if self.value() == "due":
            return queryset.filter(review_by__lte=today + DUE_SOON)
        if self.value() == "ok":
            return queryset.filter(review_by__gt=today + DUE_SOON)
        return queryset


def told(request: HttpRequest, reviewed: Reviewed) -> None:
    """Tell the editor what "Mark as reviewed" did, and which fingerprints it could not record."""
    day = formats.date_format(today_in_copenhagen() + REVIEW_INTERVAL)
    messages.success(
        request,
        ngettext(
            "Marked %(count)d row as reviewed today. Review it again by %(day)s.",
            "Marked %(count)d rows as reviewed today. Review them again by %(day)s.",
            reviewed.count,
        )
        % {"count": reviewed.count, "day": day},
    )
    for url, reason in reviewed.unreachable.items():
        messages.warning(
            request,
            gettext(
                "The official page %(url)s did not answer (%(reason)s), so its fingerprint was "
                "not recorded. The daily check cannot notice changes to that page until you mark "
                "the rows that use it as reviewed again while it answers."
            )
            % {"url": url, "reason": reason},
        )


class ReviewAdmin:
    """Review columns, the "review" filter, the "Mark as reviewed" action and change-form button."""

    actions = ["mark_as_reviewed"]

    @admin.display(description=_("Review by"), ordering="review_by")
    def review_due(self, row) -> str:
        state = review_state(row.review_by, today_in_copenhagen())
        return format_html(
            '<span class="review-state review-state--{}">{} ({})</span>',
            state.code,
            formats.date_format(row.review_by),
            state.label,
        )

    def get_list_display(self, request):
        # "Last reviewed" is on the form and the review-due page: the lists fit 1280 px without it.
        return [*super().get_list_display(request), "review_due"]

    def get_list_filter(self, request):
        return [*super().get_list_filter(request), ReviewDueFilter]

    @admin.action(
        description=_("Mark as reviewed against the official source"), permissions=["change"]
    )
    def mark_as_reviewed(self, request, queryset):
        told(request, mark_reviewed(queryset, today_in_copenhagen(), request.user))

    def row_url(self, row, view: str) -> str:
        """The address of one of this admin's views (``change``, ``mark_reviewed``) of ``row``."""
        name = f"admin:{self.opts.app_label}_{self.opts.model_name}_{view}"
        return reverse(name, args=[quote(row.pk)], current_app=self.admin_site.name)

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_mark_reviewed"
        view = self.admin_site.admin_view(require_POST(self.mark_reviewed_view))
        return [
            path("<path:object_id>/mark-reviewed/", view, name=name),
            *super().get_urls(),
        ]

    def mark_reviewed_view(self, request, object_id):
        """POST from the change form's button: save what was typed in the form (as its save
        button would), then mark the row reviewed, and back to its form; a form that does not
        validate comes back with its errors and the row unmarked, nothing typed lost."""
        row = get_object_or_404(self.get_queryset(request), pk=object_id)
        if not self.has_change_permission(request, row):
            raise PermissionDenied
        if "loaded_version" in request.POST:
            saved = self.changeform_view(request, object_id)
            if saved.status_code != 302:
                return saved
            row = get_object_or_404(self.get_queryset(request), pk=object_id)
        told(request, mark_reviewed([row], today_in_copenhagen(), request.user))
        return HttpResponseRedirect(self.row_url(row, "change"))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        row = self.get_object(request, object_id)
        if row is not None:
            extra_context = {
                **(extra_context or {}),
                "review": {
                    "url": self.row_url(row, "mark_reviewed"),
                    "may_mark": self.has_change_permission(request, row),
                    "official_url": official_url(row),
                },
            }
        return super().change_view(request, object_id, form_url, extra_context)


def may_view(request: HttpRequest, model) -> bool:
    """Whether this staff member may see rows of ``model`` (view or change permission)."""
    opts = model._meta
    user = request.user
    return user.has_perm(f"{opts.app_label}.view_{opts.model_name}") or user.has_perm(
        f"{opts.app_label}.change_{opts.model_name}"
    )


def due_rows(request: HttpRequest) -> list[dict]:
    """The rows overdue or due within 30 days that this staff member may see, most overdue first."""
    today = today_in_copenhagen()
    allowed = {model for model in REVIEWED_MODELS if may_view(request, model)}
    return [
        {
            "row": row,
            "kind": row._meta.verbose_name,
            "url": reverse(
                f"admin:{row._meta.app_label}_{row._meta.model_name}_change", args=[quote(row.pk)]
            ),
            "state": review_state(row.review_by, today),
            "official_url": official_url(row),
        }
        for row in rows_to_review(today)
        if type(row) in allowed
    ]


def review_due(request: HttpRequest):
    """/admin/review-due/: every row overdue or due within 30 days, across the content tables."""
    if not any(may_view(request, model) for model in REVIEWED_MODELS):
        raise PermissionDenied
    context = {
        **admin.site.each_context(request),
        "title": gettext("Rows to review"),
        "rows": due_rows(request),
        "today": today_in_copenhagen(),
        "due_soon_days": DUE_SOON.days,
    }
    return TemplateResponse(request, "admin/guidance/review_due.html", context)


review_due_view = admin.site.admin_view(review_due)
