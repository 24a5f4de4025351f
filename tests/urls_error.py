"""The site's URLs and error handlers plus one page that fails, to see the 500 page as a visitor
would."""

from django.urls import path

from eidguide.urls import handler400, handler404, handler500
from eidguide.urls import urlpatterns as site_urlpatterns


def fail(request):
    raise RuntimeError("a deliberate failure for the 500-page test")


urlpatterns = [path("fail/", fail), *site_urlpatterns]
__all__ = ["handler400", "handler404", "handler500", "urlpatterns"]
