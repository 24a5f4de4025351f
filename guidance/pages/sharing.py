"""What other sites and apps read of an answer: schema.org data, the status badge, the security
contact (RFC 9116). The pages that show them are in ``views``; the card image is a static file."""

import json
import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from html import escape as attribute
from urllib.parse import quote
from xml.sax.saxutils import escape, quoteattr

from django.conf import settings
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext as _

from guidance.models import NemIDStatus
from guidance.rules.advice import Advice

log = logging.getLogger(__name__)
JSON_IN_HTML = str.maketrans({"<": "\\u003C", ">": "\\u003E", "&": "\\u0026"})
# The status colours of the site's stylesheet (light theme), white text on each: 6:1 or more.
BADGE_COLOURS = {
    NemIDStatus.NOT_LAUNCHED: "#0059b3",
    NemIDStatus.ACTIVE: "#2b6b00",
    NemIDStatus.RESTRICTED: "#7a4f00",
    NemIDStatus.LIMITED: "#7a4f00",
    NemIDStatus.CLOSED: "#b51d09",
    NemIDStatus.UNKNOWN: "#4d4d4d",
}
BADGE_LABEL_COLOUR = "#1a1a1a"
# Widths of characters in the badge's 11 px Verdana (DejaVu Sans is close): narrow ones, capitals
# and digits, the rest. Each text is drawn to its computed width (textLength), so another font
# never overflows the badge, and these keep the squeeze or stretch small.
NARROW, WIDE = set("fijlrtI.,:;!'() "), set("ABCDEFGHJKLMNOPQRSTUVWXYZÆØÅmw0123456789")


def text_width(text: str) -> int:
    """About how wide ``text`` is in the badge's font, in pixels."""
    return round(sum(3.9 if c in NARROW else 7.6 if c in WIDE else 6.6 for c in text))


FRAME_STYLE = "width: 100%; max-width: 40rem; height: 52rem; border: 0"
SECURITY_TXT_LIFETIME = timedelta(days=180)  # Expires when the operator gives no date


def ld_json(data: dict) -> str:
    """``data`` as a JSON-LD block's text: ``<``, ``>`` and ``&`` escaped, so no text in it can
    end the block (it is data, ``type="application/ld+json"``, never run as script)."""
    return json.dumps(data, ensure_ascii=False, indent=None).translate(JSON_IN_HTML)


def web_page(page: dict, site, source, timeline=()) -> dict:
    """The schema.org description of one page: a ``WebPage`` about NemID and MitID, based on
    the official page; on the timeline, its milestones as ``Event``s (dates as precise as their
    source: "2010" for a year)."""
    data = {
        "@context": "https://schema.org",
        "@type": "WebPage",
        "name": page["title"],
        "description": page["description"],
        "url": page["url"],
        "inLanguage": translation.get_language(),
        "isPartOf": {
            "@type": "WebSite",
            "name": _("eID guide"),
            "url": page["home"],
            "publisher": {"@type": "Organization", "name": str(site.publisher)},
        },
        "about": [{"@type": "Thing", "name": "NemID"}, {"@type": "Thing", "name": "MitID"}],
        "isBasedOn": {
            "@type": "WebPage",
            "name": source.title,
            "url": source.url,
            "inLanguage": source.language,
            "dateModified": source.updated.isoformat(),
            "publisher": {"@type": "GovernmentOrganization", "name": str(source.publisher)},
        },
    }
    events = [
        {
            "@type": "Event",
            "name": entry.milestone.title,
            "description": entry.milestone.summary,
            "startDate": entry.milestone.iso_date,
            "url": page["origin"] + entry.milestone.get_absolute_url(),
        }
        for entry in timeline
        if entry.milestone
    ]
    if events:
        data["mainEntity"] = {"@type": "ItemList", "itemListElement": events}
    return data


@dataclass(frozen=True)
class Badge:
    """A status badge: a label ("NemID") beside a message (the status) in its status's colour."""

    label: str
    message: str
    colour: str

    def svg(self) -> str:
        """The badge as an SVG image that names itself (``role="img"``, ``<title>``)."""
        label_width = text_width(self.label) + 12
        message_width = text_width(self.message) + 12
        width = label_width + message_width
        title = escape(f"{self.label}: {self.message}")
        texts = "".join(
            f'<text x="{x + w / 2}" y="14" textLength="{w - 12}">{escape(text)}</text>'
            for x, w, text in (
                (0, label_width, self.label),
                (label_width, message_width, self.message),
            )
        )
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="20" '
            f'viewBox="0 0 {width} 20" role="img" aria-label={quoteattr(title)}>'
            f"<title>{title}</title>"
            f'<rect width="{label_width}" height="20" fill="{BADGE_LABEL_COLOUR}"/>'
            f'<rect x="{label_width}" width="{message_width}" height="20" fill="{self.colour}"/>'
            '<g fill="#fff" font-family="Verdana,DejaVu Sans,sans-serif" font-size="11" '
            f'text-anchor="middle" lengthAdjust="spacingAndGlyphs">{texts}</g></svg>\n'
        )

    def shields(self) -> dict:
        """The badge as Shields.io's endpoint JSON (https://shields.io/badges/endpoint-badge)."""
        return {
            "schemaVersion": 1,
            "label": self.label,
            "message": self.message,
            "color": self.colour.lstrip("#"),
            "labelColor": BADGE_LABEL_COLOUR.lstrip("#"),
        }


