"""The OpenAPI 3.1 document that describes /api/v1, served at /api/v1/openapi.json.

Its enums come from the vocabulary (guidance.rules.vocabulary) and its date pattern from the date
range, so nothing here is a copy of them.
"""

import json
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings

from guidance.rules.dates import FIRST_DATE, LAST_DATE
from guidance.rules.vocabulary import audiences, languages, statuses, year_pattern

# An empty parameter counts as not given, as an HTML form sends it ("I'd rather not say").
NOT_GIVEN = ""
ANSWERS = ["yes", "no"]
DATE_FORMS = ["YYYY-MM-DD", "DD-MM-YYYY", "DD.MM.YYYY", "DD/MM/YYYY"]
# Answers of /api/v1/status shown in the document: true answers of the seed, asked on the day the
# file names (tests/opendata/test_api.py asks them again and compares); "{server}" is this server.
STATUS_EXAMPLES = Path(__file__).with_name("openapi_examples.json")
SERVER_PLACEHOLDER = "{server}"
TAGS = {
    "status": "NemID's status on a date, and what to do.",
    "milestones": "The milestones of NemID's phase-out.",
}
STRING = {"type": "string"}
DATE = {"type": "string", "format": "date"}
URL = {"type": "string", "format": "uri"}


def date_pattern() -> str:
    """The dates the API reads, as a regular expression over the accepted years."""
    year = year_pattern(FIRST_DATE.year, LAST_DATE.year)
    month = r"(0?[1-9]|1[0-2])"
    day = r"(0?[1-9]|[12][0-9]|3[01])"
    day_first = rf"{day}-{month}-{year}|{day}\.{month}\.{year}|{day}/{month}/{year}"
    return rf"^\s*({year}-{month}-{day}|{day_first})?\s*$"


def ref(kind: str, name: str) -> dict:
    return {"$ref": f"#/components/{kind}/{name}"}


def schema(name: str) -> dict:
    return ref("schemas", name)


def nullable(value: dict, description: str = "") -> dict:
    either = {"anyOf": [value, {"type": "null"}]}
    return {**either, "description": description} if description else either


def array(items: dict, description: str = "") -> dict:
    value = {"type": "array", "items": items}
    return {**value, "description": description} if description else value


def obj(description: str, properties: dict, optional: dict | None = None) -> dict:
    """An object that always sends ``properties`` (nullable ones may be null)."""
    return {
        "type": "object",
        "description": description,
        "required": list(properties),
        "properties": {**properties, **(optional or {})},
    }


def choice(values: list[str], description: str) -> dict:
    return {"type": "string", "enum": values, "description": description}


def what_applies(day: str) -> dict:
    """The fields an answer about the asked date and its "now" part share, seen ``day``."""
    return {
        "nemid": schema("NemIDOnDate"),
        "next_milestone": nullable(
            schema("NextMilestone"), f"The next change of status, seen {day}."
        ),
        "actions": array(STRING, f"What to do {day}, one action an item."),
        "enrollment_options": array(
            schema("EnrollmentOption"), f"The ways to get MitID open {day} that suit the visitor."
        ),
        "unsuitable_options": array(
            schema("UnsuitableOption"),
            f"The ways open {day} that need something the visitor lacks.",
        ),
        "self_services": array(STRING, "Self-services that need MitID (citizens only)."),
    }


