"""Content hashes: of files and bytes, of specs (canonical JSON) and of a run's inputs.

A run is identified by what went into it, not by when it ran::

    input_hash = sha256( canonical_json({
        "inputs": [[name, sha256(file)] ...sorted by name],
        "spec": spec,
        "humsec_version": version,
        "seed": seed,
    }) )

Canonical JSON (RFC 8785 in spirit): keys sorted, no insignificant whitespace, UTF-8, floats in
Python's shortest round-trip repr, NaN/Infinity refused. The same inputs, spec, version and seed
always give the same hash on every machine; changing any of them gives a new hash, so a rerun
with identical inputs reuses the stored result and a changed input makes a new version.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path, PurePath
from typing import Any

from humsec.errors import DataError, SpecError

_CHUNK = 1 << 20


def content_hash(source: str | Path | bytes) -> str:
    """SHA-256 (hex) of a file's bytes or of a bytes object, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    if isinstance(source, bytes | bytearray | memoryview):
        digest.update(source)
        return digest.hexdigest()
    path = Path(source)
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                digest.update(chunk)
    except OSError as exc:
        raise DataError(
            f"cannot read the file to hash it: {exc.strerror or exc}",
            location=str(path),
            hint="check that the file exists and is readable",
        ) from exc
    return digest.hexdigest()


def _jsonable(value: Any, where: str) -> Any:
    """Turn ``value`` into plain JSON types, deterministically, or raise :class:`SpecError`."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise SpecError(
                f"the spec holds a non-finite number ({value}) that has no JSON form",
                location=f"spec node '{where}'",
                hint="use null for a missing value",
            )
        return value
    model_dump = getattr(value, "model_dump", None)
    if callable(model_dump):  # a pydantic model
        return _jsonable(model_dump(mode="json"), where)
    item = getattr(value, "item", None)
    if callable(item) and type(value).__module__ == "numpy":  # numpy scalar
        return _jsonable(item(), where)
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v, f"{where}.{k}" if where else str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v, f"{where}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, set | frozenset):
        items = [_jsonable(v, where) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True))
    if isinstance(value, PurePath):
        return value.as_posix()
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise SpecError(
        f"the spec holds a {type(value).__name__}, which has no canonical JSON form",
        location=f"spec node '{where}'",
        hint="pass specs as plain dicts, lists, strings and numbers (pydantic: model_dump())",
    )


def canonical_json(value: Any) -> str:
    """The canonical JSON text of ``value``: sorted keys, compact separators, UTF-8."""
    return json.dumps(
        _jsonable(value, ""),
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
    )


def input_hash(
    inputs: Mapping[str, str],
    spec: Mapping[str, Any],
    humsec_version: str,
    seed: int | None,
) -> str:
    """SHA-256 (hex) of a run's inputs: input file hashes, spec, humsec version and seed.

    ``inputs`` maps each input's name (its role, e.g. ``"survey"``) to the SHA-256 of its
    content (see :func:`content_hash`). The formula is in the module docstring.
    """
    for name, sha in inputs.items():
        if not (
            isinstance(sha, str) and len(sha) == 64 and all(c in "0123456789abcdef" for c in sha)
        ):
            raise DataError(
                f"input {name!r} has {sha!r} where a SHA-256 hex digest is expected",
                location=f"inputs[{name!r}]",
                hint="hash the input's content with humsec.project.store.content_hash(path)",
            )
    payload = {
        "inputs": sorted([str(name), sha] for name, sha in inputs.items()),
        "spec": spec,
        "humsec_version": str(humsec_version),
        "seed": None if seed is None else int(seed),
    }
    return hashlib.sha256(canonical_json(payload).encode("utf-8")).hexdigest()
