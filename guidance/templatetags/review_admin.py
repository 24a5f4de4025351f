"""The admin index's line about review dates: how many rows are overdue or due soon."""

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
