# ruff: noqa: E501
"""django-allauth's two-factor pages, messages and e-mails (no Kazakh catalogue upstream).

Never imported: `make messages` finds these strings here and keeps them in
locale/, where LOCALE_PATHS make the portal's translation win over the
package's own (missing or incomplete) Kazakh one. Listed from the package's
English catalogue, restricted to what the portal's pages and e-mails show.
"""

from django.utils.translation import gettext_noop

MSGIDS = (
    gettext_noop("Incorrect code."),
    gettext_noop("Use a security key"),
    gettext_noop("Code"),
    gettext_noop(
        "You cannot add an email address to an account protected by two-factor authentication."
    ),
    gettext_noop("You cannot deactivate two-factor authentication."),
    gettext_noop(
        "You cannot generate recovery codes without having two-factor authentication enabled."
    ),
    gettext_noop(
        "You cannot activate two-factor authentication until you have verified your email address."
    ),
    gettext_noop("Master key"),
    gettext_noop("Backup key"),
    gettext_noop("Key nr. {number}"),
    gettext_noop("MFA"),
    gettext_noop("Recovery codes"),
    gettext_noop("TOTP Authenticator"),
    gettext_noop("WebAuthn"),
    gettext_noop("Authenticator code"),
    gettext_noop("Cancel"),
    gettext_noop("Confirm"),
    gettext_noop("Alternative options"),
    gettext_noop("Sign In"),
    gettext_noop("Remove"),
    gettext_noop("A new set of Two-Factor Authentication recovery codes has been generated."),
    gettext_noop("New Recovery Codes Generated"),
    gettext_noop("Authenticator app activated."),
    gettext_noop("Authenticator App Activated"),
    gettext_noop("Authenticator app deactivated."),
    gettext_noop("Authenticator App Deactivated"),
)
