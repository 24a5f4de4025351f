from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GuidanceConfig(AppConfig):
    name = "guidance"
    verbose_name = _("eID guidance")

    def ready(self) -> None:
        from guidance.publishing import admin  # noqa: F401  (registers the admin's pages)
