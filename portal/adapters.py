from types import SimpleNamespace

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site

from portal.languages import language_at_login, language_cookie_set


class AccountAdapter(DefaultAccountAdapter):
    """Allauth's hooks: account e-mails carry the portal's name; login settles the language."""

    def send_mail(self, template_prefix, email, context):
        # allauth's texts greet from `current_site.name`, which without
        # django.contrib.sites is the host name: say the portal's name instead.
        site = get_current_site(allauth_context.request)
        context = {
            "current_site": SimpleNamespace(name=settings.PORTAL_NAME, domain=site.domain),
            **context,
            "portal_name": settings.PORTAL_NAME,
        }
        return super().send_mail(template_prefix, email, context)

    def post_login(self, request, user, **kwargs):
        # Before allauth writes "Successfully signed in": the message must be
        # in the language of the page the user lands on (portal.languages).
        language = language_at_login(request=request, user=user)
        response = super().post_login(request, user, **kwargs)
        language_cookie_set(response, language)
        return response
