"""The portal's admin site: Django's, with panels that apps add to the home page.

A panel is a callable(request) returning None (nothing to show this user)
or a (template name, context) pair; the programs app adds the reviewer's
queue this way, so the portal need not know about reviewing.
"""

from collections.abc import Callable

from django.contrib import admin, messages
from django.contrib.admin.options import InlineModelAdmin
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.admin.widgets import AutocompleteSelect
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
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

    def autocomplete_view(self, request):
        return PortalAutocompleteJsonView.as_view(admin_site=self)(request)

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


class PortalAutocompleteJsonView(AutocompleteJsonView):
    """The admin's autocomplete, answering only for a form this user may fill.

    Django's view asks one question, "may the user view the target model?",
    and then searches every row of it: any staff user with that permission
    could query any foreign key to it, and a manager (who may not open the
    user list) could not pick a reviewer. Here the admin that owns the form
    decides:

    - the field must be in that admin's (or inline's) `autocomplete_fields`,
      and the user must be allowed to fill the form (add or change
      permission); anything else is refused (403) before any row is read;
    - the results are the rows the form itself would accept (its field's
      queryset, e.g. only reviewers, only selected applications without an
      award), within the target admin's `get_queryset` for this user (the
      rows its changelist shows them), searched with the target admin's
      `get_search_fields` for this user;
    - each result is labelled as the form labels its choices.
    """

    def process_request(self, request):
        term, model_admin, source_field, to_field_name = super().process_request(request)
        self.source_admin = self._source_admin(request, source_field.model)
        if self.source_admin is None:
            raise PermissionDenied
        self.form_field = self._form_field(request, source_field.name)
        return term, model_admin, source_field, to_field_name

    def _source_admin(self, request, model):
        """The model admin, or a registered admin's inline, whose form holds the field."""
        if model in self.admin_site._registry:
            return self.admin_site._registry[model]
        for parent in self.admin_site._registry.values():
            for inline in parent.get_inline_instances(request):
                if inline.model is model:
                    return inline
        return None

    def _form_field(self, request, name):
        source = self.source_admin
        if isinstance(source, InlineModelAdmin):
            form_class = source.get_formset(request).form
        else:
            form_class = source.get_form(request)
        return form_class().fields.get(name)

    def has_perm(self, request, obj=None):
        source, name = self.source_admin, self.source_field.name
        if name not in source.get_autocomplete_fields(request) or self.form_field is None:
            return False
        widget = self.form_field.widget
        if not isinstance(getattr(widget, "widget", widget), AutocompleteSelect):
            return False  # declared, but the form does not offer a search there
        if isinstance(source, InlineModelAdmin):
            return source.has_add_permission(request, None) or source.has_change_permission(request)
        return source.has_add_permission(request) or source.has_change_permission(request)

    def get_queryset(self):
        visible = self.model_admin.get_queryset(self.request).values("pk")
        queryset = self.form_field.queryset.filter(pk__in=visible)
        queryset = queryset.complex_filter(self.source_field.get_limit_choices_to())
        queryset, may_have_duplicates = self.model_admin.get_search_results(
            self.request, queryset, self.term
        )
        if may_have_duplicates:
            queryset = queryset.distinct()
        if not queryset.ordered:
            queryset = queryset.order_by("pk")
        return queryset

    def serialize_result(self, obj, to_field_name):
        return {
            "id": str(getattr(obj, to_field_name)),
            "text": str(self.form_field.label_from_instance(obj)),
        }


def autocomplete_field(form, name: str) -> None:
    """Give a form's foreign-key field the admin's autocomplete widget.

    For forms that a custom admin view builds itself (not through
    `ModelAdmin.get_form`): the admin that owns the view still lists the
    field in `autocomplete_fields`, which is what allows the search.
    """
    field = form.fields[name]
    db_field = form._meta.model._meta.get_field(name)
    field.widget = AutocompleteSelect(db_field, admin.site)
    field.widget.is_required = field.required
    field.widget.choices = field.choices
