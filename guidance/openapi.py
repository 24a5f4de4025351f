"""The OpenAPI 3.1 description of /api/v1. Tests run the API against it (schemathesis)."""

YEAR = r"(19[0-9]{2}|20[0-9]{2}|2100)"
MONTH = r"(0?[1-9]|1[0-2])"
DAY = r"(0?[1-9]|[12][0-9]|3[01])"
DAY_FIRST = rf"{DAY}-{MONTH}-{YEAR}|{DAY}\.{MONTH}\.{YEAR}|{DAY}/{MONTH}/{YEAR}"
DATE_PATTERN = rf"^\s*({YEAR}-{MONTH}-{DAY}|{DAY_FIRST})?\s*$"
# An empty parameter counts as not given, as an HTML form sends it ("I'd rather not say").
NOT_GIVEN = ""
STATUSES = ["not_launched", "active", "restricted", "limited", "closed"]
AUDIENCES = ["citizen", "business"]
LANGUAGES = ["en", "da"]


def _nullable(schema: dict) -> dict:
    return {"anyOf": [schema, {"type": "null"}]}


DATE = {"type": "string", "format": "date"}

PARAMETERS = {
    "date": {
        "name": "date",
        "in": "query",
        "required": False,
        "description": (
            "The day to answer for: YYYY-MM-DD, or day first as DD-MM-YYYY, DD.MM.YYYY or "
            "DD/MM/YYYY, from 1900-01-01 to 2100-12-31. Default: today in Europe/Copenhagen. "
            "A day the calendar does not have (30 February) gets a 400 that says so."
        ),
        "schema": {"type": "string", "maxLength": 40, "pattern": DATE_PATTERN},
        "example": "2023-07-01",
    },
    "audience": {
        "name": "audience",
        "in": "query",
        "required": False,
        "description": "Who is asking. Default: citizen.",
        "schema": {"type": "string", "enum": [*AUDIENCES, NOT_GIVEN]},
    },
    "audience_filter": {
        "name": "audience",
        "in": "query",
        "required": False,
        "description": "Only this audience's milestones. Default: both.",
        "schema": {"type": "string", "enum": [*AUDIENCES, NOT_GIVEN]},
    },
    "passport": {
        "name": "passport",
        "in": "query",
        "required": False,
        "description": "Whether the visitor has a Danish passport; narrows the ways to get MitID.",
        "schema": {"type": "string", "enum": ["yes", "no", NOT_GIVEN]},
    },
    "smartphone": {
        "name": "smartphone",
        "in": "query",
        "required": False,
        "description": "Whether the visitor has a smartphone; narrows the ways to get MitID.",
        "schema": {"type": "string", "enum": ["yes", "no", NOT_GIVEN]},
    },
    "lang": {
        "name": "lang",
        "in": "query",
        "required": False,
        "description": "Language of labels and texts. Default: by Accept-Language, else en.",
        "schema": {"type": "string", "enum": [*LANGUAGES, NOT_GIVEN]},
    },
}

