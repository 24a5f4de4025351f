"""What really goes over the wire for 304 and HEAD, from gunicorn as production runs it.

Django's test client drops the body of every 304 and HEAD response itself, so an "empty body"
assertion through it cannot fail. Here a raw socket reads every byte the server sends until it
closes the connection.
"""

import json
import socket

import pytest

from tools.serve import gunicorn, prepare, production_env

pytestmark = pytest.mark.slow

URLS = [
    "/en/?date=2023-07-01",
    "/da/timeline/",
    "/api/v1/status?date=2023-07-01",
    "/api/v1/milestones",
    "/milestones.ics",
]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    database = tmp_path_factory.mktemp("wire-db") / "db.sqlite3"
    env = production_env(DATABASE_URL=f"sqlite:///{database}")
    prepare(env)
    with gunicorn(env, workers=1) as running:
        host, port = running.url.removeprefix("http://").split(":")
        yield host, int(port)


def exchange(server, method: str, path: str, **headers) -> tuple[int, dict[str, str], bytes]:
    """Send one HTTP/1.1 request; the status, the headers and every byte after them."""
    lines = [
        f"{method} {path} HTTP/1.1",
        "Host: 127.0.0.1",
        "X-Forwarded-Proto: https",
        "Connection: close",
        *(f"{name.replace('_', '-')}: {value}" for name, value in headers.items()),
    ]
    raw = b""
    with socket.create_connection(server, timeout=30) as connection:
        connection.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        for _ in range(10_000):
            chunk = connection.recv(65536)
            if not chunk:
                break
            raw += chunk
    head, separator, body = raw.partition(b"\r\n\r\n")
    assert separator, raw[:300]
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    fields = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        fields[name.strip().lower()] = value.strip()
    return int(status_line.split()[1]), fields, body


@pytest.mark.parametrize("url", URLS)
def test_a_304_sends_no_body_over_the_wire(server, url):
    status, headers, body = exchange(server, "GET", url)
    assert status == 200
    assert len(body) == int(headers["content-length"]) > 0
    status, again, body = exchange(server, "GET", url, If_None_Match=headers["etag"])
    assert status == 304
    assert body == b""
    assert again["etag"] == headers["etag"]
    assert again.get("content-length", "0") == "0"


@pytest.mark.parametrize("url", URLS)
def test_head_sends_the_headers_without_the_body_over_the_wire(server, url):
    status, full, full_body = exchange(server, "GET", url)
    assert status == 200
    status, headers, body = exchange(server, "HEAD", url)
    assert status == 200
    assert body == b""
    assert headers["etag"] == full["etag"]
    assert headers["content-type"] == full["content-type"]
    assert headers["content-length"] == str(len(full_body))


def dechunked(body: bytes) -> bytes:
    """A chunked body's bytes (RFC 9112, 7.1)."""
    data = b""
    while True:
        size, _, body = body.partition(b"\r\n")
        length = int(size.split(b";")[0], 16)
        if not length:
            return data
        data, body = data + body[:length], body[length + 2 :]


@pytest.mark.parametrize(
    ("query", "headers", "status"),
    [
        ("date=" + "1" * 6000, {}, 414),  # past gunicorn's old 4,094-byte request line
        ("", {f"X-Extra-{n}": "1" for n in range(120)}, 431),  # past its old 50 fields
    ],
    ids=["a long address", "many headers"],
)
def test_gunicorn_lets_the_app_refuse_in_the_apis_shape(server, query, headers, status):
    """gunicorn's own refusals are bare HTML; its limits sit above the app's, so a request the
    edge lets through is refused by the app: JSON in the documented shape, with the security
    headers."""
    answer, fields, body = exchange(server, "GET", f"/api/v1/status?{query}", **headers)
    if fields.get("transfer-encoding") == "chunked":
        body = dechunked(body)
    assert answer == status
    assert fields["content-type"] == "application/json"
    assert json.loads(body)["status"] == status
    assert fields["x-frame-options"] == "DENY"
    assert "content-security-policy" in fields
