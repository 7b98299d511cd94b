"""The error list of GeoReport v2: ``<errors><error><code/><description/></error></errors>`` with HTTP 404
for what does not exist, 403 for a missing or wrong ``api_key`` and 400 for anything else that cannot be
done. Descriptions are meant for people and follow the request's language."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _


class Open311Error(Exception):
    """Raised by the parsing helpers and the views; rendered as the spec's error list."""

    def __init__(self, status: int, errors: Iterable[tuple[int | str, str]]) -> None:
        self.status = status
        self.errors = [(code, str(description)) for code, description in errors]
        super().__init__("; ".join(description for _code, description in self.errors))

    @classmethod
    def bad_request(cls, description: str, *, code: int | str = 400) -> Open311Error:
        return cls(400, [(code, description)])

    @classmethod
    def not_found(cls, description: str, *, code: int | str = 404) -> Open311Error:
        return cls(404, [(code, description)])

    @classmethod
    def forbidden(cls, description: str | None = None) -> Open311Error:
        return cls(403, [(403, description or _("Missing or invalid api_key: the request was not processed."))])
