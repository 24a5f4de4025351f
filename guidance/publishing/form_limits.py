"""Room for the admin's bulk edit, while the public limits stay as they are.

``DATA_UPLOAD_MAX_NUMBER_FIELDS`` (200) protects the public pages; the admin's list of
self-services sends about three fields a row, so a bulk edit of a few hundred rows needs more.
This middleware parses form posts to the admin with a higher, still bounded, limit before the CSRF
check reads them; every other request keeps Django's own parsing and the settings' limit.
"""

from urllib.parse import parse_qsl

from django.conf import settings
from django.core.exceptions import TooManyFieldsSent
from django.http import QueryDict
from django.utils.datastructures import MultiValueDict

ADMIN_PREFIX = "/admin/"


class AdminFormLimitsMiddleware:
    """Parses urlencoded POSTs to the admin with ``ADMIN_DATA_UPLOAD_MAX_NUMBER_FIELDS``."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.max_fields = settings.ADMIN_DATA_UPLOAD_MAX_NUMBER_FIELDS

    def __call__(self, request):
        if (
            request.method == "POST"
            and request.path.startswith(ADMIN_PREFIX)
            and request.content_type == "application/x-www-form-urlencoded"
        ):
            request._post = self.parse(request.body)  # the body's size limit still holds
            request._files = MultiValueDict()
        return self.get_response(request)

    def parse(self, body: bytes) -> QueryDict:
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
