from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GuidanceConfig(AppConfig):
    name = "guidance"
    verbose_name = _("eID guidance")

    def ready(self) -> None:
        from guidance import content  # noqa: F401  (connects the cache-invalidation signals)
