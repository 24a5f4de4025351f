"""Protections that wrap every response, static files and error pages included."""

from django.conf import settings
from django.http import HttpResponse

MAX_QUERY_STRING = 2048
MAX_HEADER_VALUE = 8192


class RequestLimitsMiddleware:
    """Refuses oversized input before anything parses it: a clear 414 or 431, never a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if len(request.META.get("QUERY_STRING", "")) > MAX_QUERY_STRING:
            return HttpResponse(
                f"The address is too long: at most {MAX_QUERY_STRING} characters after the “?”.",
                status=414,
                content_type="text/plain; charset=utf-8",
            )
        for name, value in request.META.items():
            if (
                name.startswith("HTTP_")
                and isinstance(value, str)
                and len(value) > MAX_HEADER_VALUE
            ):
                header = name[5:].replace("_", "-").title()
                return HttpResponse(
                    f"The {header} header is too long: at most {MAX_HEADER_VALUE} characters.",
                    status=431,
                    content_type="text/plain; charset=utf-8",
                )
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """Headers Django sets only on some responses, or not at all, set on every response."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.permissions_policy = settings.PERMISSIONS_POLICY

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.permissions_policy)
        response.headers.setdefault("X-Frame-Options", settings.X_FRAME_OPTIONS)
        return response
