"""Who holds a DuckDB store: the lock file written next to it.

DuckDB lets one process open a database file for writing, or several for reading, never both
(it takes an OS file lock). Its own error names the PID but not the host or the command, so
the writing store also writes ``<store>.lock`` (JSON: pid, host, user, command, since) and
removes it on close. When DuckDB refuses a file, the message says who holds it from this file,
or from DuckDB's message when the file is missing. A lock file whose process is gone is stale
and simply replaced: the OS lock, not the file, is what excludes.
"""

from __future__ import annotations

import getpass
import json
import os
import re
import socket
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from humsec.errors import StoreLockedError


def lock_path(store: Path) -> Path:
    """The lock file of a store file."""
    return store.with_name(store.name + ".lock")


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (containers)
        return str(os.getuid()) if hasattr(os, "getuid") else "unknown"


def holder_now() -> dict[str, Any]:
    """This process, described as a lock holder."""
    return {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "user": _user(),
        "command": " ".join([Path(sys.argv[0]).name, *sys.argv[1:]])[:200] if sys.argv else "",
        "since": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def write_lock(store: Path) -> Path:
    """Write this process's lock file next to ``store`` (atomically) and return its path."""
    path = lock_path(store)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(holder_now()), encoding="utf-8")
    os.replace(tmp, path)
    return path


def remove_lock(path: Path) -> None:
    """Remove the lock file if it is still this process's."""
    try:
        holder = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    if holder.get("pid") == os.getpid() and holder.get("host") == socket.gethostname():
        path.unlink(missing_ok=True)


def read_lock(store: Path) -> dict[str, Any] | None:
    """The lock holder recorded next to ``store``, or None."""
    try:
        holder = json.loads(lock_path(store).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return holder if isinstance(holder, dict) else None


def locked_error(store: Path, duckdb_message: str, *, read_only: bool) -> StoreLockedError:
    """The error for a store DuckDB would not open because another process holds it."""
    holder = read_lock(store)
    pid_match = re.search(r"PID (\d+)", duckdb_message)
    if holder:
        who = (
            f"pid {holder.get('pid')} on host {holder.get('host')} "
            f"(user {holder.get('user')}, running '{holder.get('command')}', "
            f"since {holder.get('since')})"
        )
    elif pid_match:
        who = f"pid {pid_match.group(1)} on this host (DuckDB: {duckdb_message.strip()})"
    else:
        who = f"another process (DuckDB: {duckdb_message.strip()})"
    wanted = "read" if read_only else "write to"
    return StoreLockedError(
        f"cannot {wanted} the store: it is locked by a writer, {who}",
        location=str(store),
        hint="DuckDB allows one writing process, or several readers when nobody writes: "
        "wait for that process to finish or stop it (for `humsec serve`, use its API "
        "instead), then retry; for a shared store that many processes write, use "
        "PostgreSQL (--store postgresql://…)",
    )
