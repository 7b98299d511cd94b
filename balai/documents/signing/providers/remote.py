"""The ``remote`` provider: a signing service over HTTP shaped like BSrE's eSign API.

``POST {base_url}/api/sign/pdf`` as multipart/form-data with ``file`` (the PDF), ``tampilan=invisible`` and the
signer's ``nik`` and ``passphrase``, authenticated with a bearer token or HTTP Basic; the answer is the signed
PDF, errors are JSON ``{"error": "..."}``. Check the field names against the provider's current documentation
before going live (docs/operators/signing.md). Only the standard library is used (urllib), TLS certificates are
verified, redirects are refused, every request has a timeout, and the answer is checked before it is accepted:
a PDF, our document unchanged with one intact signature appended, made with the pinned certificate if the
settings name one (``certificate_sha256``).
"""

from __future__ import annotations

import base64
import http.client
import ipaddress
import json
import secrets
import ssl
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from balai.documents.signing.base import (
    SECRET_NAME_RE,
    SignedPdf,
    SigningBackend,
    SigningError,
    certificate_pem,
    read_secret,
    register,
)

SIGN_PATH = "/api/sign/pdf"
DEFAULT_TIMEOUT = 30
MAX_TIMEOUT = 300
ANSWER_SLACK_BYTES = 20 * 1024 * 1024  # the signed PDF is the original plus a signature and perhaps an image
ERROR_TEXT_MAX = 300
LOOPBACK_NAMES = {"localhost", "localhost.localdomain"}


def _is_loopback(host: str) -> bool:
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class _RefuseRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect could move the passphrase to another host or from https to http: treat it as an error."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        raise urllib.error.HTTPError(req.full_url, code, f"redirect refused: {msg}", headers, fp)


def encode_multipart(fields: dict[str, str], *, file_field: str, filename: str, content: bytes) -> tuple[bytes, str]:
    boundary = f"balai-{secrets.token_hex(16)}"
    lines: list[bytes] = []
    for name, value in fields.items():
        lines += [
            f"--{boundary}".encode(),
            f'Content-Disposition: form-data; name="{name}"'.encode(),
            b"Content-Type: text/plain; charset=utf-8",
            b"",
            value.encode("utf-8"),
        ]
    lines += [
        f"--{boundary}".encode(),
        f'Content-Disposition: form-data; name="{file_field}"; filename="{filename}"'.encode(),
        b"Content-Type: application/pdf",
        b"",
        content,
        f"--{boundary}--".encode(),
        b"",
    ]
    return b"\r\n".join(lines), f"multipart/form-data; boundary={boundary}"


def _read_limited(response: Any, limit: int) -> bytes:
    data = response.read(limit + 1)
    if len(data) > limit:
        raise ValueError("answer too large")
    return data


def _service_message(body: bytes) -> str:
    """The service's own error text from a JSON ``{"error": ...}`` body (shortened), else empty."""
    try:
        parsed = json.loads(body.decode("utf-8", errors="replace"))
    except ValueError:
        return ""
    if not isinstance(parsed, dict):
        return ""
    message = parsed.get("error") or parsed.get("message") or ""
    if isinstance(message, dict):
        message = message.get("message") or ""
    text = " ".join(str(message).split())
    return text[:ERROR_TEXT_MAX]


def _fingerprint(value: Any) -> str:
    return str(value or "").strip().lower().replace(":", "")


