"""The site's URLs plus one that fails, to see the 500 page as a visitor would."""

from django.urls import path

from eidguide.urls import urlpatterns as site_urlpatterns


def fail(request):
    raise RuntimeError("a deliberate failure for the 500-page test")


urlpatterns = [path("fail/", fail), *site_urlpatterns]