SCHEMAS = {
    "Milestone": {
        "type": "object",
        "required": ["date", "audience", "status", "status_label", "title", "summary", "url"],
        "properties": {
            "date": DATE,
            "audience": {"type": "string", "enum": AUDIENCES},
            "status": {"type": "string", "enum": STATUSES},
            "status_label": {"type": "string"},
            "title": {"type": "string"},
            "summary": {"type": "string"},
            "what_to_do": {"type": "array", "items": {"type": "string"}},
            "date_note": _nullable({"type": "string"}),
            "source_url": _nullable({"type": "string", "format": "uri"}),
            "url": {"type": "string", "format": "uri", "description": "The advice page."},
            "passed": {"type": "boolean", "description": "On or before the asked date."},
        },
    },
    "EnrollmentOption": {
        "type": "object",
        "required": ["slug", "name", "summary", "requirements", "url"],
        "properties": {
            "slug": {"type": "string"},
            "name": {"type": "string"},
            "summary": {"type": "string"},
            "steps": {"type": "array", "items": {"type": "string"}},
            "requirements": {"type": "array", "items": {"type": "string"}},
            "requirement_codes": {"type": "array", "items": {"type": "string"}},
            "available_from": _nullable(DATE),
            "available_until": _nullable(DATE),
            "url": _nullable({"type": "string", "format": "uri"}),
        },
    },
    "Status": {
        "type": "object",
        "required": [
            "date",
            "audience",
            "lang",
            "nemid",
            "next_milestone",
            "milestones",
            "enrollment_options",
        ],
        "properties": {
            "date": DATE,
            "is_today": {"type": "boolean"},
            "audience": {"type": "string", "enum": AUDIENCES},
            "lang": {"type": "string", "enum": LANGUAGES},
            "nemid": {
                "type": "object",
                "required": ["status", "label", "since"],
                "properties": {
                    "status": {"type": "string", "enum": STATUSES},
                    "label": {"type": "string"},
                    "summary": {"type": "string"},
                    "since": _nullable(DATE),
                },
            },
            "next_milestone": _nullable(
                {
                    "type": "object",
                    "required": ["date", "status", "title"],
                    "properties": {
                        "date": DATE,
                        "status": {"type": "string", "enum": STATUSES},
                        "title": {"type": "string"},
                    },
                }
            ),
            "actions": {"type": "array", "items": {"type": "string"}},
            "milestones": {"type": "array", "items": {"$ref": "#/components/schemas/Milestone"}},
            "enrollment_options": {
                "type": "array",
                "items": {"$ref": "#/components/schemas/EnrollmentOption"},
            },
            "unsuitable_options": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["slug", "name", "missing"],
                    "properties": {
                        "slug": {"type": "string"},
                        "name": {"type": "string"},
                        "missing": {"type": "array", "items": {"type": "string"}},
                        "missing_codes": {"type": "array", "items": {"type": "string"}},
                    },
                },
            },
            "self_services": {"type": "array", "items": {"type": "string"}},
            "situation": {
                "type": "object",
                "properties": {
                    "passport": _nullable({"type": "boolean"}),
                    "smartphone": _nullable({"type": "boolean"}),
                },
            },
            "url": {"type": "string", "format": "uri"},
        },
    },
    "MilestoneList": {
        "type": "object",
        "required": ["lang", "audience", "milestones"],
        "properties": {
            "lang": {"type": "string", "enum": LANGUAGES},
            "audience": _nullable({"type": "string", "enum": AUDIENCES}),
            "milestones": {"type": "array", "items": {"$ref": "#/components/schemas/Milestone"}},
        },
    },
    "Error": {
        "type": "object",
        "required": ["error", "field", "errors"],
        "properties": {
            "error": {"type": "string", "description": "What is wrong, for people."},
            "field": {"type": "string", "description": "The first parameter that is wrong."},
            "errors": {
                "type": "object",
                "additionalProperties": {"type": "array", "items": {"type": "string"}},
            },
            "accepted": {"type": "object"},
        },
    },
}


def _json(schema: str, description: str) -> dict:
    return {
        "description": description,
        "headers": {
            "Access-Control-Allow-Origin": {"schema": {"type": "string", "const": "*"}},
        },
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }


def openapi_document(server_url: str) -> dict:
    """The OpenAPI 3.1 document, with this server's address."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "eID guide API",
            "version": "1.0.0",
            "description": (
                "NemID's status on any date and the ways to get MitID, as JSON: the same "
                "answers as the eID guide pages. Read-only, open to every origin, no key."
            ),
        },
        "servers": [{"url": server_url.rstrip("/")}],
        "paths": {
            "/api/v1/status": {
                "get": {
                    "operationId": "status",
                    "summary": "NemID's status on a date, and what to do",
                    "parameters": [
                        {"$ref": f"#/components/parameters/{name}"}
                        for name in ("date", "audience", "passport", "smartphone", "lang")
                    ],
                    "responses": {
                        "200": _json("Status", "The answer for the date."),
                        "400": _json("Error", "A parameter is wrong; the body says which."),
                    },
                }
            },
            "/api/v1/milestones": {
                "get": {
                    "operationId": "milestones",
                    "summary": "Every published milestone of NemID's phase-out",
                    "parameters": [
                        {"$ref": "#/components/parameters/audience_filter"},
                        {"$ref": "#/components/parameters/lang"},
                    ],
                    "responses": {
                        "200": _json("MilestoneList", "The milestones, oldest first."),
                        "400": _json("Error", "A parameter is wrong; the body says which."),
                    },
                }
            },
        },
        "components": {"parameters": PARAMETERS, "schemas": SCHEMAS},
    }
