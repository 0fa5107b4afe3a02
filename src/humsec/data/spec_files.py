"""Read specification files (index specs, deprivation specs, shock scenarios, measures).

Specifications are data: small YAML mappings a user copies and edits. This is the one place
that turns a path into a mapping, so that every engine reports a missing file, broken YAML or a
file that is not a mapping the same way.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from humsec.errors import SpecError


def read_spec_mapping(path: str | Path, *, kind: str, hint: str) -> dict[str, Any]:
    """Return the YAML mapping in ``path``.

    ``kind`` names the specification in messages (e.g. ``"index spec"``); ``hint`` says where
    to start when the file is missing (a preset, a bundled example).
    """
    target = Path(path)
    if not target.is_file():
        raise SpecError(f"{kind} file not found", location=str(target), hint=hint)
    try:
        data = yaml.safe_load(target.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise SpecError(
            f"not valid YAML: {error}",
            location=str(target),
            hint="check indentation and quoting at the line shown",
        ) from None
    if not isinstance(data, dict):
        raise SpecError(
            f"a {kind} must be a YAML mapping (key: value pairs), not {type(data).__name__}",
            location=str(target),
        )
    return data
