"""Files a team uploads for a computation (a programme, a 3W table, a candidate table, an IATI
file), kept in the project's store as versioned datasets: ``<collection>/<name>``.

An upload is read in chunks (the service's body limit applies before), must have a safe file
name with one of the collection's suffixes and must not be empty. Its bytes are stored as a new
version of its name unless they equal the latest version (by SHA-256); nothing is overwritten.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
from fastapi import UploadFile

from humsec.api.problems import ServiceProblem
from humsec.api.workspace import safe_file_name
from humsec.errors import did_you_mean
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


def listing(store: Store, collection: str) -> list[dict[str, Any]]:
    """The latest version of every upload of ``collection``: name, version, sha256, size,
    added (ISO 8601)."""
    frame = store.datasets()
    frame = frame[frame["name"].str.startswith(f"{collection}/")]
    latest = frame.sort_values("version").groupby("name", sort=True).tail(1)
    return [
        {
            "name": str(name).removeprefix(f"{collection}/"),
            "version": int(version),
            "sha256": str(sha),
            "size": int(size),
            "added": str(pd.Timestamp(added).isoformat()),
        }
        for name, version, sha, size, added in latest.sort_values("name")[
            ["name", "version", "sha256", "size", "added"]
        ].itertuples(index=False)
    ]


def stored(
    store: Store, collection: str, name: str, what: str, *, location: str | None = None
) -> bytes:
    """The latest bytes of ``collection/name``, or a 404 problem naming the uploads there."""
    names = [item["name"] for item in listing(store, collection)]
    if name not in names:
        raise ServiceProblem(
            404,
            f"no {what} {name!r} in this project",
            hint=did_you_mean(name, names)
            or (f"uploaded: {', '.join(names)}" if names else f"upload a {what} first"),
            location=location or f"path: {what.replace(' ', '_')}",
        )
    return store.dataset(f"{collection}/{name}")
