"""The projects a service serves: one folder each under the workspace, each with its store.

A project is a folder with a ``humsec.yaml`` (see :mod:`humsec.project`). The service opens
each project's own store once and keeps it (so the DuckDB single-writer rule holds: the service
is the one writer; a CLI run on the same folder meanwhile gets a clear "locked" error naming
the service's process). Names are checked (lowercase letters, digits, ``-`` and ``_``) so
that no request can reach outside the workspace.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path
from typing import Any

from humsec.api.problems import ServiceProblem
from humsec.errors import did_you_mean
from humsec.project import PROJECT_FILE, Project, add_dataset, init_demo, open_project_store
from humsec.project.store import DatasetVersion, Store

_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
_FILE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,120}$")


def check_name(name: str, what: str = "project name") -> str:
    """A project name that is one safe path segment, or a 422 problem saying what is allowed."""
    if not _NAME.match(name):
        raise ServiceProblem(
            422,
            f"{name!r} is not a valid {what}",
            hint="use 1-63 lowercase letters, digits, '-' or '_', starting with a letter or digit",
            location=f"path: {what.replace(' ', '_')}",
        )
    return name


def safe_file_name(name: str) -> str:
    """An uploaded file's name as one safe path segment (no folders, no '..', no hidden file)."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    if base != name or not _FILE.match(base) or ".." in base:
        raise ServiceProblem(
            422,
            f"the file name {name!r} is not allowed",
            hint="name the file with letters, digits, '.', '-' or '_' only (no folders or '..')",
            location="form: file",
        )
    return base


class Workspace:
    """The service's projects under ``root``."""

    def __init__(self, root: Path):
        self.root = root
        self._stores: dict[str, Store] = {}
        self._loaded: dict[str, tuple[tuple[int, int], Project]] = {}
        self._writers: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()

    def names(self) -> list[str]:
        """Every project in the workspace (folders holding a humsec.yaml), sorted."""
        if not self.root.is_dir():
            return []
        return sorted(p.parent.name for p in self.root.glob(f"*/{PROJECT_FILE}"))

    def folder(self, name: str) -> Path:
        """The folder of project ``name`` (404 with the closest names when unknown)."""
        check_name(name)
        folder = self.root / name
        if not (folder / PROJECT_FILE).is_file():
            names = self.names()
            raise ServiceProblem(
                404,
                f"no project {name!r}",
                hint=(did_you_mean(name, names) or f"projects: {', '.join(names) or 'none'}"),
                location="path: project",
            )
        return folder

    def project(self, name: str) -> Project:
        """The loaded, validated project ``name``.

        Loading validates every dataset, so the result is kept until ``humsec.yaml`` changes
        (adding a dataset rewrites it; data files are only added through it)."""
        file = self.folder(name) / PROJECT_FILE
        stat = file.stat()
        stamp = (stat.st_mtime_ns, stat.st_size)
        with self._lock:
            cached = self._loaded.get(name)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        project = Project.load(file.parent)
        with self._lock:
            self._loaded[name] = (stamp, project)
        return project

    def add_dataset(
        self, name: str, file: Path, role: str | None = None
    ) -> tuple[Project, dict[str, Any], DatasetVersion]:
        """Add ``file`` to project ``name`` (:func:`humsec.project.add_dataset`) and keep its
        bytes as a new version in the project's store; return the reloaded project, the
        dataset entry and the stored version.

        Adding a dataset rewrites the project's ``humsec.yaml``: two uploads to one project
        at once are taken one after the other, so neither entry is lost."""
        folder = self.folder(name)
        with self._lock:
            writer = self._writers.setdefault(name, threading.Lock())
        with writer:
            loaded, entry = add_dataset(folder, file, role=role)
            version = self.store(name).put_dataset(entry["name"], file.read_bytes())
        return loaded, entry, version

    def store(self, name: str) -> Store:
        """The project's store, opened once and kept open by the service."""
        project = self.project(name)
        with self._lock:
            if name not in self._stores:
                self._stores[name] = open_project_store(project)
            return self._stores[name]

    def create_demo(self, name: str) -> Project:
        """A new project ``name`` copied from the bundled demo (409 if it exists)."""
        check_name(name)
        if (self.root / name).exists():
            raise ServiceProblem(
                409, f"project {name!r} already exists", hint="choose another name"
            )
        self.root.mkdir(parents=True, exist_ok=True)
        return init_demo(self.root / name)

    def close(self) -> None:
        """Close every project store."""
        with self._lock:
            for store in self._stores.values():
                store.close()
            self._stores.clear()