@register("remote")
class RemoteBackend(SigningBackend):
    verbose_name = gettext_lazy("Remote signing service")

    @classmethod
    def config_errors(cls, config: Any) -> dict[str, list[str]]:
        errors = super().config_errors(config)
        if errors:
            return errors
        base_url = config.get("base_url")
        parts = urlsplit(base_url) if isinstance(base_url, str) else None
        if parts is None or parts.scheme not in {"https", "http"} or not parts.hostname:
            errors.setdefault("base_url", []).append(_("Enter the https:// address of the signing service."))
        elif (
            parts.scheme == "http"
            and not _is_loopback(parts.hostname)
            and config.get("allow_insecure_http") is not True
        ):
            errors.setdefault("base_url", []).append(
                _("Use https://, or set allow_insecure_http to true for a service inside the agency's own network.")
            )
        for key in ("token_env", "passphrase_env", "username_env", "password_env"):
            name = config.get(key)
            if name not in (None, "") and (not isinstance(name, str) or not SECRET_NAME_RE.match(name)):
                errors.setdefault(key, []).append(
                    _("Give the name of an environment variable: capital letters, digits and underscores.")
                )
        nik = config.get("nik")
        if nik not in (None, "") and (not isinstance(nik, str) or not nik.isdigit() or len(nik) != 16):
            errors.setdefault("nik", []).append(_("The NIK has 16 digits."))
        if nik and not config.get("passphrase_env"):
            errors.setdefault("passphrase_env", []).append(
                _("Name the environment variable that holds the passphrase.")
            )
        if not nik and not config.get("token_env") and not config.get("username_env"):
            errors.setdefault("nik", []).append(_("Give the signer's NIK, a token or a user name for the service."))
        timeout = config.get("timeout", DEFAULT_TIMEOUT)
        if isinstance(timeout, bool) or not isinstance(timeout, int | float) or not 0 < timeout <= MAX_TIMEOUT:
            errors.setdefault("timeout", []).append(
                _("Enter a number of seconds from 1 to %(max)s.") % {"max": MAX_TIMEOUT}
            )
        pin = _fingerprint(config.get("certificate_sha256"))
        if pin and (len(pin) != 64 or any(c not in "0123456789abcdef" for c in pin)):
            errors.setdefault("certificate_sha256", []).append(
                _("Give the SHA-256 fingerprint of the signing certificate: 64 hexadecimal digits.")
            )
        ca_file = config.get("ca_file")
        if ca_file not in (None, "") and (not isinstance(ca_file, str) or not Path(ca_file).is_absolute()):
            errors.setdefault("ca_file", []).append(
                _("Give the absolute path of the PEM file with the CA certificates.")
            )
        return errors

    # --- request -----------------------------------------------------------------------------------------

    def _secret(self, key: str) -> str | None:
        name = self.config.get(key)
        if not name:
            return None
        value = read_secret(str(name))
        if value is None:
            raise self.unavailable(
                _(
                    "A secret of the signing service of %(agency)s is not set: an administrator has to set the "
                    "environment variable %(name)s."
                )
                % {"agency": self.agency_name, "name": name},
                detail=f"secret {name} not set",
            )
        return value

    def _misconfigured(self, detail: str) -> SigningError:
        return self.unavailable(
            _("The signing service settings of %(agency)s are incomplete. An administrator has to check them.")
            % {"agency": self.agency_name},
            detail=detail,
        )

    def _endpoint(self) -> str:
        errors = self.config_errors(self.config)
        if errors:
            raise self._misconfigured(f"config errors: {sorted(errors)}")
        return str(self.config["base_url"]).rstrip("/") + SIGN_PATH

    def _timeout(self) -> float:
        return float(self.config.get("timeout", DEFAULT_TIMEOUT))

    def _opener(self) -> urllib.request.OpenerDirector:
        context = ssl.create_default_context(cafile=self.config.get("ca_file") or None)
        return urllib.request.build_opener(urllib.request.HTTPSHandler(context=context), _RefuseRedirects())

    def _request(self, url: str, pdf_bytes: bytes, *, reason: str, location: str) -> urllib.request.Request:
        fields = {"tampilan": "invisible"}
        nik = self.config.get("nik")
        if nik:
            fields["nik"] = str(nik)
            fields["passphrase"] = self._secret("passphrase_env") or ""
        if reason:
            fields["reason"] = reason[:500]
        if location:
            fields["location"] = location[:200]
        body, content_type = encode_multipart(fields, file_field="file", filename="dokumen.pdf", content=pdf_bytes)
        headers = {
            "Content-Type": content_type,
            "Accept": "application/pdf, application/json",
            "User-Agent": "Balai-signing/1",
        }
        token = self._secret("token_env")
        username = self._secret("username_env")
        if token:
            headers["Authorization"] = f"Bearer {token}"
        elif username:
            password = self._secret("password_env") or ""
            credentials = base64.b64encode(f"{username}:{password}".encode()).decode("ascii")
            headers["Authorization"] = f"Basic {credentials}"
        return urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 - scheme checked

    def _refused(self, *, status: int | str, message: str, detail: str) -> SigningError:
        if message:
            text = _("The signing service refused the document (%(status)s): %(message)s") % {
                "status": status,
                "message": message,
            }
        else:
            text = _("The signing service refused the document (%(status)s). Please try again later.") % {
                "status": status
            }
        return self.unavailable(text, detail=detail, code="signing_failed")

    def _post(self, url: str, request: urllib.request.Request, limit: int) -> bytes:
        timeout = self._timeout()
        try:
            with self._opener().open(request, timeout=timeout) as response:
                return _read_limited(response, limit)
        except urllib.error.HTTPError as exc:
            try:
                body = _read_limited(exc, 64 * 1024)
            except (OSError, ValueError, AttributeError):
                body = b""
            finally:
                exc.close()
            raise self._refused(
                status=f"HTTP {exc.code}", message=_service_message(body), detail=f"{url}: HTTP {exc.code}"
            ) from exc
        except (TimeoutError, urllib.error.URLError, OSError, http.client.HTTPException, ValueError) as exc:
            reason = getattr(exc, "reason", exc)
            if isinstance(reason, TimeoutError) or isinstance(exc, TimeoutError):
                raise self.unavailable(
                    _("The signing service did not answer within %(seconds)s seconds. Please try again later.")
                    % {"seconds": f"{timeout:g}"},
                    detail=f"{url}: timeout",
                    code="signing_timeout",
                ) from exc
            if isinstance(reason, ssl.SSLError):
                raise self.unavailable(
                    _("The identity (TLS certificate) of the signing service could not be verified."),
                    detail=f"{url}: {reason}",
                    code="signing_failed",
                ) from exc
            if isinstance(exc, ValueError):
                raise self.unavailable(
                    _("The signing service sent an answer that is too large."),
                    detail=f"{url}: answer over {limit} bytes",
                    code="signing_failed",
                ) from exc
            raise self.unavailable(
                _("The signing service cannot be reached. Please try again later."),
                detail=f"{url}: {reason!r}",
                code="signing_failed",
            ) from exc

    # --- answer ------------------------------------------------------------------------------------------

    def sign(self, pdf_bytes: bytes, *, reason: str = "", location: str = "") -> SignedPdf:
        from balai.documents.signing.validation import inspect_signature

        url = self._endpoint()
        request = self._request(url, pdf_bytes, reason=reason, location=location)
        answer = self._post(url, request, limit=len(pdf_bytes) + ANSWER_SLACK_BYTES)
        if answer.lstrip()[:5] != b"%PDF-":
            message = _service_message(answer)
            if message:
                raise self._refused(status="200", message=message, detail=f"{url}: JSON error with status 200")
            raise self.unavailable(
                _("The signing service did not send back a PDF document."),
                detail=f"{url}: answer of {len(answer)} bytes is not a PDF",
                code="signing_failed",
            )
        if self.config.get("require_incremental", True) and not answer.startswith(pdf_bytes):
            raise self.unavailable(
                _("The signing service changed the document instead of only adding a signature."),
                detail=f"{url}: answer does not start with the submitted PDF",
                code="signing_failed",
            )
        report, certificate = inspect_signature(answer, max_bytes=len(answer))
        if certificate is None or not (report.signed and report.intact and report.covers_whole_file):
            raise self.unavailable(
                _("The signing service sent back a document without an intact signature."),
                detail=f"{url}: {report.codes}",
                code="signing_failed",
            )
        # Pinned in the settings only: the profile's recorded fingerprint may be left over from another provider.
        pinned = _fingerprint(self.config.get("certificate_sha256"))
        if pinned and report.certificate_sha256 != pinned:
            raise self.unavailable(
                _("The signing service signed with another certificate than the one registered for %(agency)s.")
                % {"agency": self.agency_name},
                detail=f"{url}: certificate {report.certificate_sha256}, expected {pinned}",
                code="signing_failed",
            )
        return SignedPdf(
            data=answer,
            provider=self.name,
            certificate_sha256=report.certificate_sha256,
            signer_subject=report.signer_subject,
            certificate_pem=certificate_pem(certificate),
            signed_at=timezone.now(),
        )
