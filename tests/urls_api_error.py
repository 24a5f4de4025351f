"""The site's URLs plus an API address that fails, to see the API's 500 as a client would."""

from django.urls import path

from eidguide.urls import handler400, handler404, handler500
from eidguide.urls import urlpatterns as site_urlpatterns
from guidance.opendata.api import read_only


@read_only
def fail(request):
    raise RuntimeError("a deliberate failure for the API's 500 test")


urlpatterns = [path("api/v1/fail", fail), *site_urlpatterns]
__all__ = ["handler400", "handler404", "handler500", "urlpatterns"]
