"""The portal's admin site: Django's, with panels that apps add to the home page.

A panel is a callable(request) returning None (nothing to show this user)
or a (template name, context) pair; the programs app adds the reviewer's
queue this way, so the portal need not know about reviewing.
"""

from collections.abc import Callable

from django.contrib import admin
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

Panel = Callable[[object], tuple[str, dict] | None]


class PortalAdminSite(admin.AdminSite):
    site_header = _("Startup Portal administration")
    site_title = _("Startup Portal")
    index_title = _("Programs, reviewing and funding")
    index_template = "admin/portal_index.html"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.index_panels: list[Panel] = []

    def add_index_panel(self, panel: Panel) -> None:
        self.index_panels.append(panel)

    def index(self, request, extra_context=None):
        panels = []
        for panel in self.index_panels:
            result = panel(request)
            if result is not None:
                template, context = result
                panels.append(render_to_string(template, context, request=request))
        return super().index(request, {**(extra_context or {}), "portal_panels": panels})
