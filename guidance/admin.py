"""The admin where staff keep the facts current. Rules live in the models' ``clean()``."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from guidance.models import EnrollmentOption, Milestone, Requirement, SelfService

admin.site.site_header = _("eID guide: content")
admin.site.site_title = _("eID guide admin")
admin.site.index_title = _("Facts shown to citizens")


@admin.register(Milestone)
class MilestoneAdmin(SimpleHistoryAdmin):
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
class EnrollmentOptionAdmin(SimpleHistoryAdmin):
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
class RequirementAdmin(SimpleHistoryAdmin):
    list_display = ["name_en", "name_da", "situation", "slug"]
    list_filter = ["situation"]
    search_fields = ["name_en", "name_da", "slug"]


@admin.register(SelfService)
class SelfServiceAdmin(SimpleHistoryAdmin):
    list_display = ["name_en", "name_da", "order", "published"]
    list_editable = ["order", "published"]
    list_filter = ["published"]
    search_fields = ["name_en", "name_da"]
