"""Search that understands Indonesian word forms: text and queries are stemmed with Sastrawi
("perizinan" → "izin", "kelahiran" → "lahir") and matched on the stemmed words; PostgreSQL ranks with
full-text search, SQLite falls back to an AND of ``icontains``."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from django.db import connection
from django.db.models import QuerySet

MAX_QUERY_WORDS = 10
_WORD = re.compile(r"[0-9a-zA-Z\u00C0-\u024F]+")


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    # Building the stemmer reads its dictionary; do it once per process.
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    return StemmerFactory().create_stemmer()


@lru_cache(maxsize=4096)
def stem_word(word: str) -> str:
    return _stemmer().stem(word.lower()) or word.lower()


def tokens(text: str) -> list[str]:
    """The stemmed words of ``text``, lower-case, in order, duplicates removed."""
    seen: dict[str, None] = {}
    for word in _WORD.findall(text or ""):
        for stemmed in stem_word(word).split():
            seen.setdefault(stemmed, None)
    return list(seen)


def stem_text(*parts: str) -> str:
    """One string of stemmed words for ``Service.search_text`` (originals kept too, for codes and acronyms)."""
    raw = " ".join(p for p in parts if p)
    words = dict.fromkeys([*tokens(raw), *(w.lower() for w in _WORD.findall(raw))])
    return " ".join(words)


def search(queryset: QuerySet[Any], query: str, *, field: str = "search_text") -> QuerySet[Any]:
    """Filter (and on PostgreSQL rank) ``queryset`` by the stemmed words of ``query``: all must match."""
    words = tokens(query)[:MAX_QUERY_WORDS]
    if not words:
        return queryset
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        vector = SearchVector(field, config="simple")
        search_query = SearchQuery(" & ".join(f"{w}:*" for w in words), config="simple", search_type="raw")
        ordering = queryset.query.order_by or queryset.model._meta.ordering
        return (
            queryset.annotate(search_vector=vector, search_rank=SearchRank(vector, search_query))
            .filter(search_vector=search_query)
            .order_by("-search_rank", *ordering)
        )
    for word in words:
        queryset = queryset.filter(**{f"{field}__icontains": word})
    return queryset
