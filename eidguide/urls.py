"""Every address the site answers (the table in README.md lists the public ones)."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import path

from guidance.opendata import api, calendar, feeds
from guidance.pages import views
from guidance.pages.sitemaps import PublicPages
from guidance.publishing import review as admin_review

urlpatterns = [
    path("", views.choose_language, name="choose-language"),
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots-txt"),
    path("sitemap.xml", sitemap, {"sitemaps": {"pages": PublicPages}}, name="sitemap"),
    path(".well-known/security.txt", views.security_txt_view, name="security-txt"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("api/v1/badge", api.badge, name="api-badge"),
    path("api/v1/status", api.status, name="api-status"),
    path("api/v1/milestones", api.milestones, name="api-milestones"),
    path("api/v1/openapi.json", api.openapi, name="api-openapi"),
    path("milestones.ics", calendar.milestones_ics, name="milestones-ics"),
    path("admin/review-due/", admin_review.review_due_view, name="admin-review-due"),
    path("admin/", admin.site.urls),
    *i18n_patterns(
        path("", views.advice, name="advice"),
        path("timeline/", views.timeline, name="timeline"),
        path("accessibility/", views.accessibility, name="accessibility"),
        path("about/", views.about, name="about"),
        path("api/", views.api_docs, name="api-docs"),
        path("updates/", feeds.updates, name="updates"),
        path("updates.atom", feeds.updates_feed, name="updates-atom"),
        path("badge.svg", views.badge, name="badge"),
        path("embed/", views.embed, name="embed"),
        path("share/", views.share, name="share"),
    ),
]

# Errors are JSON in the API's error shape under /api/ and on the feed, pages elsewhere.
handler400 = "guidance.opendata.api.bad_request"
handler404 = "guidance.opendata.api.page_not_found"
handler500 = "guidance.opendata.api.server_error"
