"""CSV and XLSX exports of the revenue agency's lists: the same columns and filters as the page, every row (streamed
from the database in chunks, so memory stays flat), audited. Cells that a spreadsheet would read as a formula
(starting with = + - @) are prefixed with an apostrophe in CSV (CSV injection); XLSX cells are written as text or
numbers, never as formulas."""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.http import FileResponse, HttpRequest, StreamingHttpResponse
from django.utils import timezone

from balai.audit.services import audit_log

EXPORT_FORMATS = ("csv", "xlsx")
CHUNK_SIZE = 2000
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    label: Any
    value: Callable[[Any], Any]
    link: Callable[[Any], str | None] | None = None
    numeric: bool = False
    money: bool = False


def _plain(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    return value


def _safe_text(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


class _Echo:
    def write(self, value: str) -> str:
        return value


def _rows(objects: Iterable[Any], columns: list[Column]) -> Iterator[list[Any]]:
    for obj in objects:
        yield [_plain(column.value(obj)) for column in columns]


def _filename(name: str, extension: str) -> str:
    return f"{name}-{timezone.localtime():%Y%m%d-%H%M}.{extension}"


def csv_response(name: str, columns: list[Column], objects: Iterable[Any]) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def lines() -> Iterator[str]:
        yield "\ufeff"  # so that spreadsheet programs read the file as UTF-8
        yield writer.writerow([str(column.label) for column in columns])
        for row in _rows(objects, columns):
            yield writer.writerow([_safe_text(str(cell)) for cell in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(name, "csv")}"'
    return response


def xlsx_response(name: str, columns: list[Column], objects: Iterable[Any]) -> FileResponse:
    import xlsxwriter

    handle = tempfile.TemporaryFile()  # noqa: SIM115 - handed to the response, which closes it
    workbook = xlsxwriter.Workbook(handle, {"constant_memory": True, "strings_to_formulas": False})
    sheet = workbook.add_worksheet(name[:31])
    bold = workbook.add_format({"bold": True})
    for index, column in enumerate(columns):
        sheet.write_string(0, index, str(column.label), bold)
        sheet.set_column(index, index, 14 if column.numeric else 24)
    for row_number, row in enumerate(_rows(objects, columns), start=1):
        for index, cell in enumerate(row):
            if columns[index].numeric and isinstance(cell, int):
                sheet.write_number(row_number, index, cell)
            else:
                sheet.write_string(row_number, index, str(cell))
    workbook.close()
    handle.seek(0)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=_filename(name, "xlsx"),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    return response


def export_response(
    request: HttpRequest, *, name: str, columns: list[Column], queryset: Any, export_format: str, filters: dict
) -> Any:
    """The whole filtered list as a file (``export_format`` csv or xlsx), recorded in the audit log."""
    audit_log(
        actor=request.user,
        action="tax.report_exported",
        summary={"report": name, "format": export_format, "filters": {k: str(v) for k, v in filters.items() if v}},
    )
    objects = queryset.iterator(chunk_size=CHUNK_SIZE) if hasattr(queryset, "iterator") else queryset
    if export_format == "xlsx":
        response = xlsx_response(name, columns, objects)
    else:
        response = csv_response(name, columns, objects)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
