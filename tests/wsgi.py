"""One request through the WSGI application as a server calls it, every byte of the body kept.

Django's test client drops the body of HEAD, 204 and 304 responses itself, so an "empty body"
assertion through it cannot fail. A WSGI server sends what the application's iterable yields;
here that iterable is read whole. (tests/deploy/test_wire.py reads the socket of a real gunicorn;
this is the fast check, run by `make mutate` too.)
"""

from contextlib import contextmanager
from dataclasses import dataclass
from io import BytesIO
from urllib.parse import urlsplit

from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def __getitem__(self, name: str) -> str:
        return self.headers[name.lower()]


@contextmanager
def connections_kept():
    """As the test client does: a request's start and end must not close the connection that
    holds the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def call(method: str, url: str, headers: dict[str, str] | None = None) -> Answer:
    """`method url` over HTTPS (behind the TLS proxy) to the host "testserver"."""
    parts = urlsplit(url)
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": parts.path,
        "QUERY_STRING": parts.query,
        "SCRIPT_NAME": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "testserver",
        "HTTP_X_FORWARDED_PROTO": "https",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": BytesIO(),
        "wsgi.errors": BytesIO(),
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    environ |= {
        "HTTP_" + name.upper().replace("-", "_"): value for name, value in (headers or {}).items()
    }
    started = {}

    def start_response(status, response_headers, exc_info=None):
        started["status"] = int(status.split()[0])
        started["headers"] = {name.lower(): value for name, value in response_headers}

    with connections_kept():
        iterable = WSGIHandler()(environ, start_response)
        try:
            body = b"".join(iterable)
        finally:
            iterable.close()
    return Answer(started["status"], started["headers"], body)
