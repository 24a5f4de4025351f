"""Found, shared and embedded: the sitemap, security.txt, canonical addresses, cards and
structured data, the status badge, the embeddable answer and its share page, the favicon."""

import json
import re
from datetime import UTC, date, datetime, timedelta
from html import unescape
from html.parser import HTMLParser
from io import BytesIO
from urllib.parse import parse_qs, urlsplit
from xml.etree import ElementTree

import pytest
import time_machine
from django.db.models import F
from django.test import Client
from PIL import Image
from sectxt import Parser

from guidance.models import ChangeNote, ContentVersion, Milestone
from guidance.rules.dates import COPENHAGEN
from guidance.snapshot import current_content
from tests.clock import NOW

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
SVG = "{http://www.w3.org/2000/svg}"


class Head(HTMLParser):
    """The <link>s, <meta>s and JSON-LD blocks of a page."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.links, self.metas, self.ld, self.in_ld = [], [], [], False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "link":
            self.links.append(attributes)
        elif tag == "meta":
            self.metas.append(attributes)
        self.in_ld = tag == "script" and attributes.get("type") == "application/ld+json"

    def handle_endtag(self, tag):
        self.in_ld = False

    def handle_data(self, data):
        if self.in_ld:
            self.ld.append(json.loads(data))

    def link(self, rel: str, hreflang: str | None = None) -> list[str]:
        return [
            link["href"]
            for link in self.links
            if link.get("rel") == rel and (hreflang is None or link.get("hreflang") == hreflang)
        ]

    def meta(self, key: str) -> list[str]:
        return [m["content"] for m in self.metas if key in (m.get("property"), m.get("name"))]


def head(client, path: str, **params) -> Head:
    response = client.get(path, params)
    assert response.status_code == 200, path
    return Head(response.content.decode())


# The sitemap


def sitemap_entries(client) -> list[ElementTree.Element]:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    return ElementTree.fromstring(response.content).findall(f"{SITEMAP}url")  # noqa: S314  (our own answer)


def test_the_sitemap_lists_every_public_page_in_both_languages_and_each_answers_200(client):
    entries = sitemap_entries(client)
    locations = [entry.findtext(f"{SITEMAP}loc") for entry in entries]
    paths = {
        urlsplit(loc).path + ("?" + urlsplit(loc).query if urlsplit(loc).query else "")
        for loc in locations
    }
    for language in ("en", "da"):
        for page in ("", "timeline/", "about/", "accessibility/", "api/", "updates/", "share/"):
            assert f"/{language}/{page}" in paths
        assert f"/{language}/?audience=business" in paths
        assert f"/{language}/embed/" not in paths  # made for frames, not for search engines
    assert len(locations) == len(set(locations)) == 18
    for location in locations:
        assert location.startswith("https://testserver/")
        assert client.get(location.removeprefix("https://testserver")).status_code == 200


def test_each_sitemap_entry_names_its_alternates_and_x_default(client):
    for entry in sitemap_entries(client):
        location = entry.findtext(f"{SITEMAP}loc")
        alternates = {
            link.get("hreflang"): link.get("href") for link in entry.findall(f"{XHTML}link")
        }
        assert set(alternates) == {"en", "da", "x-default"}
        assert location in alternates.values()
        assert alternates["da"] == alternates["en"].replace("/en/", "/da/", 1)
        # x-default is the page in no language, which sends each visitor on to theirs.
        assert alternates["x-default"] == alternates["en"].replace("/en/", "/", 1)
        neutral = alternates["x-default"].removeprefix("https://testserver")
        danish = client.get(neutral, headers={"accept-language": "da"})
        assert danish.status_code == 302
        assert danish["Location"] == alternates["da"].removeprefix("https://testserver")


def test_the_sitemap_dates_answer_pages_by_the_contents_last_change_and_no_others(client):
    for entry in sitemap_entries(client):
        path = urlsplit(entry.findtext(f"{SITEMAP}loc")).path
        lastmod = entry.findtext(f"{SITEMAP}lastmod")
        if path.endswith(("/about/", "/accessibility/", "/api/")):
            assert lastmod is None, path
            continue
        # The day the published content last changed (in Copenhagen), for every such page:
        # not today's start, which today's answer's Last-Modified also says.
        changed = current_content().changed_at.astimezone(COPENHAGEN).date()
        assert date.fromisoformat(lastmod) == changed, path


def test_the_sitemaps_lastmod_moves_only_when_the_content_changes(client):
    # The seed as if published 30 days ago (a new version number, so every process reads it).
    ChangeNote.objects.update(published_at=NOW - timedelta(days=30))  # a write: bumps the version
    ContentVersion.objects.update(number=F("number") + 1, changed_at=NOW - timedelta(days=30))
    before = {
        e.findtext(f"{SITEMAP}loc"): e.findtext(f"{SITEMAP}lastmod")
        for e in sitemap_entries(client)
    }
    with time_machine.travel(NOW + timedelta(days=40)):
        later = {
            e.findtext(f"{SITEMAP}loc"): e.findtext(f"{SITEMAP}lastmod")
            for e in sitemap_entries(client)
        }
    assert later == before  # 40 days on, nothing changed: no page says it did
    closing = Milestone.objects.get(audience="citizen", date=date(2023, 10, 31))
    closing.summary_en = "NemID is closed for good."
    closing.save()  # stamped by the database's own clock
    changed = current_content().changed_at.astimezone(COPENHAGEN).date()
    assert changed > date.fromisoformat(before["https://testserver/en/"])
    assert sitemap_entries(client)[0].findtext(f"{SITEMAP}lastmod") == changed.isoformat()


def test_the_sitemap_uses_the_requests_host_and_refuses_one_not_served():
    served = Client(headers={"x-forwarded-proto": "https"}, HTTP_HOST="localhost")
    assert b"<loc>https://localhost/en/</loc>" in served.get("/sitemap.xml").content
    forged = Client(headers={"x-forwarded-proto": "https"}, HTTP_HOST="evil.example")
    response = forged.get("/sitemap.xml")
    assert response.status_code == 400
    assert b"evil.example" not in response.content


def test_robots_txt_names_the_sitemap_by_its_absolute_address(client):
    text = client.get("/robots.txt").content.decode()
    assert "Sitemap: https://testserver/sitemap.xml" in text.splitlines()
    assert "Disallow: /admin/" in text
    # The API's data is not for search engines; its page (/<lang>/api/), and /api/ which leads
    # there, are.
    assert "Disallow: /api/v1/" in text.splitlines()
    assert "Disallow: /api/" not in text.splitlines()


# security.txt


def test_security_txt_is_404_when_the_deployment_names_no_contact(client, settings):
    settings.SITE_CONTACT = settings.SECURITY_CONTACT = ""
    assert client.get("/.well-known/security.txt").status_code == 404


@pytest.mark.parametrize(
    ("site_contact", "security_contact", "expected"),
    [
        ("eid@example.dk", "", "mailto:eid@example.dk"),
        ("", "https://example.dk/security", "https://example.dk/security"),
        ("eid@example.dk", "security@example.dk", "mailto:security@example.dk"),
    ],
)
def test_security_txt_passes_an_rfc_9116_validator_with_the_contact_set(
    client, settings, site_contact, security_contact, expected
):
    settings.SITE_CONTACT, settings.SECURITY_CONTACT = site_contact, security_contact
    response = client.get("/.well-known/security.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    url = "https://testserver/.well-known/security.txt"
    parsed = Parser(response.content, urls=url)
    assert parsed.is_valid(), parsed.errors
    assert parsed.errors == []
    # Not signed, no encryption key: this deployment has none to offer. Nothing else is amiss.
    assert {r["code"] for r in parsed.recommendations} <= {"not_signed", "no_encryption"}
    fields = dict(line.split(": ", 1) for line in response.content.decode().splitlines())
    assert fields["Contact"] == expected
    assert fields["Preferred-Languages"] == "da, en"
    assert fields["Canonical"] == url
    asked_oddly = client.get("/.well-known/security.txt?x=%0Ay").content.decode()
    assert f"Canonical: {url}\n" in asked_oddly  # the file's address, not the one asked


@pytest.mark.parametrize(
    "site_contact", ["http://example.dk/kontakt", "Ring til os på 12345678", "example.dk"]
)
def test_security_txt_is_404_when_the_sites_contact_is_no_rfc_9116_contact(
    client, settings, site_contact
):
    settings.SITE_CONTACT, settings.SECURITY_CONTACT = site_contact, ""
    assert client.get("/.well-known/security.txt").status_code == 404


def test_security_txt_is_404_once_its_configured_expiry_has_passed(client, settings, caplog):
    settings.SITE_CONTACT = "eid@example.dk"
    settings.SECURITY_TXT_EXPIRES = datetime.now(UTC) - timedelta(days=1)
    assert client.get("/.well-known/security.txt").status_code == 404
    assert "SECURITY_TXT_EXPIRES has passed" in caplog.text


@pytest.mark.parametrize("configured_days", [None, 30, 364, 365 * 3])
def test_security_txt_expires_within_a_year_of_every_answer(client, settings, configured_days):
    settings.SITE_CONTACT = "eid@example.dk"
    now = datetime.now(UTC)
    configured = now + timedelta(days=configured_days) if configured_days else None
    settings.SECURITY_TXT_EXPIRES = configured
    text = client.get("/.well-known/security.txt").content.decode()
    expires = datetime.fromisoformat(re.search(r"^Expires: (.+)$", text, re.M)[1])
    assert now < expires <= now + timedelta(days=365, seconds=5)
    if configured_days and configured_days < 365:
        assert expires == configured.replace(microsecond=0)


# Canonical addresses, alternates, cards


@pytest.mark.parametrize(
    "params",
    [
        {"date": "31-10-2023"},
        {"date": "2023-10-31"},
        {"date": " 31.10.2023 ", "audience": "citizen"},
        {"audience": "", "date": "31/10/2023", "passport": "", "smartphone": ""},
    ],
)
def test_equivalent_questions_name_one_canonical_address(client, params):
    found = head(client, "/en/", **params)
    assert found.link("canonical") == ["https://testserver/en/?date=2023-10-31"]
    assert found.meta("og:url") == ["https://testserver/en/?date=2023-10-31"]


def test_the_canonical_address_keeps_what_changes_the_answer_in_one_order(client):
    found = head(client, "/da/", smartphone="no", audience="business", date="2023-7-1")
    canonical = "https://testserver/da/?date=2023-07-01&audience=business&smartphone=no"
    assert found.link("canonical") == [canonical]
    assert found.link("alternate", "en") == [canonical.replace("/da/", "/en/")]
    assert found.link("alternate", "da") == [canonical]
    assert found.link("alternate", "x-default") == [canonical.replace("/da/", "/")]


@pytest.mark.parametrize("path", ["/da/timeline/", "/da/share/"])
def test_the_situation_is_left_out_where_it_changes_nothing(client, path):
    found = head(client, path, passport="yes", smartphone="no", date="2023-07-01")
    assert found.link("canonical") == [f"https://testserver{path}?date=2023-07-01"]


@pytest.mark.parametrize(
    "path", ["/en/", "/da/about/", "/en/accessibility/", "/da/api/", "/en/updates/", "/da/share/"]
)
def test_every_page_names_its_canonical_address_without_stray_parameters(client, path):
    found = head(client, path, utm_source="chat")
    assert found.link("canonical") == [f"https://testserver{path}"]
    assert len(found.link("alternate", "x-default")) == 1


@pytest.mark.parametrize(("path", "status"), [("/en/?date=nonsense", 400), ("/en/nowhere/", 404)])
def test_an_error_page_names_no_canonical_address_and_no_card(client, path, status):
    response = client.get(path)
    assert response.status_code == status
    found = Head(response.content.decode())
    assert found.link("canonical") == []
    assert found.meta("og:title") == []
    assert found.ld == []


def test_a_shared_answer_shows_a_card_with_its_title_status_and_image(client):
    found = head(client, "/da/", date="2023-11-01")
    assert found.meta("og:title") == ["NemID den 1. november 2023"]
    assert found.meta("og:description")[0].startswith("Lukket. ")
    assert found.meta("og:description") == found.meta("description")
    assert found.meta("og:locale") == ["da_DK"]
    assert [m.get("property") for m in found.metas if "og:locale" in str(m.get("property"))] == [
        "og:locale",
        "og:locale:alternate",
    ]
    assert found.meta("og:locale:alternate") == ["en_GB"]
    assert found.meta("og:site_name") == ["eID-guiden"]
    assert found.meta("twitter:card") == ["summary_large_image"]
    assert found.meta("og:image:alt")[0].startswith("eID-guidens logo")
    image = found.meta("og:image")[0]
    assert image.startswith("https://testserver/static/img/card.")
    response = client.get(image.removeprefix("https://testserver"))
    assert response.status_code == 200
    card = Image.open(BytesIO(b"".join(response.streaming_content)))
    assert card.size == (1200, 630)
    assert found.meta("og:image:width") == ["1200"]
    assert found.meta("og:image:height") == ["630"]
    business = head(client, "/da/", date="2023-11-01", audience="business")
    assert business.meta("og:title") == ["NemID den 1. november 2023 for virksomheder"]


# Structured data


def schema_terms(data) -> set[str]:
    """Every property and type a JSON-LD document uses."""
    terms = set()
    if isinstance(data, dict):
        for key, value in data.items():
            if not key.startswith("@"):
                terms.add(key)
            if key == "@type":
                terms.add(value)
            terms |= schema_terms(value)
    elif isinstance(data, list):
        for item in data:
            terms |= schema_terms(item)
    return terms


@pytest.mark.parametrize(
    "path", ["/en/", "/da/?date=2015-06-01", "/en/timeline/", "/da/about/", "/en/share/"]
)
def test_json_ld_parses_and_uses_only_schema_org_terms(client, path):
    found = head(client, path)
    [data] = found.ld
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "WebPage"
    assert data["url"] == found.link("canonical")[0]
    from rdflib.namespace import SDO  # here: pytest's collection would probe it at module level

    unknown = {term for term in schema_terms(data) if f"https://schema.org/{term}" not in SDO}
    assert not unknown


def test_the_timelines_json_ld_gives_each_milestone_as_an_event_as_precise_as_its_source(client):
    [data] = head(client, "/en/timeline/").ld
    events = data["mainEntity"]["itemListElement"]
    assert [e["@type"] for e in events] == ["Event"] * 4
    assert [e["startDate"] for e in events] == ["2010", "2022-10-30", "2023-06-30", "2023-10-31"]
    assert events[0]["url"] == "https://testserver/en/?date=2010-12-31"
    assert data["isBasedOn"]["publisher"]["@type"] == "GovernmentOrganization"


def test_json_ld_cannot_end_its_block_whatever_staff_write(client):
    Milestone.objects.filter(date="2023-10-31", audience="citizen").update(
        title_en="</script><script>alert(1)</script> & more"
    )
    html = client.get("/en/timeline/").content.decode()
    assert html.count("<script") == 1
    [data] = Head(html).ld
    titles = [e["name"] for e in data["mainEntity"]["itemListElement"]]
    assert "</script><script>alert(1)</script> & more" in titles


def test_the_csp_stays_strict_with_json_ld_on_the_page(client):
    response = client.get("/en/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "nonce-" not in policy
    assert "sha256-" not in policy
    assert '<script type="application/ld+json">' in response.content.decode()


# The status badge


def badge(client, path: str, **params):
    response = client.get(path, params)
    assert response["Content-Type"] == "image/svg+xml"
    root = ElementTree.fromstring(response.content)  # noqa: S314  (our own answer)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    title = root.findtext(f"{SVG}title")
    assert root.get("aria-label") == title
    texts = [text.text for text in root.iter(f"{SVG}text")]
    return response, title, texts


def test_the_badge_is_an_accessible_svg_with_todays_status(client):
    response, title, texts = badge(client, "/en/badge.svg")
    assert response.status_code == 200
    assert title == "NemID: Closed"
    assert texts == ["NemID", "Closed"]
    assert 'fill="#b51d09"' in response.content.decode()


def test_the_badge_speaks_the_pages_language_for_the_date_and_audience_asked(client):
    response, title, _texts = badge(client, "/da/badge.svg", date="2023-07-01", audience="business")
    assert title == "NemID den 1. juli 2023 for virksomheder: Begrænset service"
    assert 'fill="#7a4f00"' in response.content.decode()
    response, title, _texts = badge(client, "/en/badge.svg", date="2022-11-01")
    assert title == "NemID on 1 November 2022: Not for banking or shopping"


def test_a_badge_for_a_wrong_question_is_a_400_badge_saying_what_to_check(client):
    response, title, _texts = badge(client, "/da/badge.svg", date="31-02-2023")
    assert response.status_code == 400
    assert title == "NemID: Fejl: Tjek datoen"
    response, title, _texts = badge(client, "/en/badge.svg", audience="king")
    assert response.status_code == 400
    assert title == "NemID: Error: check the address"


def test_the_badge_is_cached_like_the_pages(client):
    response = client.get("/en/badge.svg")
    assert response["Cache-Control"].startswith("public, stale-while-revalidate=")
    assert (
        client.get("/en/badge.svg", headers={"if-none-match": response["ETag"]}).status_code == 304
    )


def test_the_shields_endpoint_gives_only_shields_fields(client):
    response = client.get("/api/v1/badge", {"date": "2023-11-01", "lang": "da"})
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response.json() == {
        "schemaVersion": 1,
        "label": "NemID den 1. november 2023",
        "message": "Lukket",
        "color": "b51d09",
        "labelColor": "1a1a1a",
    }


def test_the_shields_endpoint_refuses_a_wrong_date_in_the_apis_error_shape(client):
    response = client.get("/api/v1/badge", {"date": "yesterday"})
    assert response.status_code == 400
    body = response.json()
    assert (body["status"], body["field"]) == (400, "date")
    assert body["accepted"]


# The embeddable answer and the share page


def test_the_embed_page_may_be_framed_by_any_site_and_no_other_page_may(client):
    embedded = client.get("/da/embed/", {"date": "2023-11-01"})
    assert embedded.status_code == 200
    assert "X-Frame-Options" not in embedded
    assert "frame-ancestors *" in embedded["Content-Security-Policy"]
    assert "default-src 'none'" in embedded["Content-Security-Policy"]
    for path in ("/da/", "/da/share/", "/da/timeline/", "/api/v1/status", "/da/badge.svg"):
        response = client.get(path)
        assert response["X-Frame-Options"] == "DENY", path
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"], path


def test_a_304_for_the_embed_page_keeps_it_frameable(client):
    first = client.get("/en/embed/")
    again = client.get("/en/embed/", headers={"if-none-match": first["ETag"]})
    assert again.status_code == 304
    assert "X-Frame-Options" not in again
    assert "frame-ancestors *" in again["Content-Security-Policy"]


def test_the_embed_page_has_no_script_no_cookies_no_index_and_opens_links_in_a_new_tab(client):
    response = client.get("/en/embed/", {"date": "2023-07-01", "audience": "business"})
    html = response.content.decode()
    assert "<script" not in html
    assert not response.cookies
    assert '<meta name="robots" content="noindex">' in html
    # Light only: the partner's page around the frame does not follow the visitor's dark mode.
    assert '<html lang="en" class="light-only">' in html
    assert "site-header" not in html
    assert "site-footer" not in html
    links = re.findall(r"<a [^>]*>", html)
    assert links
    assert all('target="_blank" rel="noopener"' in link for link in links)
    assert 'href="https://testserver/en/?date=2023-07-01&amp;audience=business"' in html
    assert "(opens in a new tab)" in html
    assert 'data-nemid-status="limited"' in html


def test_the_embed_page_for_a_wrong_date_is_a_400_that_says_why(client):
    response = client.get("/da/embed/", {"date": "32-01-2023"})
    assert response.status_code == 400
    assert "X-Frame-Options" not in response
    assert "Tjek en dato på eID-guiden" in response.content.decode()


def test_the_share_page_gives_snippets_for_the_chosen_answer_with_a_live_preview(client):
    response = client.get("/en/share/", {"date": "31-10-2023", "audience": "business"})
    assert response.status_code == 200
    assert "frame-src 'self'" in response["Content-Security-Policy"]
    html = response.content.decode()
    query = "?date=2023-10-31&amp;audience=business"
    assert f'<iframe class="embed-preview" src="https://testserver/en/embed/{query}"' in html
    assert f'<img class="badge-preview" src="https://testserver/en/badge.svg{query}"' in html
    # The snippets are text to copy (shown escaped), each naming the same answer.
    snippets = {
        name: unescape(text)
        for name, text in re.findall(
            r'<textarea class="snippet" id="snippet-([a-z]+)"[^>]*>([^<]*)</textarea>', html
        )
    }
    page = "https://testserver/en/?date=2023-10-31&audience=business"
    badge = "https://testserver/en/badge.svg?date=2023-10-31&audience=business"
    alt = "NemID on 31 October 2023 for businesses: Closed"
    assert snippets["link"] == page
    href, src = page.replace("&", "&amp;"), badge.replace("&", "&amp;")
    assert snippets["badge"] == f'<a href="{href}"><img src="{src}" alt="{alt}"></a>'
    assert snippets["markdown"] == f"[![{alt}]({badge})]({page})"
    assert snippets["embed"] == (
        '<iframe src="https://testserver/en/embed/?date=2023-10-31&amp;audience=business" '
        'title="NemID’s status, from eID guide" loading="lazy" '
        'style="width: 100%; max-width: 40rem; height: 52rem; border: 0"></iframe>'
    )
    shields = re.fullmatch(
        r"\[!\[[^]]+\]\(https://img\.shields\.io/endpoint\?url=([^)]+)\)\]\((.+)\)",
        snippets["shields"],
    )
    assert parse_qs(f"url={shields[1]}")["url"] == [
        "https://testserver/api/v1/badge?date=2023-10-31&audience=business&lang=en"
    ]
    assert shields[2] == page


def test_todays_snippets_name_no_status_in_their_alt_text_since_it_changes_by_itself(client):
    html = unescape(client.get("/da/share/").content.decode())
    assert 'alt="NemIDs status fra eID-guiden"' in html
    assert "[![NemIDs status fra eID-guiden](https://testserver/da/badge.svg)]" in html


def test_the_share_page_is_linked_from_every_pages_footer(client):
    assert 'href="/da/share/"' in client.get("/da/timeline/").content.decode()


# The favicon


def test_favicon_ico_answers_with_the_icon_in_three_sizes(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    icon = Image.open(BytesIO(response.content))
    assert icon.format == "ICO"
    assert icon.info["sizes"] == {(16, 16), (32, 32), (48, 48)}
    assert "max-age=86400" in response["Cache-Control"]
