"""POST servicerequestupdates (FixMyStreet's extension): an application adds its user's message to a request
it filed. The application is the request's reporter (its key's owner filed it), so the message goes through
the reporter's own service, ``complaint_reporter_reply``: open complaints only, text checked, the agency and
the followers told. A request filed by anyone else is 404, as if it did not exist.

The ``status`` a client sends is not applied: only the agency closes a complaint, and only the reporter's own
steps (accepting a response) can end it early, which this API does not offer."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _

from balai.api.models import ApiKey
from balai.complaints.models import MAX_DESCRIPTION_LENGTH
from balai.complaints.open311.errors import Open311Error
from balai.complaints.open311.params import value_of
from balai.core.exceptions import BalaiError, Conflict, NotFound, ValidationFailed


def add_update(*, key: ApiKey, request: HttpRequest) -> Any:
    """The reporter's message on the application's request; returns the timeline entry. Raises Open311Error."""
    from balai.complaints.selectors import complaint_for_reporter
    from balai.complaints.services import complaint_reporter_reply

    data = request.POST
    number = value_of(data, "service_request_id")
    if not number:
        raise Open311Error.bad_request(_("service_request_id was not provided."))
    description = (data.get("description") or "").strip()
    if not description:
        raise Open311Error.bad_request(_("description was not provided."))
    if len(description) > MAX_DESCRIPTION_LENGTH:
        raise Open311Error.bad_request(
            _("description may have at most %(limit)s characters (it has %(length)s).")
            % {"limit": MAX_DESCRIPTION_LENGTH, "length": len(description)}
        )
    try:
        complaint = complaint_for_reporter(key.owner, number)
        return complaint_reporter_reply(actor=key.owner, complaint=complaint, body=description)
    except NotFound as exc:
        raise Open311Error.not_found(
            _("service_request_id %(id)s was not found among the requests of this api_key.") % {"id": number[:64]}
        ) from exc
    except ValidationFailed as exc:
        messages = [str(m) for values in exc.fields.values() for m in values] or [str(exc.message)]
        raise Open311Error(400, [(400, f"description: {message}") for message in messages]) from exc
    except (Conflict, BalaiError) as exc:
        raise Open311Error.bad_request(str(exc.message)) from exc