def schemas() -> dict:
    """The component schemas: every field the API always sends is required."""
    milestone = {
        "date": {**DATE, "description": "The first day on which the status holds."},
        "audience": schema("Audience"),
        "status": schema("NemIDStatus"),
        "status_label": {"type": "string", "description": "The status, for people."},
        "title": STRING,
        "summary": STRING,
        "what_to_do": array(STRING, "One action an item."),
        "date_note": nullable({"type": "string", "description": "When the day is not exact."}),
        "source_url": nullable({**URL, "description": "The official page the fact is from."}),
        "url": {**URL, "description": "The advice page for this day."},
    }
    return {
        "Audience": choice(
            audiences(), "Who is asking: a person, or a company using NemID for business."
        ),
        "AudienceParameter": choice(
            [*audiences(), NOT_GIVEN], "An audience, or empty for the default."
        ),
        "NemIDStatus": choice(
            statuses(), "NemID's status, in the order the phase-out passes through them."
        ),
        "Language": choice(languages(), "The language of labels and texts."),
        "LanguageParameter": choice(
            [*languages(), NOT_GIVEN], "A language, or empty for Accept-Language."
        ),
        "YesNoParameter": choice([*ANSWERS, NOT_GIVEN], "Yes, no, or empty for not saying."),
        "Milestone": obj("A day from which NemID has a new status for one audience.", milestone),
        "MilestoneOnDate": obj(
            "A milestone, and whether it has passed on the asked date.",
            {**milestone, "passed": {"type": "boolean", "description": "On or before the date."}},
        ),
        "NemIDOnDate": obj(
            "NemID's status on the date.",
            {
                "status": schema("NemIDStatus"),
                "label": {"type": "string", "description": "The status, for people."},
                "summary": STRING,
                "since": nullable({**DATE, "description": "The day the status began."}),
            },
        ),
        "NextMilestone": obj(
            "The next change of status after the date.",
            {"date": DATE, "status": schema("NemIDStatus"), "title": STRING},
        ),
        "EnrollmentOption": obj(
            "A way to get MitID.",
            {
                "slug": STRING,
                "name": STRING,
                "summary": STRING,
                "steps": array(STRING, "One step an item."),
                "requirements": array(STRING, "What the visitor needs, for people."),
                "requirement_codes": array(STRING, "What the visitor needs, as codes."),
                "available_from": nullable(DATE),
                "available_until": nullable(DATE),
                "url": nullable(URL),
            },
        ),
        "UnsuitableOption": obj(
            "A way to get MitID that needs something the visitor said they lack.",
            {
                "slug": STRING,
                "name": STRING,
                "missing": array(STRING, "What is missing, for people."),
                "missing_codes": array(STRING, "What is missing, as codes."),
            },
        ),
        "Situation": obj(
            "What the visitor said (null: not said).",
            {
                "passport": nullable({"type": "boolean"}),
                "smartphone": nullable({"type": "boolean"}),
            },
        ),
        "StatusAnswer": obj(
            "NemID's status on the asked date, what to do then, and the ways to get MitID "
            "open then; for a past date, what applies today apart, in now.",
            {
                "lang": schema("Language"),
                "date": {**DATE, "description": "The asked date: the facts below hold on it."},
                "is_today": {"type": "boolean", "description": "No date was given."},
                "audience": schema("Audience"),
                **what_applies("on the asked date"),
                "milestones": array(schema("MilestoneOnDate")),
                "url": {**URL, "description": "The advice page for this answer."},
                "today": {**DATE, "description": "Today in Europe/Copenhagen."},
                "is_past": {
                    "type": "boolean",
                    "description": "Whether the asked date is before today (then now is not null).",
                },
                "now": nullable(
                    schema("StatusNow"),
                    "What applies today, for a past date: act on this, not on the facts of "
                    "the asked date. Null for today and later dates: their own actions and "
                    "ways are the ones to act on.",
                ),
                "situation": schema("Situation"),
            },
        ),
        "StatusNow": obj(
            "What applies today, for an answer about a past date: the status today, what to "
            "do now and the ways to get MitID open today (the same as the pages show).",
            {
                "date": {**DATE, "description": "Today in Europe/Copenhagen."},
                **what_applies("today"),
                "url": {**URL, "description": "The advice page for today."},
            },
        ),
        "MilestoneList": obj(
            "Every published milestone, oldest first.",
            {
                "lang": schema("Language"),
                "audience": nullable(schema("Audience")),
                "milestones": array(schema("Milestone")),
            },
        ),
        "AcceptedDates": obj(
            "The dates the API reads.",
            {
                # Plain strings, not an enum: generators name enum members after their
                # letters, and DD-MM-YYYY and DD/MM/YYYY would collide.
                "forms": {
                    **array(STRING, "The forms a date may be written in."),
                    "examples": [DATE_FORMS],
                },
                "from": DATE,
                "to": DATE,
                "hint": STRING,
            },
        ),
        "Error": obj(
            "What went wrong. Every error under /api/ has this shape.",
            {
                "error": {"type": "string", "description": "What is wrong, for people."},
                "status": {"type": "integer", "description": "The HTTP status code."},
                "field": nullable(
                    {"type": "string", "description": "The first parameter that is wrong."}
                ),
                "errors": {
                    "type": "object",
                    "description": "Every wrong parameter, with its messages.",
                    "additionalProperties": array(STRING),
                },
            },
            optional={"accepted": schema("AcceptedDates")},
        ),
    }


