"""Form rendering for the design system: every form field gets its label, hint and error in one
accessible template (``web/forms/field.html``); forms render an error summary first."""

from django.forms.renderers import TemplatesSetting


class BalaiFormRenderer(TemplatesSetting):
    form_template_name = "web/forms/form.html"
    field_template_name = "web/forms/field.html"
