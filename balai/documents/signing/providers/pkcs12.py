"""The ``pkcs12`` provider: the agency's own key and certificate in a PKCS#12 (.p12/.pfx) file.

Profile settings: ``{"path": "/etc/balai/keys/dinkes.p12", "passphrase_env": "BALAI_P12_DINKES"}``, optionally
``"chain_file"`` (PEM file with CA certificates missing from the PKCS#12 file) and ``"tsa_url"``. The passphrase
is read from the named environment variable (or, when unset, the key of that name in ``VAR_DIR/secrets.json``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from balai.documents.signing import pades
from balai.documents.signing.base import SECRET_NAME_RE, read_secret, register
from balai.documents.signing.providers.local import LocalKeyBackend, tsa_config_errors

MAX_FILE_BYTES = 1024 * 1024  # a PKCS#12 file with a key and a chain is a few kilobytes


@register("pkcs12")
class Pkcs12Backend(LocalKeyBackend):
    verbose_name = gettext_lazy("PKCS#12 file of the agency")

    @classmethod
    def config_errors(cls, config: Any) -> dict[str, list[str]]:
        errors = super().config_errors(config)
        if errors:
            return errors
        path = config.get("path")
        if not isinstance(path, str) or not path or not Path(path).is_absolute():
            errors.setdefault("path", []).append(
                _("Give the absolute path of the PKCS#12 file, e.g. /etc/balai/keys/dinkes.p12.")
            )
        chain = config.get("chain_file")
        if chain not in (None, "") and (not isinstance(chain, str) or not Path(chain).is_absolute()):
            errors.setdefault("chain_file", []).append(
                _("Give the absolute path of the PEM file with the CA certificates.")
            )
        name = config.get("passphrase_env")
        if name not in (None, "") and (not isinstance(name, str) or not SECRET_NAME_RE.match(name)):
            errors.setdefault("passphrase_env", []).append(
                _("Give the name of an environment variable: capital letters, digits and underscores.")
            )
        tsa_config_errors(config, errors)
        return errors

    def _path(self) -> Path:
        path = self.config.get("path")
        if not isinstance(path, str) or not path:
            raise self.unavailable(
                _("The signing profile of %(agency)s does not say where its PKCS#12 file is.")
                % {"agency": self.agency_name},
                detail="config.path missing",
            )
        return Path(path)

    def _passphrase(self) -> bytes | None:
        name = self.config.get("passphrase_env")
        if not name:
            return None
        value = read_secret(str(name))
        if value is None:
            raise self.unavailable(
                _(
                    "The passphrase of the signing key of %(agency)s is not set: an administrator has to set the "
                    "environment variable %(name)s."
                )
                % {"agency": self.agency_name, "name": name},
                detail=f"secret {name} not set",
            )
        return value.encode("utf-8")

    def _not_found(self, path: Path, exc: OSError) -> Exception:
        return self.unavailable(
            _("The PKCS#12 file of %(agency)s cannot be read. An administrator has to check the signing profile.")
            % {"agency": self.agency_name},
            detail=f"{path}: {exc.strerror or exc}",
            code="signing_key_missing",
        )

    def cache_key(self) -> str:
        path = self._path()
        try:
            stat = os.stat(path)
        except OSError as exc:
            raise self._not_found(path, exc) from exc
        parts = ["pkcs12", f"{path}:{stat.st_mtime_ns}:{stat.st_size}", pades.passphrase_digest(self._passphrase())]
        chain = self.config.get("chain_file")
        if chain:
            try:
                chain_stat = os.stat(chain)
            except OSError as exc:
                raise self._not_found(Path(chain), exc) from exc
            parts.append(f"{chain}:{chain_stat.st_mtime_ns}:{chain_stat.st_size}")
        return "|".join(parts)

    def load_material(self) -> pades.KeyMaterial:
        path = self._path()
        try:
            with open(path, "rb") as handle:
                data = handle.read(MAX_FILE_BYTES + 1)
        except OSError as exc:
            raise self._not_found(path, exc) from exc
        try:
            if len(data) > MAX_FILE_BYTES:
                raise ValueError("file too large for a PKCS#12 key file")
            key, certificate, others = pkcs12.load_key_and_certificates(data, self._passphrase())
        except (ValueError, TypeError) as exc:
            raise self.unavailable(
                _("The PKCS#12 file of %(agency)s cannot be opened: the passphrase is wrong or the file is damaged.")
                % {"agency": self.agency_name},
                detail=f"{path}: {exc}",
                code="signing_key_unreadable",
            ) from exc
        if certificate is None or not isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
            raise self.unavailable(
                _("The PKCS#12 file of %(agency)s holds no RSA or EC signing key with its certificate.")
                % {"agency": self.agency_name},
                detail=f"{path}: key {type(key).__name__}, certificate {certificate is not None}",
                code="signing_key_unreadable",
            )
        chain = list(others)
        chain_file = self.config.get("chain_file")
        if chain_file:
            try:
                chain.extend(x509.load_pem_x509_certificates(Path(chain_file).read_bytes()))
            except (OSError, ValueError) as exc:
                raise self.unavailable(
                    _("The CA certificate file of %(agency)s cannot be read.") % {"agency": self.agency_name},
                    detail=f"{chain_file}: {exc}",
                    code="signing_key_missing",
                ) from exc
        return pades.KeyMaterial(private_key=key, certificate=certificate, chain=tuple(chain))
