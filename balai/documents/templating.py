"""Placeholders in document templates: the syntax, the check made when a template is saved, and the filling
of a template's text for one case.

Syntax: ``{{ namespace.name }}`` (spaces inside the braces are optional), e.g. ``{{ applicant.name }}`` or
``{{ answers.child_name }}``. Namespaces:

- ``answers.<field code>``: an answer of the service's application form (choice fields print their label,
  dates the Indonesian long form, places the village and district); file fields cannot be printed;
- ``applicant.*``, ``case.*``, ``document.*``, ``agency.*`` (the issuing agency), ``signer.*`` and
  ``region.*``: see ``FIXED_PLACEHOLDERS``.

A value that is missing (an optional answer left empty, a walk-in applicant without an address) prints "-".

The body is plain text: an empty line starts a new paragraph, a single line break stays a line break, and lines
that start with ``|`` form a two-column table of label and value (``| Nama | {{ answers.child_name }}``). The
structure is read from the template before the values are filled in, so nothing an applicant typed can add
paragraphs or table rows; the PDF renderer escapes every value (no markup from the data reaches the PDF).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from balai.documents.numbering import format_date_id

MISSING = "-"
PLACEHOLDER_RE = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
NAME_RE = re.compile(r"^([a-z]+)\.([a-z][a-z0-9_]{0,62})$")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
ANSWERS = "answers"

# Every placeholder outside ``answers``, with what it prints (shown to administrators in the admin and the docs).
FIXED_PLACEHOLDERS: dict[str, dict[str, Any]] = {
    "applicant": {
        "name": gettext_lazy("the applicant's full name (account or walk-in)"),
        "nik": gettext_lazy("the applicant's NIK in full"),
        "address": gettext_lazy("the address in the applicant's profile"),
        "village": gettext_lazy("the village (kelurahan/desa) in the applicant's profile"),
        "district": gettext_lazy("the district (kecamatan) in the applicant's profile"),
        "birth_date": gettext_lazy("the applicant's date of birth"),
        "sex": gettext_lazy("the applicant's sex (Laki-laki/Perempuan)"),
    },
    "case": {
        "number": gettext_lazy("the registration number of the application"),
        "submitted_date": gettext_lazy("the date the application was submitted"),
        "service": gettext_lazy("the name of the service"),
        "agency": gettext_lazy("the agency responsible for the application"),
        "due_date": gettext_lazy("the date the decision was due"),
    },
    "document": {
        "number": gettext_lazy("the reference number of this document"),
        "date": gettext_lazy("the date of issue"),
        "type": gettext_lazy("the document type"),
        "title": gettext_lazy("the title"),
        "place": gettext_lazy("the place of signing"),
    },
    "agency": {
        "name": gettext_lazy("the name of the issuing agency"),
        "address": gettext_lazy("its address"),
        "phone": gettext_lazy("its telephone"),
        "email": gettext_lazy("its e-mail address"),
        "website": gettext_lazy("its website"),
    },
    "signer": {
        "name": gettext_lazy("the signing official's name"),
        "position": gettext_lazy("the signing official's position"),
        "nip": gettext_lazy("the signing official's NIP"),
    },
    "region": {
        "name": gettext_lazy("the regional government, e.g. Kabupaten Contoh"),
        "province": gettext_lazy("its province"),
        "capital": gettext_lazy("its capital"),
    },
}
NAMESPACES = (ANSWERS, *FIXED_PLACEHOLDERS)
SEX_ID = {"M": "Laki-laki", "F": "Perempuan"}


# --- syntax --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Placeholder:
    raw: str  # as written, e.g. "{{applicant.name }}"
    namespace: str
    name: str

    @property
    def key(self) -> str:
        return f"{self.namespace}.{self.name}"

    @property
    def shown(self) -> str:
        return "{{ %s }}" % self.key  # noqa: UP031 - braces of the syntax, not a format


def _shorten(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def scan(text: str) -> tuple[list[Placeholder], list[str]]:
    """The well-formed placeholders of ``text`` and the messages about malformed ones."""
    found: list[Placeholder] = []
    errors: list[str] = []
    for match in PLACEHOLDER_RE.finditer(text or ""):
        inner = match.group(1).strip()
        parsed = NAME_RE.match(inner)
        if parsed is None:
            errors.append(
                _("Malformed placeholder “%(text)s”: write {{ namespace.name }}, for example {{ applicant.name }}.")
                % {"text": _shorten(match.group(0))}
            )
            continue
        found.append(Placeholder(match.group(0), parsed.group(1), parsed.group(2)))
    rest = PLACEHOLDER_RE.sub("", text or "")
    if "{{" in rest:
        start = rest.index("{{")
        errors.append(
            _("A placeholder is not closed: “%(text)s”. Close it with }}.") % {"text": _shorten(rest[start:], 30)}
        )
    elif "}}" in rest:
        errors.append(_("The text has a }} without an opening {{."))
    return found, errors


def _answer_specs(definition: Mapping[str, Any] | None) -> dict[str, dict[str, Any]]:
    return {
        str(spec.get("code")): spec
        for spec in (definition or {}).get("fields") or []
        if isinstance(spec, dict) and spec.get("code")
    }


def form_definition_of(service: Any) -> dict[str, Any]:
    version = getattr(service, "current_version", None) if service is not None else None
    return dict(version.form_definition or {}) if version is not None else {}


def validate_template(body: str, service: Any = None) -> list[str]:
    """The problems of the placeholders in ``body`` as translated messages (empty: all are known).

    ``service``: the service whose application answers the template may print (its current form); None for a
    template of no service (the receipt), which may not use ``answers``."""
    placeholders, errors = scan(body)
    specs = _answer_specs(form_definition_of(service)) if service is not None else {}
    seen: set[str] = set()
    for item in placeholders:
        if item.key in seen:
            continue
        seen.add(item.key)
        if item.namespace == ANSWERS:
            if service is None:
                errors.append(
                    _("Unknown placeholder %(placeholder)s: this template belongs to no service, so it has no answers.")
                    % {"placeholder": item.shown}
                )
            elif item.name not in specs:
                errors.append(
                    _("Unknown placeholder %(placeholder)s: the form of service %(service)s has no field “%(name)s”.")
                    % {"placeholder": item.shown, "service": service.code, "name": item.name}
                )
            elif specs[item.name].get("type") == "file":
                errors.append(
                    _("Placeholder %(placeholder)s is an uploaded file; files cannot be printed in a document.")
                    % {"placeholder": item.shown}
                )
        elif item.namespace not in FIXED_PLACEHOLDERS:
            errors.append(
                _("Unknown placeholder %(placeholder)s: “%(namespace)s” is not a namespace; use %(namespaces)s.")
                % {"placeholder": item.shown, "namespace": item.namespace, "namespaces": ", ".join(NAMESPACES)}
            )
        elif item.name not in FIXED_PLACEHOLDERS[item.namespace]:
            errors.append(
                _("Unknown placeholder %(placeholder)s: %(namespace)s has %(names)s.")
                % {
                    "placeholder": item.shown,
                    "namespace": item.namespace,
                    "names": ", ".join(FIXED_PLACEHOLDERS[item.namespace]),
                }
            )
    return errors


# --- structure of the body -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TextBlock:
    """A paragraph; its lines are kept as line breaks."""

    lines: tuple[str, ...]


@dataclass(frozen=True)
class TableBlock:
    """Rows of (label, value), printed as ``label : value``."""

    rows: tuple[tuple[str, str], ...]


Block = TextBlock | TableBlock


def parse_body(body: str) -> list[Block]:
    """The paragraphs and tables of ``body`` (placeholders not yet filled)."""
    blocks: list[Block] = []
    lines: list[str] = []
    rows: list[tuple[str, str]] = []

    def flush_text() -> None:
        if lines:
            blocks.append(TextBlock(tuple(lines)))
            lines.clear()

    def flush_rows() -> None:
        if rows:
            blocks.append(TableBlock(tuple(rows)))
            rows.clear()

    for raw in (body or "").replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        line = raw.strip()
        if line.startswith("|"):
            flush_text()
            label, _sep, value = line[1:].partition("|")
            rows.append((label.strip(), value.strip().rstrip("|").strip()))
        elif not line:
            flush_text()
            flush_rows()
        else:
            flush_rows()
            lines.append(line)
    flush_text()
    flush_rows()
    return blocks


# --- values ----------------------------------------------------------------------------------------------------


def clean_value(value: Any) -> str:
    """A value as one safe text: no control characters, trimmed, "-" when empty."""
    text = _CONTROL_RE.sub("", str(value if value is not None else "")).strip()
    return text or MISSING


def _decimal_id(text: str) -> str:
    return text.replace(".", ",")


def format_answer(
    spec: Mapping[str, Any] | None, value: Any, *, village_name: Callable[[str], str] | None = None
) -> str:
    """An answer as printed on an official document (in Indonesian, whatever language is active)."""
    if value is None or value == "" or value == {} or value == []:
        return MISSING
    ftype = (spec or {}).get("type", "text")
    if ftype == "choice":
        choices = {str(k): v for k, v in ((spec or {}).get("choices") or {}).items()}
        return clean_value(choices.get(str(value), value))
    if ftype == "date":
        try:
            return format_date_id(dt.date.fromisoformat(str(value)))
        except ValueError:
            return clean_value(value)
    if ftype == "checkbox":
        return "Ya" if value is True else "Tidak"
    if ftype == "decimal":
        return clean_value(_decimal_id(str(value)))
    if ftype == "geo" and isinstance(value, Mapping):
        return clean_value("%s, %s" % (value.get("lat", ""), value.get("lon", "")))  # noqa: UP031 - coordinates
    if ftype == "region" and isinstance(value, Mapping):
        code = str(value.get("village") or "")
        return clean_value(village_name(code) if village_name is not None and code else code)
    if ftype == "file":
        return MISSING
    if isinstance(value, Mapping | list):
        return MISSING
    return clean_value(value)


def village_and_district(code: str) -> str:
    """``Desa Cempaka, Kecamatan Bukit Hijau`` for a village code (the code itself when unknown)."""
    from balai.organizations.models import Village

    village = Village.objects.filter(code=code).select_related("district").first()
    if village is None:
        return code
    return f"{village.name}, {village.district.name}"


@dataclass
class Values:
    """Resolves placeholders for one document, computing each value once and only when it is used.

    ``fixed`` holds the values of the non-answer namespaces by key ("case.number": "..."); ``answers`` and
    ``definition`` are the case's answers and the form they were given under."""

    fixed: dict[str, str]
    answers: Mapping[str, Any] = field(default_factory=dict)
    definition: Mapping[str, Any] = field(default_factory=dict)
    fallback_definition: Mapping[str, Any] = field(default_factory=dict)
    _cache: dict[str, str] = field(default_factory=dict)

    def get(self, key: str) -> str:
        if key in self._cache:
            return self._cache[key]
        namespace, _sep, name = key.partition(".")
        if namespace == ANSWERS:
            spec = _answer_specs(self.definition).get(name) or _answer_specs(self.fallback_definition).get(name)
            value = format_answer(spec, self.answers.get(name), village_name=village_and_district)
        else:
            value = clean_value(self.fixed.get(key))
        self._cache[key] = value
        return value


def fill_text(text: str, values: Values) -> str:
    """``text`` with every placeholder replaced by its value (plain text: the renderer escapes it)."""

    def replace(match: re.Match[str]) -> str:
        parsed = NAME_RE.match(match.group(1).strip())
        if parsed is None:
            return MISSING
        return values.get(f"{parsed.group(1)}.{parsed.group(2)}")

    return PLACEHOLDER_RE.sub(replace, text or "")


def fill_blocks(blocks: Iterable[Block], values: Values) -> list[Block]:
    filled: list[Block] = []
    for block in blocks:
        if isinstance(block, TableBlock):
            filled.append(TableBlock(tuple((fill_text(k, values), fill_text(v, values)) for k, v in block.rows)))
        else:
            filled.append(TextBlock(tuple(fill_text(line, values) for line in block.lines)))
    return filled


def placeholder_help() -> list[tuple[str, str]]:
    """(placeholder, what it prints) for every fixed placeholder, for the admin's help text."""
    return [
        ("{{ %s.%s }}" % (namespace, name), str(label))  # noqa: UP031 - braces of the syntax
        for namespace, names in FIXED_PLACEHOLDERS.items()
        for name, label in names.items()
    ]
