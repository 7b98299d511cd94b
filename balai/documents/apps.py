from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "balai.documents"
    label = "documents"
    verbose_name = _("Documents")

    def ready(self) -> None:
        from balai.audit.registry import register

        register("document.template_saved", _("Document template saved"))
        register("document.issued", _("Document issued"))
        register("document.revoked", _("Document revoked"))
        register("document.replaced", _("Document replaced by a newer one"))
        register("document.downloaded", _("Issued document downloaded"))
        register("document.signing_profile_saved", _("Signing profile saved"))
        from balai.documents import consumers  # noqa: F401  (registers the event consumers)
