"""Background work of the taxes app: thin wrappers around the services (idempotent, safe to run twice)."""

from __future__ import annotations

from django_tasks import task


@task()
def generate_sppt(run_id: int) -> str:
    """Work through one SPPT generation run (resumes where a stopped worker left it)."""
    from balai.taxes.services import generation_execute

    run = generation_execute(run_id=run_id)
    return f"{run.status}:{run.created_count}/{run.done}"


@task()
def generate_levy_charges(year: int, month: int) -> str:
    """Charge one month to every running levy subscription (the monthly job; see ``manage.py levy_generate``)."""
    from balai.taxes.services import levy_charges_generate

    result = levy_charges_generate(actor=None, year=year, month=month)
    return f"created:{result.created},failed:{len(result.failed)}"
