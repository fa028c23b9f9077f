"""The portal's admin site: Django's, with panels that apps add to the home page.

A panel is a callable(request) returning None (nothing to show this user)
or a (template name, context) pair; the programs app adds the reviewer's
queue this way, so the portal need not know about reviewing.
"""

from collections.abc import Callable

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
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

    def login(self, request, extra_context=None):
        """Staff sign in through allauth like everyone else, never through this form.

        allauth's login applies ACCOUNT_RATE_LIMITS (per address and per
        account, counted in the shared cache) and then asks for the second
        factor; Django's admin form does neither. Nothing posted here is
        ever checked.
        """
        next_url = request.GET.get(REDIRECT_FIELD_NAME, "")
        if not url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            next_url = reverse("admin:index", current_app=self.name)
        if request.user.is_authenticated:
            if self.has_permission(request):
                return redirect(next_url)
            # Signed in, but not staff: sending them to the login page would
            # bounce straight back here.
            messages.error(request, _("Your account has no access to the administration."))
            return redirect("home")
        return redirect_to_login(next_url, reverse("account_login"))

    def index(self, request, extra_context=None):
        panels = []
        for panel in self.index_panels:
            result = panel(request)
            if result is not None:
                template, context = result
                panels.append(render_to_string(template, context, request=request))
        return super().index(request, {**(extra_context or {}), "portal_panels": panels})

    def get_urls(self):
        # Django's "view on site" shortcut answers any staff user whether an
        # object exists (redirect or 404); ours answers only for what the
        # user may see in this admin.
        guarded = path(
            "r/<path:content_type_id>/<path:object_id>/",
            self.admin_view(self.view_on_site),
            name="view_on_site",
        )
        from portal.job_views import job_progress_view, job_status_view

        jobs = [
            path(
                "jobs/<int:job_id>/",
                self.admin_view(lambda request, job_id: job_progress_view(self, request, job_id)),
                name="job_progress",
            ),
            path(
                "jobs/<int:job_id>/status/",
                self.admin_view(lambda request, job_id: job_status_view(self, request, job_id)),
                name="job_status",
            ),
        ]
        return jobs + [
            guarded if getattr(pattern, "name", None) == "view_on_site" else pattern
            for pattern in super().get_urls()
        ]

    def view_on_site(self, request, content_type_id, object_id):
        """Redirect to the object's public page if this user may see the object here.

        An object of an unregistered model, outside the model admin's queryset
        for this user, without view permission on it, or without a page of
        its own gets the same bare 404 as an id that does not exist.
        """
        from django.contrib.contenttypes.models import ContentType
        from django.contrib.contenttypes.views import shortcut

        try:
            model = ContentType.objects.get_for_id(int(content_type_id)).model_class()
        except (ContentType.DoesNotExist, ValueError):
            raise Http404 from None
        model_admin = self._registry.get(model)
        if model_admin is None or not model_admin.view_on_site:
            raise Http404
        obj = model_admin.get_object(request, unquote(object_id))
        if (
            obj is None
            or not model_admin.has_view_or_change_permission(request, obj)
            or not hasattr(obj, "get_absolute_url")
        ):
            raise Http404
        return shortcut(request, content_type_id, obj.pk)
