from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = _("Programs")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from programs.panels import feedback_panel, funding_panel
        from startups.panels import application_panel_register

        application_panel_register(funding_panel)
        application_panel_register(feedback_panel)

        # The public program pages are cached; a saved program or criterion ends them.
        from django.db.models.signals import post_delete, post_save

        from programs.public_pages import public_pages_invalidate
        from startups.models import Criterion, Program

        for model in (Program, Criterion):
            for signal in (post_save, post_delete):
                signal.connect(
                    public_pages_invalidate, sender=model, dispatch_uid=f"public-{model}"
                )

        # The results pages sum the awards and the ledger: a new award or
        # ledger entry (a payment or a reversal, only ever inserted) ends them.
        from programs.models import Award, Disbursement

        for model in (Award, Disbursement):
            post_save.connect(
                public_pages_invalidate, sender=model, dispatch_uid=f"public-results-{model}"
            )
