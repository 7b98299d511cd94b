"""Create the complaint workflow (states and transitions as data) when it does not exist yet."""

from django.db import migrations


def create_workflow(apps, schema_editor):
    from balai.complaints.workflows import ensure_complaint_workflow

    ensure_complaint_workflow(
        models=(
            apps.get_model("cases", "Workflow"),
            apps.get_model("cases", "WorkflowState"),
            apps.get_model("cases", "WorkflowTransition"),
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0001_initial"),
        ("cases", "0005_channel_open311"),
    ]

    operations = [migrations.RunPython(create_workflow, migrations.RunPython.noop)]
