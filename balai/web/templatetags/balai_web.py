"""Template helpers of the design system: ``{% load balai_web %}``."""

from __future__ import annotations

from django import forms, template
from django.core.paginator import Page
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def error_anchor(bound_field: forms.BoundField) -> str:
    """The id the error summary links to: the first input of a group, else the field itself."""
    widget = bound_field.field.widget
    auto_id = bound_field.auto_id
    if isinstance(widget, forms.MultiWidget) or (
        isinstance(widget, forms.widgets.ChoiceWidget) and getattr(widget, "input_type", "") in {"radio", "checkbox"}
    ):
        return f"{auto_id}_0"
    return auto_id


@register.filter
def summary_label(bound_field: forms.BoundField) -> str:
    """The field's label as the error summary prefixes it ("Label: error"): a label written as a sentence
    (a checkbox's "I accept the terms.") loses its closing full stop so it does not read "terms.: ..."."""
    return str(bound_field.label or "").rstrip().rstrip(".:")


@register.filter
def is_checkbox(bound_field: forms.BoundField) -> bool:
    """A single yes/no checkbox: its label goes after the box, not above it."""
    return isinstance(bound_field.field.widget, forms.CheckboxInput)


@register.filter
def has_required_fields(form: forms.BaseForm) -> bool:
    return any(field.field.required for field in form.visible_fields())


@register.simple_tag
def page_range(page_obj: Page, on_each_side: int = 2, on_ends: int = 1) -> list[object]:
    """Page numbers with ellipses for long lists: 1 … 4 5 [6] 7 8 … 20."""
    return list(page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=on_each_side, on_ends=on_ends))


def _option_attrs(attrs: dict[str, object]) -> str:
    out = []
    for name, value in attrs.items():
        if value is False or value is None:
            continue
        out.append(format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value))
    return "".join(out)


@register.filter
def select_options(optgroups: list[tuple[object, list[dict[str, object]], int]]) -> str:
    """The ``<option>`` elements of a select widget, built in Python: the template loop cost ~30 µs per
    option and the worklist's filters alone have sixty."""
    parts: list[str] = []
    for group_name, options, _index in optgroups:
        if group_name:
            parts.append(format_html('<optgroup label="{}">', group_name))
        for option in options:
            parts.append(
                format_html(
                    '<option value="{}"{}>{}</option>',
                    str(option["value"]),
                    mark_safe(_option_attrs(option["attrs"])),  # noqa: S308 - built with format_html above
                    option["label"],
                )
            )
        if group_name:
            parts.append("</optgroup>")
    return mark_safe("\n".join(parts))  # noqa: S308 - every part is escaped by format_html
