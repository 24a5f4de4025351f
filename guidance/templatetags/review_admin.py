"""The admin index's lines: the drafts waiting for this member of staff, and how many rows are
overdue or due for review soon."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def review_due_count(context) -> int | None:
    """How many rows this staff member may see are overdue or due within 30 days (None when they
    may see none of the content tables)."""
    from guidance.publishing.review import REVIEWED_MODELS, due_rows, may_view

    request = context["request"]
    if not any(may_view(request, model) for model in REVIEWED_MODELS):
        return None
    return len(due_rows(request))


@register.simple_tag(takes_context=True)
def drafts_for(context) -> dict[str, list[dict]]:
    """The drafts this member of staff should act on: waiting for them (publishers) and sent back
    (the drafts they saved), each with its row and the row's address."""
    from django.contrib.admin.utils import quote
    from django.urls import reverse

    from guidance.models import Draft
    from guidance.publishing.review import may_view
    from guidance.publishing.rules import may_publish

    request = context["request"]
    drafts = Draft.objects.select_related("content_type", "saved_by", "sent_back_by")
    mine = drafts.filter(state=Draft.SENT_BACK, saved_by=request.user)
    waiting = drafts.filter(state=Draft.WAITING) if may_publish(request.user) else []
    found = {"waiting": [], "sent_back": []}
    for key, chosen in (("waiting", waiting), ("sent_back", mine)):
        for draft in chosen:
            model = draft.content_type.model_class()
            row = model.objects.filter(pk=draft.object_id).first()
            if row is None or not may_view(request, model):
                continue
            opts = model._meta
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[quote(row.pk)])
            found[key].append({"draft": draft, "row": row, "kind": opts.verbose_name, "url": url})
    return found
