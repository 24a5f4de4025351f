"""Who may change what citizens see, and what a row's state is: the editorial rules.

Editors prepare, publishers publish. A save by someone who may not publish, of a row citizens see
(or would see after the save), changes nothing citizens see: it is kept as a draft beside the row
(``Draft``), waiting for a publisher, who publishes it by saving the row's form (which shows the
draft) or sends it back with a comment. A change that moves a date or a status, or makes a row
appear or disappear, is published only with a public note.
"""

import json
from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from guidance.models import Draft

PUBLISH_PERMISSION = "guidance.publish_change"
# Fields citizens never see, and the fields about the save itself (the "Why" of the form).
STAFF_ONLY_FIELDS = frozenset(
    {"review_by", "change_kind", "note_en", "note_da", "change_reason", "loaded_version"}
)
# The fields whose change citizens must be told of (a row appearing or disappearing included).
NOTED_FIELDS = frozenset(
    {
        "date",
        "date_precision",
        "status",
        "audience",
        "published",
        "available_from",
        "available_until",
    }
)


def may_publish(user) -> bool:
    """Whether this member of staff publishes their own changes (the Publishers group)."""
    return not settings.PUBLISHING_NEEDS_PUBLISHER or user.has_perm(PUBLISH_PERMISSION)


def shown_to_citizens(row) -> bool:
    """Whether citizens see the row, now or from its "publish from" (a requirement, which has no
    flag, is shown wherever a way to get MitID needs it)."""
    return getattr(row, "published", True)


def must_wait(user, stored, saved, changes: Iterable[str]) -> bool:
    """Whether a save must wait for a publisher: someone who may not publish changes what
    citizens see of a row they see before the save (``stored``; None for a new row) or would see
    after it. The review date is for staff only."""
    seen = (stored is not None and shown_to_citizens(stored)) or shown_to_citizens(saved)
    return seen and not STAFF_ONLY_FIELDS.issuperset(changes) and not may_publish(user)


def needs_note(changed: Iterable[str]) -> bool:
    """Whether citizens must be told of a change to these fields."""
    return not NOTED_FIELDS.isdisjoint(changed)


def draft_of(row) -> Draft | None:
    """The change waiting for a publisher on ``row``, if any."""
    if row is None or row.pk is None:
        return None
    kind = ContentType.objects.get_for_model(row)
    return Draft.objects.filter(content_type=kind, object_id=row.pk).first()


def keep_draft(row, data: dict, user, reason: str = "") -> Draft:
    """Keep ``data`` (the form as sent) as the change waiting on ``row``, replacing any earlier
    one: it is waiting for a publisher again, even if it had been sent back."""
    draft, _created = Draft.objects.update_or_create(
        content_type=ContentType.objects.get_for_model(row),
        object_id=row.pk,
        defaults={
            "sent": json.dumps(data),
            "state": Draft.WAITING,
            "reason": reason,
            "comment": "",
            "saved_by": user,
            "sent_back_by": None,
        },
    )
    return draft


def send_back(draft: Draft, user, comment: str) -> None:
    """A publisher returns a draft to its editor with a comment; nothing is published."""
    draft.state, draft.comment, draft.sent_back_by = Draft.SENT_BACK, comment, user
    draft.save(update_fields=["state", "comment", "sent_back_by", "updated_at"])


def state_of(row, draft: Draft | None, now: datetime, ever_published: bool) -> str:
    """The row's state, in staff's words: Live or Scheduled for a moment (either with a change
    waiting or sent back), Waiting for a publisher, Sent back, Draft (never published) or
    Unpublished."""
    sent_back = draft is not None and draft.state == Draft.SENT_BACK
    if not shown_to_citizens(row):
        if sent_back:
            return _("Sent back")
        if draft is not None:
            return _("Waiting for a publisher")
        return _("Unpublished") if ever_published else _("Draft")
    if row.publish_from and row.publish_from > now:
        moment = timezone.localtime(row.publish_from)
        state = _("Scheduled for %(moment)s") % {
            "moment": f"{formats.date_format(moment)} {formats.time_format(moment, 'H:i')}"
        }
    else:
        state = _("Live")
    if sent_back:
        return _("%(state)s, a change sent back") % {"state": state}
    if draft is not None:
        return _("%(state)s, a change waiting") % {"state": state}
    return state


def what_citizens_see(row, drafted: bool, now: datetime) -> str:
    """What a save means for citizens, in the sentence its success message ends with."""
    if drafted:
        if shown_to_citizens(row):
            return _("It is waiting for a publisher: citizens still see the published version.")
        return _("It is waiting for a publisher: citizens do not see it until it is published.")
    if not shown_to_citizens(row):
        return _("Citizens do not see it.")
    if row.publish_from and row.publish_from > now:
        moment = timezone.localtime(row.publish_from)
        return _("Citizens see it from %(moment)s.") % {
            "moment": f"{formats.date_format(moment)} {formats.time_format(moment, 'H:i')}"
        }
    return _("Citizens see it now.")
