from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings


class AccountAdapter(DefaultAccountAdapter):
    """Allauth's hooks: account e-mails carry the portal's name."""

    def send_mail(self, template_prefix, email, context):
        context = {**context, "portal_name": settings.PORTAL_NAME}
        return super().send_mail(template_prefix, email, context)
