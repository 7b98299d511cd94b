"""Page-number pagination shared by every API list: ``?page=1&page_size=50`` (at most 100 a page)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from ninja import Field, Schema

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 50


class PageQuery(Schema):
    page: int = Field(1, ge=1, le=1_000_000, description="Page number, from 1.")
    page_size: int = Field(
        DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description=f"Items per page (at most {MAX_PAGE_SIZE})."
    )


class PageOut(Schema):
    """Every list answers with these keys plus ``results``; a page past the end has no results."""

    count: int = Field(description="Number of items in all pages.")
    page: int
    page_size: int
    pages: int = Field(description="Number of pages.")


def paginate(queryset: QuerySet[Any] | Any, query: PageQuery) -> dict[str, Any]:
    """Any object with ``count()`` and slicing: a queryset, or the staff worklist."""
    count = queryset.count()
    start = (query.page - 1) * query.page_size
    results = list(queryset[start : start + query.page_size]) if start < count else []
    return {
        "count": count,
        "page": query.page,
        "page_size": query.page_size,
        "pages": (count + query.page_size - 1) // query.page_size,
        "results": results,
    }
