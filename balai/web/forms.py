"""Form rendering for the design system: every form field gets its label, hint and error in one
accessible template (``web/forms/field.html``); forms render an error summary first.

The renderer carries its own template engine (Django's form templates plus ours, ours first) so it does
not depend on ``django.forms`` being in INSTALLED_APPS, and our overrides of Django's widget templates
(``balai/web/templates/django/forms/widgets/``) win over the built-in ones.
"""

from __future__ import annotations

from pathlib import Path

import django
from django.forms.renderers import DjangoTemplates as DjangoTemplatesRenderer
from django.utils.functional import cached_property

WEB_TEMPLATES = Path(__file__).resolve().parent / "templates"
DJANGO_FORM_TEMPLATES = Path(django.__file__).resolve().parent / "forms" / "templates"


class BalaiFormRenderer(DjangoTemplatesRenderer):
    form_template_name = "web/forms/form.html"
    field_template_name = "web/forms/field.html"

    @cached_property
    def engine(self):  # type: ignore[override]
        return self.backend(
            {
                "APP_DIRS": True,
                "DIRS": [WEB_TEMPLATES, DJANGO_FORM_TEMPLATES],
                "NAME": "balaiforms",
                "OPTIONS": {},
            }
        )