def parameter(name: str, description: str, value: dict, where: str = "query") -> dict:
    """An optional parameter: every one the API reads may be left out."""
    return {
        "name": name,
        "in": where,
        "required": False,
        "description": description,
        "schema": value,
    }


def parameters() -> dict:
    """The component parameters, by the names the operations list them with."""
    first, last = FIRST_DATE.isoformat(), LAST_DATE.isoformat()
    return {
        "date": {
            **parameter(
                "date",
                f"The day to answer for: {DATE_FORMS[0]}, or day first as "
                f"{', '.join(DATE_FORMS[1:-1])} or {DATE_FORMS[-1]}, from {first} to {last}. "
                "Default: today in Europe/Copenhagen. A day the calendar does not have "
                "(30 February) gets a 400 that says so.",
                {"type": "string", "maxLength": 40, "pattern": date_pattern()},
            ),
            "example": "2023-07-01",
        },
        "audience": parameter(
            "audience", f"Who is asking. Default: {audiences()[0]}.", schema("AudienceParameter")
        ),
        "audience_filter": parameter(
            "audience",
            "Only this audience's milestones. Default: every audience.",
            schema("AudienceParameter"),
        ),
        "passport": parameter(
            "passport",
            "Whether the visitor has a Danish passport; narrows the ways to get MitID.",
            schema("YesNoParameter"),
        ),
        "smartphone": parameter(
            "smartphone",
            "Whether the visitor has a smartphone; narrows the ways to get MitID.",
            schema("YesNoParameter"),
        ),
        "lang": parameter(
            "lang",
            "Language of labels, texts and error messages. Default: by Accept-Language "
            f"(never a cookie), else {languages()[0]}.",
            schema("LanguageParameter"),
        ),
        "if_none_match": parameter(
            "If-None-Match",
            "ETags the client holds (weak comparison): 304 when one still matches.",
            STRING,
            "header",
        ),
        "if_modified_since": parameter(
            "If-Modified-Since",
            "An HTTP date: 304 when the content has not changed since.",
            STRING,
            "header",
        ),
    }


def header(description: str, const: str | None = None) -> dict:
    """A response header: a string, or always ``const``."""
    return {"description": description, "schema": {**STRING, "const": const} if const else STRING}


# Keyed by the HTTP name; the component's name is the same without hyphens.
HEADERS = {
    "Access-Control-Allow-Origin": header("Every origin may read the answer.", "*"),
    "Access-Control-Expose-Headers": header(
        "Headers a browser script may read: ETag, Last-Modified."
    ),
    "ETag": header("The answer's version; send it back as If-None-Match."),
    "Last-Modified": header("When the content last changed (an HTTP date)."),
    "Cache-Control": header("Keep the answer, but ask again each time (with If-None-Match)."),
    "Content-Language": header("The answer's language."),
    "Vary": header("Accept-Language when the language was not given with ?lang=."),
    "Allow": header("The methods this address answers.", "GET, HEAD, OPTIONS"),
    "Retry-After": header("Seconds to wait before asking again."),
    "Access-Control-Allow-Methods": header(
        "The methods a script on another origin may use.", "GET, HEAD"
    ),
    "Access-Control-Allow-Headers": header(
        "The request headers a script on another origin may send.",
        "If-None-Match, If-Modified-Since",
    ),
    "Access-Control-Max-Age": header("Seconds a browser may keep this preflight answer."),
}


