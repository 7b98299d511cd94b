from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "balai.complaints"
    label = "complaints"
    verbose_name = _("Complaints")

    def ready(self) -> None:
        from balai.audit.registry import register

        # Registers the consumers of domain events (complaint.updated).
        from balai.complaints import tasks  # noqa: F401
        from balai.complaints.scopes import register as register_scopes

        register_scopes()

        import datetime as dt

        from balai.core.scheduler import register_job

        register_job(
            "complaints.sweep",
            every=dt.timedelta(minutes=15),
            command="complaints_sweep",
            description="Escalate overdue complaints, close unanswered responses, cancel unconfirmed complaints.",
        )

        register("complaint.submitted", _("Complaint filed"))
        register("complaint.contact_confirmed", _("Complaint contact confirmed"))
        register("complaint.dispatched", _("Complaint dispatched to an agency"))
        register("complaint.marked_duplicate", _("Complaint marked as a duplicate"))
        register("complaint.transferred", _("Complaint transferred to another agency"))
        register("complaint.info_added", _("Information added to a complaint"))
        register("complaint.accepted", _("Complaint response accepted"))
        register("complaint.reopened", _("Complaint reopened"))
        register("complaint.rated", _("Complaint handling rated"))
        register("complaint.escalated", _("Overdue complaint escalated"))
        register("complaint.followed", _("Complaint followed"))
        register("complaint.settings_changed", _("Complaint settings changed"))
