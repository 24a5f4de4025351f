"""The public contract of URLs (SPEC.md, "URLs")."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import path

from guidance import views

urlpatterns = [
    path("", views.choose_language, name="choose-language"),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    *i18n_patterns(
        path("", views.advice, name="advice"),
        path("timeline/", views.timeline, name="timeline"),
        path("accessibility/", views.accessibility, name="accessibility"),
    ),
]