def headers(*names: str) -> dict:
    """References to the component headers of these HTTP names."""
    return {name: ref("headers", name.replace("-", "")) for name in names}


CORS_HEADERS = headers("Access-Control-Allow-Origin", "Access-Control-Expose-Headers")
CACHE_HEADERS = headers("ETag", "Last-Modified", "Cache-Control", "Vary")
# Every error, by status: the response's name and what it means.
ERRORS = {
    "400": (
        "BadRequest",
        "A parameter is wrong (or there are too many); the body says which and why.",
    ),
    "404": ("NotFound", "There is nothing at this address."),
    "405": ("MethodNotAllowed", "Only GET and HEAD (and OPTIONS for CORS preflight) are answered."),
    "414": ("URITooLong", "The address is too long."),
    "429": ("TooManyRequests", "Too many requests from this address; sent by the edge. Slow down."),
    "431": ("HeaderFieldsTooLarge", "A request header is too long."),
    "500": ("InternalServerError", "Something failed on our side; the body is still JSON."),
}
ERROR_HEADERS = {"MethodNotAllowed": headers("Allow"), "TooManyRequests": headers("Retry-After")}


def error_refs(statuses: Iterable[str] = ERRORS) -> dict:
    """The error responses of these statuses (all by default), by reference."""
    return {status: ref("responses", ERRORS[status][0]) for status in statuses}


def responses() -> dict:
    """The component responses: every error, the preflight's 204 and the 304."""
    errors = {
        name: {
            "description": description,
            "headers": {**CORS_HEADERS, **ERROR_HEADERS.get(name, {})},
            "content": {"application/json": {"schema": schema("Error")}},
        }
        for name, description in ERRORS.values()
    }
    return {
        **errors,
        "Preflight": {
            "description": "Any origin may GET and HEAD here, sending the conditional headers.",
            "headers": headers(
                "Access-Control-Allow-Origin",
                "Access-Control-Allow-Methods",
                "Access-Control-Allow-Headers",
                "Access-Control-Max-Age",
            ),
        },
        "NotModified": {
            "description": "The client's copy (If-None-Match or If-Modified-Since) is current.",
            "headers": {**CORS_HEADERS, **CACHE_HEADERS},
        },
    }


def status_examples(server_url: str) -> dict:
    """The example answers of /api/v1/status, with this server's address, as OpenAPI Example
    Objects (the query each answers is said in its description)."""
    text = STATUS_EXAMPLES.read_text(encoding="utf-8")
    examples = json.loads(text.replace(SERVER_PLACEHOLDER, server_url.rstrip("/")))
    return {
        name: {
            "summary": example["summary"],
            "description": (
                f"GET /api/v1/status?{example['query']}, asked on {example['asked_on']} "
                "(today in Europe/Copenhagen)."
            ),
            "value": example["value"],
        }
        for name, example in examples.items()
    }


def answer(schema_name: str, description: str, examples: dict | None = None) -> dict:
    """A 200 with a JSON body, and the headers every answer carries."""
    media = {"schema": schema(schema_name)}
    if examples:
        media["examples"] = examples
    return {
        "description": description,
        "headers": {**CORS_HEADERS, **CACHE_HEADERS, **headers("Content-Language")},
        "content": {"application/json": media},
    }


