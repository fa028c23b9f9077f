from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = _("Programs")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from programs.panels import funding_panel
        from startups.panels import application_panel_register

        application_panel_register(funding_panel)
