"""Files a team uploads for a computation (a programme, a 3W table, a candidate table, an IATI
file), kept in the project's store as versioned datasets: ``<collection>/<name>``. The
project's own datasets of the same kind (declared in humsec.yaml) are offered beside them.

An upload is read in chunks (the service's body limit applies before), must have a safe file
name with one of the collection's suffixes and must not be empty. Its bytes are stored as a new
version of its name unless they equal the latest version (by SHA-256); nothing is overwritten.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from fastapi import UploadFile

from humsec.api.problems import ServiceProblem
from humsec.api.workspace import safe_file_name
from humsec.errors import did_you_mean
from humsec.project import Project, file_sha256
from humsec.project.store import Store

UPLOAD_CHUNK = 1 << 20
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,120}$")


async def read_upload(file: UploadFile, suffixes: Sequence[str], what: str) -> tuple[str, bytes]:
    """``(file name, bytes)`` of an upload, or a 422 problem saying what a valid one is."""
    name = safe_file_name(file.filename or "")
    if Path(name).suffix.lower() not in suffixes:
        raise ServiceProblem(
            422,
            f"cannot read {name!r} as {what}",
            hint=f"upload a file ending in {', '.join(suffixes)}",
            location="form: file",
        )
    chunks = []
    while chunk := await file.read(UPLOAD_CHUNK):
        chunks.append(chunk)
    data = b"".join(chunks)
    if not data:
        raise ServiceProblem(422, f"the file {name!r} is empty", location="form: file")
    return name, data


def check_id(value: str, what: str) -> str:
    """An id that is one safe URL path segment (a programme id, an upload name)."""
    if not _ID.match(value):
        raise ServiceProblem(
            422,
            f"{value!r} is not usable as {what}",
            hint="use letters, digits, '.', '-', '_' or ':' (no '/' or spaces), at most 121",
            location=f"path: {what.replace(' ', '_')}",
        )
    return value


def keep(store: Store, collection: str, name: str, data: bytes, actor: str) -> dict[str, Any]:
    """Store ``data`` as the next version of ``collection/name``; its version record."""
    version = store.put_dataset(f"{collection}/{name}", data, actor=actor)
    return {
        "name": name,
        "version": version.version,
        "sha256": version.sha256,
        "size": version.size,
    }


def project_files(project: Project, role: str) -> dict[str, Path]:
    """The project's own datasets of ``role`` (declared in humsec.yaml), by file name."""
    return {Path(d.file).name: project.path(d.file) for d in project.datasets(role)}


def listing(
    store: Store, collection: str, files: Mapping[str, Path] | None = None
) -> list[dict[str, Any]]:
    """The latest version of every upload of ``collection`` (``source: upload``: name,
    version, sha256, size, added in ISO 8601), then the project's own ``files`` of that kind
    not shadowed by an upload of the same name (``source: project``)."""
    frame = store.datasets()
    frame = frame[frame["name"].str.startswith(f"{collection}/")]
    latest = frame.sort_values("version").groupby("name", sort=True).tail(1)
    items: list[dict[str, Any]] = [
        {
            "name": str(name).removeprefix(f"{collection}/"),
            "source": "upload",
            "version": int(version),
            "sha256": str(sha),
            "size": int(size),
            "added": str(pd.Timestamp(added).isoformat()),
        }
        for name, version, sha, size, added in latest.sort_values("name")[
            ["name", "version", "sha256", "size", "added"]
        ].itertuples(index=False)
    ]
    uploaded = {item["name"] for item in items}
    for name, path in sorted((files or {}).items()):
        if name not in uploaded:
            items.append(
                {
                    "name": name,
                    "source": "project",
                    "version": None,
                    "sha256": file_sha256(path),
                    "size": path.stat().st_size,
                    "added": None,
                }
            )
    return items


def stored(
    store: Store,
    collection: str,
    name: str,
    what: str,
    *,
    location: str | None = None,
    files: Mapping[str, Path] | None = None,
) -> bytes:
    """The latest bytes of upload ``collection/name``, else of the project's own file
    ``name``; a 404 problem naming both kinds when there is neither."""
    items = listing(store, collection, files)
    found = next((item for item in items if item["name"] == name), None)
    if found is None:
        names = [item["name"] for item in items]
        raise ServiceProblem(
            404,
            f"no {what} {name!r} in this project",
            hint=did_you_mean(name, names)
            or (f"available: {', '.join(names)}" if names else f"upload a {what} first"),
            location=location or f"path: {what.replace(' ', '_')}",
        )
    if found["source"] == "project":
        return (files or {})[name].read_bytes()
    return store.dataset(f"{collection}/{name}")