def badge_for(advice: Advice | None, form) -> Badge:
    """The badge of an answer: "NemID" (on the day asked, for the audience if not citizens) and
    the status; for a question that is not valid, what to check."""
    if advice is None:
        field = next(iter(form.errors), "date")
        message = _("Error: check the date") if field == "date" else _("Error: check the address")
        return Badge("NemID", message, BADGE_COLOURS[NemIDStatus.UNKNOWN])
    day = formats.date_format(advice.day)
    label = "NemID" if form.is_today() else _("NemID on %(day)s") % {"day": day}
    if advice.texts.answer_for:
        label = f"{label} {advice.texts.answer_for}"
    return Badge(label, str(advice.status.label), BADGE_COLOURS[advice.status])


def share_links(request, form, advice: Advice | None) -> dict | None:
    """One answer (its question in canonical form, ``advice`` its answer) for other sites: its
    absolute addresses as a page, a badge (SVG, and Shields' endpoint), a page to frame, and the
    snippets that show them; None for a question that is not valid."""
    if not form.is_valid():
        return None
    badge = badge_for(advice, form)
    query = form.canonical_query(situation=False)

    def absolute(name: str, extra: str = "") -> str:
        return request.build_absolute_uri(reverse(name)) + query + extra

    language = translation.get_language()
    page, image, framed = absolute("advice"), absolute("badge"), absolute("embed")
    endpoint = absolute("api-badge", f"{'&' if query else '?'}lang={language}")
    shields = f"https://img.shields.io/endpoint?url={quote(endpoint, safe='')}"
    title = _("NemID’s status, from eID guide")
    # Today's badge changes by itself: its copied alt text must not name one status.
    alt = title if form.is_today() else f"{badge.label}: {badge.message}"
    # Snippets are plain text (shown escaped, to be copied), their values escaped as HTML. The
    # frame fills the width up to 40rem and is tall enough for most answers at 40rem wide.
    frame = (
        f'<iframe src="{attribute(framed)}" title="{attribute(title)}" loading="lazy" '
        f'style="{FRAME_STYLE}"></iframe>'
    )
    return {
        "page": page,
        "badge": image,
        "embed": framed,
        "endpoint": endpoint,
        "alt": alt,
        "snippets": {
            "badge_html": (
                f'<a href="{attribute(page)}">'
                f'<img src="{attribute(image)}" alt="{attribute(alt)}"></a>'
            ),
            "badge_markdown": f"[![{alt}]({image})]({page})",
            "shields_markdown": f"[![{alt}]({shields})]({page})",
            "embed_html": frame,
        },
    }


def security_contact() -> str:
    """Whom to tell of a security problem, as RFC 9116 allows (2.5.3): SECURITY_CONTACT (checked
    at start-up against SECURITY_CONTACT_FORMS), else the site's contact (SITE_CONTACT) if it
    has one of those forms; an e-mail address as ``mailto:``. Empty when neither has."""
    for contact in (settings.SECURITY_CONTACT, settings.SITE_CONTACT):
        if re.fullmatch(settings.SECURITY_CONTACT_FORMS, contact):
            return contact if ":" in contact else f"mailto:{contact}"
    return ""


def security_txt(canonical: str, now: datetime) -> str:
    """The security.txt (RFC 9116) of this deployment, or "" when it names no contact or its
    SECURITY_TXT_EXPIRES has passed (a stale file is worse than none). Expires: that setting,
    else 180 days on; never more than a year after ``now``."""
    contact, configured = security_contact(), settings.SECURITY_TXT_EXPIRES
    if configured and configured <= now:
        log.warning("security.txt is not served: SECURITY_TXT_EXPIRES has passed.")
        return ""
    if not contact:
        return ""
    # A day's start, so that the file is one for a whole day.
    default = (now + SECURITY_TXT_LIFETIME).replace(hour=0, minute=0, second=0, microsecond=0)
    expires = min(configured or default, now + timedelta(days=365))
    lines = [
        f"Contact: {contact}",
        f"Expires: {expires.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}",
        "Preferred-Languages: da, en",
        f"Canonical: {canonical}",
    ]
    return "\n".join(lines) + "\n"
