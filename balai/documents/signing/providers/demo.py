"""The ``demo`` provider: the agency's key and certificate from the demo PKI (``documents_pki``)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from cryptography import x509
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from balai.documents.signing import pades, pki
from balai.documents.signing.base import register
from balai.documents.signing.providers.local import LocalKeyBackend, tsa_config_errors


@register("demo")
class DemoBackend(LocalKeyBackend):
    verbose_name = gettext_lazy("Demo certificate authority (generated at setup; not for production)")

    @classmethod
    def config_errors(cls, config: Any) -> dict[str, list[str]]:
        errors = super().config_errors(config)
        if errors:
            return errors
        for name in ("key_file", "certificate_file"):
            value = config.get(name)
            if value in (None, ""):
                continue
            try:
                if not isinstance(value, str):
                    raise ValueError(value)
                pki.resolve_in_pki(value)
            except ValueError:
                errors.setdefault(name, []).append(
                    _("Give a file inside the demo PKI folder, e.g. agencies/CODE.key.pem.")
                )
        tsa_config_errors(config, errors)
        return errors

    def _paths(self) -> tuple[Path, Path, Path]:
        default_key, default_cert = pki.agency_files(self.profile.organization.code)
        try:
            key_path = pki.resolve_in_pki(str(self.config.get("key_file") or default_key))
            cert_path = pki.resolve_in_pki(str(self.config.get("certificate_file") or default_cert))
        except ValueError as exc:
            raise self._missing(detail="demo key path outside the PKI folder") from exc
        return key_path, cert_path, pki.root_certificate_path()

    def _missing(self, *, detail: str) -> Exception:
        return self.unavailable(
            _(
                "The demo signing key of %(agency)s is missing. An administrator has to run "
                "“manage.py documents_pki” to create it."
            )
            % {"agency": self.agency_name},
            detail=detail,
        )

    def cache_key(self) -> str:
        parts = ["demo"]
        for path in self._paths():
            try:
                stat = os.stat(path)
            except OSError as exc:
                raise self._missing(detail=f"{path}: {exc.strerror}") from exc
            parts.append(f"{path}:{stat.st_mtime_ns}:{stat.st_size}")
        return "|".join(parts)

    def load_material(self) -> pades.KeyMaterial:
        key_path, cert_path, root_path = self._paths()
        pair = pki.load_key_and_certificate(key_path, cert_path)
        if pair is None:
            raise self._missing(detail=f"{key_path} / {cert_path} unreadable or not a pair")
        try:
            root = x509.load_pem_x509_certificate(root_path.read_bytes())
        except (OSError, ValueError) as exc:
            raise self._missing(detail=f"{root_path}: {exc}") from exc
        return pades.KeyMaterial(private_key=pair[0], certificate=pair[1], chain=(root,))
