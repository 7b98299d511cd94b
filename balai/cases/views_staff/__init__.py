"""The staff workspace pages under /kantor/perkara/: the worklist (filters, counts, claim, bulk assign), the
case page (answers, documents, timeline, the steps allowed now, notes, assignment) and counter filing.
Thin views: scoping comes from the case selectors, every change from the case services."""

from balai.cases.views_staff.case_page import (
    case_assign_view,
    case_detail,
    case_document,
    case_extend_view,
    case_note_view,
    case_transition_view,
    case_unmask_nik,
)
from balai.cases.views_staff.counter_page import counter, counter_file_view, counter_receipt
from balai.cases.views_staff.worklist_page import bulk_assign, worklist

__all__ = [
    "bulk_assign",
    "case_assign_view",
    "case_detail",
    "case_document",
    "case_extend_view",
    "case_note_view",
    "case_transition_view",
    "case_unmask_nik",
    "counter",
    "counter_file_view",
    "counter_receipt",
    "worklist",
]
