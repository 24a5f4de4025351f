"""The public change notes: the updates page, and the same notes as an Atom feed per language.
Both show the notes live now, newest first: a note scheduled for later appears at its moment.
"""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.text import Truncator
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from guidance.models import ChangeNote
from guidance.opendata.api import read_only, vary_exactly
from guidance.pages.context import site_info
from guidance.pages.views import public_page
from guidance.snapshot import content_for

# The day the guide was first published (migration 0013's note): the feed ids' date.
FIRST_PUBLISHED = "2026-11-24"
TITLE_LENGTH = 100


def feed_language() -> str:
    """The feed's language: the one its address starts with."""
    return (get_language() or settings.LANGUAGE_CODE)[:2]


class UpdatesFeed(Feed):
    """``/<lang>/updates.atom``: the public change notes, newest first (Atom 1.0)."""

    feed_type = Atom1Feed

    def __call__(self, request, *args, **kwargs):
        # Content-Language is LocaleMiddleware's: the feed's address names its language.
        return vary_exactly(super().__call__(request, *args, **kwargs))

    def title(self) -> str:
        return _("Updates to the eID guide")

    def subtitle(self) -> str:
        return _("What changed in the eID guide, and when. Typo fixes are not listed.")

    def link(self) -> str:
        return reverse("updates")

    def feed_url(self) -> str:
        return reverse("updates-atom")

    def feed_guid(self) -> str:
        return f"tag:{settings.SITE_DOMAIN},{FIRST_PUBLISHED}:updates/{feed_language()}"

    def author_name(self) -> str:
        return str(site_info().publisher)

    def get_object(self, request, *args, **kwargs):
        return content_for(request)

    def items(self, content):
        return content.notes

    def item_title(self, note: ChangeNote) -> str:
        return Truncator(note.note).chars(TITLE_LENGTH)

    def item_description(self, note: ChangeNote) -> str:
        # The summary is HTML (type="html"): the note is plain text, so it is escaped once more.
        return escape(note.note)

    def item_link(self, note: ChangeNote) -> str:
        return f"{reverse('updates')}#update-{note.pk}"

    def item_guid(self, note: ChangeNote) -> str:
        """A tag URI (RFC 4151) from the day the note was written, the feed's language and the
        note's number: the same whatever staff later edit in the note."""
        written = timezone.localdate(note.created_at).isoformat()
        return f"tag:{settings.SITE_DOMAIN},{written}:updates/{feed_language()}/{note.pk}"

    def item_pubdate(self, note: ChangeNote):
        return note.published_at

    def item_updateddate(self, note: ChangeNote):
        return note.published_at


updates_feed = read_only(UpdatesFeed())


@public_page
def updates(request):
    """The list of public change notes: date and note, newest first, with the feed's address."""
    return render(
        request,
        "guidance/updates.html",
        {
            "notes": content_for(request).notes,
            "feed_url": request.build_absolute_uri(reverse("updates-atom")),
        },
    )
