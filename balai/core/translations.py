"""Translation catalogues: compiled with polib (no GNU gettext needed to run Balai) and checked for
completeness (CI fails on an untranslated or fuzzy Indonesian entry)."""

from __future__ import annotations

from pathlib import Path

import polib
from django.conf import settings


def catalogues(language: str | None = None) -> list[Path]:
    root = Path(settings.BASE_DIR) / "balai"
    pattern = f"**/locale/{language or '*'}/LC_MESSAGES/*.po"
    return sorted(p for p in root.glob(pattern) if ".venv" not in p.parts)


def compile_all() -> list[Path]:
    written = []
    for po_path in catalogues():
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
        written.append(mo_path)
    return written


def incomplete_entries(language: str) -> list[tuple[Path, int, str, str]]:
    """(file, line, problem, msgid) for every untranslated or fuzzy entry of ``language``."""
    problems = []
    for po_path in catalogues(language):
        po = polib.pofile(str(po_path))
        for entry in po:
            if entry.obsolete:
                continue
            if "fuzzy" in entry.flags:
                problems.append((po_path, entry.linenum, "fuzzy", entry.msgid))
            elif not entry.translated():
                problems.append((po_path, entry.linenum, "untranslated", entry.msgid))
    return problems
