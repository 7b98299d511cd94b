"""The audit actions of the foundation (accounts, memberships, organizations, API keys, users).
Later apps register their own in their AppConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from balai.audit.registry import register

FOUNDATION_ACTIONS = {
    "account.signed_in": _("Signed in"),
    "account.sign_in_failed": _("Sign-in failed"),
    "account.signed_out": _("Signed out"),
    "account.registered": _("Registered an account"),
    "account.verified": _("Verified the account"),
    "account.profile_updated": _("Updated the citizen profile"),
    "account.password_changed": _("Changed the password"),
    "account.password_reset": _("Reset the password"),
    "account.email_changed": _("Changed the e-mail address"),
    "account.phone_changed": _("Changed the mobile number"),
    "account.nik_unmasked": _("Viewed an unmasked NIK"),
    "account.data_exported": _("Downloaded personal data"),
    "account.deleted": _("Deleted the account (personal data anonymised)"),
    "account.two_factor_enrolled": _("Set up two-factor authentication"),
    "account.locked_out": _("Locked out after repeated failed sign-ins"),
    "membership.granted": _("Granted a role"),
    "membership.revoked": _("Revoked a role"),
    "membership.role_changed": _("Changed a role"),
    "organization.created": _("Created an organization"),
    "organization.updated": _("Updated an organization"),
    "apikey.created": _("Created an API key"),
    "apikey.revoked": _("Revoked an API key"),
    "user.created": _("Created a user"),
    "user.updated": _("Updated a user"),
}


def register_foundation_actions() -> None:
    for action, label in FOUNDATION_ACTIONS.items():
        register(action, label)
