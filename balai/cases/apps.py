from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "balai.cases"
    label = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from balai.audit.registry import register

        register("case.submitted", _("Application submitted"))
        register("case.transitioned", _("Case status changed"))
        register("case.assigned", _("Case assigned"))
        register("case.note_added", _("Note added to a case"))
        register("case.replied", _("Applicant replied on a case"))
        register("case.document_downloaded", _("Opened a document of a case"))
        register("case.deadline_extended", _("Time limit of a case extended"))
        register("case.draft_created", _("Application draft started"))
        register("case.draft_saved", _("Application draft saved"))
        register("case.draft_deleted", _("Application draft deleted"))
