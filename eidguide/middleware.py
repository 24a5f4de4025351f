"""Protections that wrap every response, static files and error pages included."""

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from guidance.opendata.api import accept_language, error_json, is_open_data

MAX_QUERY_STRING = 2048
MAX_HEADER_VALUE = 8192
MAX_HEADERS = 100  # gunicorn takes 200 (gunicorn.conf.py): the app refuses first, in its shape
TOO_LONG_ADDRESS = gettext_noop(
    "The address is too long: at most %(count)s characters after the “?”."
)
TOO_MANY_HEADERS = gettext_noop("Too many headers: send at most %(count)s.")
TOO_LONG_HEADER = gettext_noop("The %(header)s header is too long: at most %(count)s characters.")


class RequestLimitsMiddleware:
    """Refuses oversized input before anything parses it: a clear 414 or 431, never a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if len(request.META.get("QUERY_STRING", "")) > MAX_QUERY_STRING:
            return self.refuse(request, 414, TOO_LONG_ADDRESS, count=MAX_QUERY_STRING)
        # One pass over the headers: how many, and the first that is too long.
        headers, too_long = 0, None
        for name, value in request.META.items():
            if name.startswith("HTTP_"):
                headers += 1
                if too_long is None and isinstance(value, str) and len(value) > MAX_HEADER_VALUE:
                    too_long = name
        if headers > MAX_HEADERS:
            return self.refuse(request, 431, TOO_MANY_HEADERS, count=MAX_HEADERS)
        if too_long:
            header = too_long[5:].replace("_", "-").title()
            return self.refuse(request, 431, TOO_LONG_HEADER, header=header, count=MAX_HEADER_VALUE)
        return self.get_response(request)

    @staticmethod
    def refuse(request, status: int, message: str, **values) -> HttpResponse:
        """The refusal, in the language the request asks for (before LocaleMiddleware has run):
        JSON in the API's error shape on the open data, the site's page elsewhere."""
        if is_open_data(request.path):
            with translation.override(accept_language(request)):
                return error_json(status, _(message) % values)
        language = translation.get_language_from_path(request.path_info)
        with translation.override(language or translation.get_language_from_request(request)):
            return render(request, "refused.html", {"message": _(message) % values}, status=status)


class ExactVaryMiddleware:
    """Lets a view say exactly which request headers its body depends on.

    LocaleMiddleware adds ``Vary: Accept-Language`` to every response outside the language
    prefixes. A view that sets ``response.vary_exactly`` (``guidance.opendata.api.vary_exactly``)
    gets that Vary instead, so the edge and browsers keep one copy where the body is one.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        exact = getattr(response, "vary_exactly", None)
        if exact is not None:
            if exact:
                response["Vary"] = ", ".join(exact)
            elif "Vary" in response:
                del response["Vary"]
        return response


class SecurityHeadersMiddleware:
    """Permissions-Policy, which Django does not set, on every response."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.permissions_policy = settings.PERMISSIONS_POLICY

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.permissions_policy)
        return response
