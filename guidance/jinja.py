"""The Jinja2 environment of the public pages (``templates/jinja2/``; the admin keeps Django's
templates): Django's URLs, static files and translations, and the few filters and functions the
pages use. Templates only render: what they show is computed here or in the domain.

Translations go through Django (one catalogue, ``locale/``). A sentence with values in it is
written ``{% blocktranslate name=value %}…{{ name }}…{% endblocktranslate %}``: Jinja's
``{% trans %}`` under the name that Django's ``makemessages`` reads, so both see one msgid.
"""

import re
from urllib.parse import urlsplit

from django.template import defaultfilters
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from jinja2 import Environment, pass_context
from jinja2.ext import Extension
from markupsafe import Markup

from guidance.opendata.calendar import calendar_texts, feed_urls
from guidance.pages.context import page_links
from guidance.pages.sharing import ld_json, web_page
from guidance.pages.updates import PageDates
from guidance.pages.updates import page_dates as dates_of_page
from guidance.rules.dates import FIRST_DATE, LAST_DATE
from guidance.rules.vocabulary import audiences, languages, one_of, statuses
from guidance.snapshot import content_for

BLOCKTRANSLATE = re.compile(r"\{%(-?)\s*(end)?blocktranslate\b")


class BlockTranslate(Extension):
    """``{% blocktranslate %}…{% endblocktranslate %}`` is read as Jinja's ``{% trans %}``."""

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        return BLOCKTRANSLATE.sub(r"{%\1 \2trans", source)


def gettext(message: str, **values) -> Markup:
    """Jinja's newstyle ``gettext`` without its two indirections: Django's translation as markup,
    formatted with the ``values`` (escaped) whenever there are any or it holds a "%", as newstyle
    always formats. Every ``_()`` and ``{% blocktranslate %}`` calls it (some 45 a page); this
    costs a third of what Jinja's does, a tenth of a never-asked date."""
    text = Markup(translation.gettext(message))  # noqa: S704  (the catalogue's own markup)
    return text % values if values or "%" in text else text


def url(name: str, *args, **kwargs) -> str:
    """The path of the URL named ``name``, in the active language (Django's ``{% url %}``)."""
    return reverse(name, args=args or None, kwargs=kwargs or None)


def date(value, format: str | None = None) -> str:
    """Django's ``date`` filter: a date, or a moment in Copenhagen time, in the active
    language's format ("31 October 2023", "31. oktober 2023") or in ``format``."""
    return defaultfilters.date(timezone.template_localtime(value), format)


def host(url: str) -> str:
    """The site a link goes to, without "www.": a link label that says where it leads."""
    name = urlsplit(url).hostname or ""
    return name.removeprefix("www.")


def lang_attr(row, field: str) -> str:
    """` lang="en"` when ``row.<field>`` is shown in English because the active language's text
    is empty (the models fall back to English): the element then says its own language
    (WCAG 3.1.2). Empty when the text is in the page's language or there is no row."""
    if row is None:
        return ""
    language = (translation.get_language() or "en")[:2]
    if language == "en" or getattr(row, f"{field}_{language}", None):
        return ""
    if not getattr(row, f"{field}_en", ""):
        return ""
    return mark_safe(' lang="en"')  # a fixed string, no visitor input


def text_of(row, field: str) -> str:
    """``row.<field>`` for use inside a sentence: wrapped in ``<span lang="en">`` when it falls
    back to English (see ``lang_attr``), escaped either way."""
    if lang_attr(row, field):
        return format_html('<span lang="en">{}</span>', getattr(row, field))
    return conditional_escape(getattr(row, field))


@pass_context
def calendar_feed(context, audience: str) -> dict:
    """The calendar feed of one audience in the page's language: its name and addresses."""
    name, description = calendar_texts(audience)
    urls = feed_urls(context["request"], audience, translation.get_language())
    return {"name": name, "description": description, **urls}


@pass_context
def api_facts(context) -> dict:
    """The API's address on this server and its vocabulary, as the API page states them."""
    return {
        "base": context["request"].build_absolute_uri("/api/v1"),
        "audiences": one_of(audiences()),
        "statuses": one_of(statuses()),
        "languages": one_of(languages()),
        "first_year": FIRST_DATE.year,
        "last_year": LAST_DATE.year,
    }


@pass_context
def page_dates(context, timeline, answer=None) -> PageDates:
    """ "Last updated" and "checked on" for a page showing ``timeline`` and, on an answer page,
    ``answer`` (None on the timeline page), from the content the page was answered from (a staff
    preview's own, with its unsaved row)."""
    content = context.get("page_content") or content_for(context["request"])
    return dates_of_page(content, answer, timeline or ())


@pass_context
def addresses(context) -> dict:
    """This page's addresses (``page_links``); a staff preview names none as canonical."""
    found = page_links(context["request"], context.get("form"))
    return {**found, "canonical": None, "x_default": None} if context.get("preview") else found


@pass_context
def structured_data(
    context, found: dict, title: Markup, description: Markup, timeline=()
) -> Markup:
    """The page as schema.org JSON-LD (``guidance.pages.sharing.web_page``), for the text of a
    ``<script type="application/ld+json">`` data block; ``found`` is the page's ``addresses``."""
    request = context["request"]
    origin = request.build_absolute_uri("/").rstrip("/")
    page = {
        "title": title.striptags(),  # the blocks' HTML as text
        "description": description.striptags(),
        "url": found["canonical"],
        "home": origin + url("advice"),
        "origin": origin,
    }
    data = web_page(page, context["site"], context["source"], timeline)
    return Markup(ld_json(data))  # noqa: S704  (JSON with <, > and & escaped: ld_json)


def environment(**options) -> Environment:
    """The environment Django's Jinja2 backend renders the public pages with."""
    # Each template's last newline is kept, as Django's engine keeps it; every value is escaped.
    options = {"keep_trailing_newline": True, **options}
    options.pop("autoescape", None)
    env = Environment(autoescape=True, extensions=["jinja2.ext.i18n", BlockTranslate], **options)
    env.install_gettext_translations(translation, newstyle=True)
    env.globals.update(
        gettext=gettext,
        _=gettext,
        url=url,
        static=static,
        calendar_feed=calendar_feed,
        feed_audiences=audiences,
        api_facts=api_facts,
        page_dates=page_dates,
        addresses=addresses,
        structured_data=structured_data,
    )
    env.filters.update(date=date, host=host, lang_attr=lang_attr, text_of=text_of)
    return env