def operation(
    operation_id: str, tag: str, summary: str, description: str, params: list, ok: dict
) -> dict:
    """A GET: its parameters by name, its 200, the 304 and every error."""
    return {
        "operationId": operation_id,
        "tags": [tag],
        "summary": summary,
        "description": description,
        "parameters": [ref("parameters", name) for name in params],
        "responses": {"200": ok, "304": ref("responses", "NotModified"), **error_refs()},
    }


def preflight(operation_id: str, tag: str) -> dict:
    """The CORS preflight a browser sends before a GET with If-None-Match or If-Modified-Since."""
    return {
        "operationId": operation_id,
        "tags": [tag],
        "summary": "CORS preflight",
        "description": (
            "What a browser asks before a cross-origin GET that sends If-None-Match or "
            "If-Modified-Since. Scripts do not call it themselves."
        ),
        "responses": {
            "204": ref("responses", "Preflight"),
            # The limits and failures that answer before any method is looked at.
            **error_refs(["414", "429", "431", "500"]),
        },
    }


def info(server_url: str) -> dict:
    """Title, version, contact and licence (the last two from the settings)."""
    contact = {"name": settings.OPEN_DATA_CONTACT_NAME}
    contact["url"] = settings.OPEN_DATA_CONTACT_URL or f"{server_url.rstrip('/')}/en/api/"
    if settings.OPEN_DATA_CONTACT_EMAIL:
        contact["email"] = settings.OPEN_DATA_CONTACT_EMAIL
    return {
        "title": "eID guide API",
        "version": "1.0.0",
        "summary": "NemID's status on any date, and the ways to get MitID.",
        "description": (
            "NemID's status on any date and the ways to get MitID, as JSON: the same answers "
            "as the eID guide pages. Read-only, open to every origin (CORS), no key, no cookies. "
            "Answers carry an ETag and Last-Modified: send If-None-Match or If-Modified-Since "
            "to get 304 when nothing changed. Every error is JSON with the Error shape."
        ),
        "contact": contact,
        "license": {"name": settings.OPEN_DATA_LICENSE_NAME, "url": settings.OPEN_DATA_LICENSE_URL},
    }


def openapi_document(server_url: str) -> dict:
    """The OpenAPI 3.1 document, with this server's address."""
    conditional = ["if_none_match", "if_modified_since"]
    return {
        "openapi": "3.1.0",
        "info": info(server_url),
        "servers": [{"url": server_url.rstrip("/"), "description": "This server."}],
        "security": [],
        "tags": [{"name": name, "description": text} for name, text in TAGS.items()],
        "paths": {
            "/api/v1/status": {
                "get": operation(
                    "getStatus",
                    "status",
                    "NemID's status on a date, and what to do",
                    "The status of NemID on a date (today in Copenhagen by default) for an "
                    "audience, since when it holds, the next milestone, what to do, every "
                    "milestone and the ways to get MitID that suit the visitor's situation, "
                    "all as of that date. For a date in the past, `now` adds what applies "
                    "today: the status today, what to do now and the ways to get MitID open "
                    "today. A visitor asking about the past acts today.",
                    ["date", "audience", "passport", "smartphone", "lang", *conditional],
                    answer("StatusAnswer", "The answer for the date.", status_examples(server_url)),
                ),
                "options": preflight("preflightStatus", "status"),
            },
            "/api/v1/milestones": {
                "get": operation(
                    "listMilestones",
                    "milestones",
                    "Every published milestone of NemID's phase-out",
                    "Every published milestone, oldest first, for one audience or for all.",
                    ["audience_filter", "lang", *conditional],
                    answer("MilestoneList", "The milestones, oldest first."),
                ),
                "options": preflight("preflightMilestones", "milestones"),
            },
        },
        "components": {
            "schemas": schemas(),
            "parameters": parameters(),
            "headers": {name.replace("-", ""): value for name, value in HEADERS.items()},
            "responses": responses(),
        },
    }
