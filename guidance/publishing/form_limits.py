"""Room for the admin's bulk edit: form posts to /admin/ may carry
``ADMIN_DATA_UPLOAD_MAX_NUMBER_FIELDS`` fields, while every other request keeps Django's parsing
and ``DATA_UPLOAD_MAX_NUMBER_FIELDS``.
"""

from urllib.parse import parse_qsl

from django.conf import settings
from django.core.exceptions import TooManyFieldsSent
from django.http import QueryDict
from django.utils.datastructures import MultiValueDict

ADMIN_PREFIX = "/admin/"


class AdminFormLimitsMiddleware:
    """Parses urlencoded POSTs to the admin, before the CSRF check reads them, with the higher
    limit (the body's size limit still holds)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.max_fields = settings.ADMIN_DATA_UPLOAD_MAX_NUMBER_FIELDS

    def __call__(self, request):
        if (
            request.method == "POST"
            and request.path.startswith(ADMIN_PREFIX)
            and request.content_type == "application/x-www-form-urlencoded"
        ):
            # No public API sets a request's field limit: Django reads the setting as it parses.
            request._post = self.parse(request.body)
            request._files = MultiValueDict()
        return self.get_response(request)

    def parse(self, body: bytes) -> QueryDict:
        """The form's fields, read-only as Django's; TooManyFieldsSent (a 400) past the limit."""
        fields = QueryDict(mutable=True)
        try:
            pairs = parse_qsl(
                body.decode("utf-8", errors="replace"),
                keep_blank_values=True,
                max_num_fields=self.max_fields,
            )
        except ValueError as error:
            raise TooManyFieldsSent(
                f"The admin form sent more than {self.max_fields} fields."
            ) from error
        for key, value in pairs:
            fields.appendlist(key, value)
        fields._mutable = False
        return fields
