"""The form renderer: every widget gets a label, hint, error, aria links, and the error summary links to it."""

from __future__ import annotations

from django import forms

from balai.web.components import ComponentDemoForm
from balai.web.tests.html import find_all, parse, unlabelled_fields


class SampleForm(forms.Form):
    name = forms.CharField(label="Nama", max_length=10, help_text="Seperti di KTP.")
    kind = forms.ChoiceField(label="Jenis", choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)
    topics = forms.MultipleChoiceField(
        label="Topik", choices=[("x", "X"), ("y", "Y")], widget=forms.CheckboxSelectMultiple, required=False
    )
    district = forms.ChoiceField(label="Kecamatan", choices=[("", "-"), ("1", "Satu")])
    note = forms.CharField(label="Catatan", widget=forms.Textarea, required=False)
    agree = forms.BooleanField(label="Saya setuju")
    token = forms.CharField(widget=forms.HiddenInput, required=False)


def render(form: forms.Form) -> str:
    return str(form)


def test_unbound_form_has_labels_hints_and_no_error_summary():
    html = render(SampleForm())
    page = parse(html)
    assert not unlabelled_fields(page)
    assert 'class="error-summary"' not in html
    name = find_all(page, "input", name="name")[0]
    assert name.attrs["aria-describedby"] == "id_name_helptext"
    assert find_all(page, "p", id="id_name_helptext")
    assert "aria-invalid" not in name.attrs


def test_required_fields_are_marked_and_optional_ones_are_not():
    page = parse(render(SampleForm()))
    labels = {label.attrs.get("for"): label.text for label in find_all(page, "label")}
    assert "*" in labels["id_name"] and "*" in labels["id_agree"]
    assert "*" not in labels["id_note"]


def test_radio_and_checkbox_groups_are_fieldsets_with_a_legend():
    page = parse(render(SampleForm()))
    legends = [legend.text.strip() for legend in find_all(page, "legend")]
    assert any(text.startswith("Jenis") for text in legends)
    assert any(text.startswith("Topik") for text in legends)
    radios = find_all(page, "input", type="radio")
    assert radios and all("fieldset" in radio.parents for radio in radios)


def test_single_checkbox_has_its_label_after_the_box():
    html = render(SampleForm())
    assert html.index('id="id_agree"') < html.index('<label for="id_agree">')


def test_errors_get_a_summary_linking_to_each_field_and_aria_on_the_field():
    html = render(SampleForm(data={"name": "x" * 11}))
    page = parse(html)
    summary_links = [a.attrs["href"] for a in find_all(page, "a") if a.attrs.get("href", "").startswith("#")]
    # every link points at an element that exists on the page
    ids = {e.attrs.get("id") for e in page.elements}
    assert summary_links and all(href[1:] in ids for href in summary_links)
    assert "#id_name" in summary_links and "#id_kind_0" in summary_links and "#id_agree" in summary_links
    name = find_all(page, "input", name="name")[0]
    assert name.attrs["aria-invalid"] == "true"
    assert name.attrs["aria-describedby"] == "id_name_helptext id_name_error"
    assert find_all(page, "p", id="id_name_error")
    fieldset = [f for f in find_all(page, "fieldset") if "id_kind_error" in f.attrs.get("aria-describedby", "")]
    assert fieldset
    assert html.index('class="error-summary"') < html.index('id="id_name"')


def test_non_field_errors_are_summarised_and_shown():
    class PairForm(forms.Form):
        a = forms.CharField(required=False)

        def clean(self):
            raise forms.ValidationError("Kombinasi tidak sah.")

    html = render(PairForm(data={}))
    page = parse(html)
    assert find_all(page, "a", href="#form-errors")
    assert find_all(page, "div", id="form-errors")


def test_hostile_input_and_labels_are_escaped():
    form = SampleForm(data={"name": '"><script>alert(1)</script>'})
    html = render(form)
    assert "<script>" not in html
    assert "&lt;script&gt;" in html or "&quot;&gt;&lt;script" in html


def test_component_demo_form_renders_every_widget_labelled():
    page = parse(render(ComponentDemoForm(data={"email": "bukan-email"})))
    assert not unlabelled_fields(page)
    kinds = {e.attrs.get("type") for e in find_all(page, "input")}
    assert {"text", "email", "radio", "checkbox", "date", "file"} <= kinds
    assert find_all(page, "select") and find_all(page, "textarea")
