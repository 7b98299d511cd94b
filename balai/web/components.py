"""The component catalogue shown on /kantor/komponen/: each example is a small template under
``web/components/`` that the page renders live and shows as source, so the two never drift apart."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.template import loader
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Component:
    slug: str
    title: str | Promise
    description: str | Promise


COMPONENTS = [
    Component("typography", _("Typography"), _("Headings, lead paragraph, body text, links, muted and small text.")),
    Component(
        "buttons",
        _("Buttons"),
        _(
            "Primary for the main action of a page (one per page), secondary for other actions, warning for "
            "actions that delete or cannot be undone, and a button that looks like a link for small POST "
            'actions. Use <a class="button"> for navigation and <button> for form submission.'
        ),
    ),
    Component(
        "fields",
        _("Form fields"),
        _(
            "Render a whole Django form with {{ form }}: the error summary, then every field with its label, "
            "hint, error, required marker, aria-describedby and aria-invalid. Checkbox and radio groups get a "
            "fieldset with a legend. Render one field with {{ form.field_name.as_field_group }}."
        ),
    ),
    Component(
        "notices",
        _("Notices"),
        _("Info, success, warning and error. Include web/includes/notice.html with kind, title and text."),
    ),
    Component(
        "tags",
        _("State tags"),
        _("The state of a case or bill. Include web/includes/tag.html with state (the colour) and label."),
    ),
    Component(
        "tables",
        _("Tables"),
        _(
            "Wrap tables in .table-wrap so wide tables scroll; add .table--stack and data-label on cells to "
            "stack rows on small screens. Right-align numbers with .num."
        ),
    ),
    Component(
        "summary-list",
        _("Summary list"),
        _("Key/value pairs such as the details of an application. Include web/includes/summary_list.html."),
    ),
    Component("cards", _("Cards"), _("A grid of links to services or sections; the whole card is the target.")),
    Component(
        "breadcrumbs",
        _("Breadcrumbs"),
        _("Put them in the breadcrumbs block; include web/includes/breadcrumbs.html with (label, url) pairs."),
    ),
    Component(
        "pagination",
        _("Pagination"),
        _(
            "Include web/includes/pagination.html with a Django page_obj; other query parameters (search, "
            "filters) are kept."
        ),
    ),
    Component("search", _("Search box"), _("A GET form with a labelled input and a button on one row.")),
    Component(
        "layout",
        _("Page layout"),
        _(
            "Extend web/base.html. Blocks: title, head (extra link or script tags from files, never inline), "
            "breadcrumbs, main_class and content. One h1 per page."
        ),
    ),
]


def component_examples() -> list[dict[str, object]]:
    """Each component with the name and the source text of its example template."""
    examples = []
    for component in COMPONENTS:
        name = f"web/components/{component.slug}.html"
        source = loader.get_template(name).template.source.strip()
        examples.append({"component": component, "template": name, "source": source})
    return examples


class ComponentDemoForm(forms.Form):
    """Every kind of widget, for the components page."""

    full_name = forms.CharField(
        label=_("Full name"), max_length=100, help_text=_("As written on your identity card (KTP).")
    )
    email = forms.EmailField(label=_("E-mail address"), help_text=_("We send the receipt here."))
    nik = forms.CharField(
        label=_("NIK"),
        min_length=16,
        max_length=16,
        help_text=_("16 digits, on your KTP."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    district = forms.ChoiceField(
        label=_("District"),
        choices=[("", _("Choose a district")), ("1", "Kecamatan Satu"), ("2", "Kecamatan Dua")],
    )
    channel = forms.ChoiceField(
        label=_("How should we contact you?"),
        choices=[("email", _("E-mail")), ("sms", _("SMS")), ("whatsapp", _("WhatsApp"))],
        widget=forms.RadioSelect,
    )
    topics = forms.MultipleChoiceField(
        label=_("Topics you are interested in"),
        required=False,
        choices=[("health", _("Health")), ("education", _("Education")), ("roads", _("Roads"))],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose any number."),
    )
    birth_date = forms.DateField(label=_("Date of birth"), widget=forms.DateInput(attrs={"type": "date"}))
    message = forms.CharField(label=_("Message"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    attachment = forms.FileField(label=_("Attachment"), required=False, help_text=_("PDF or JPG, at most 2 MB."))
    agree = forms.BooleanField(label=_("I confirm that the data is correct"))
