"""Which analyses a loaded project can run, and what the others need, worked out once.

:func:`humsec.project.missing_inputs` checks every analysis's inputs against the project's
data (the threat network's check alone groups the whole area-indicator table by threat and
year): tens of milliseconds of pandas work holding the interpreter lock. The project overview
asks it on every request and a project run once per analysis, so under load it stalled every
other request's thread. A loaded :class:`~humsec.project.Project` does not change (the
service's workspace loads a new one when ``humsec.yaml`` changes, and data files are only
added through it), so the answer is kept per loaded project and dropped with it.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Mapping

from humsec.project import Project, missing_inputs

# Keyed by the project object's id (a Project compares by value and is not hashable); the
# weak reference tells a live project from a new one that reuses a dead one's id, and the
# finaliser drops the entry with the project.
_KEPT: dict[int, tuple[weakref.ref[Project], Mapping[str, list[str]]]] = {}
_LOCK = threading.Lock()


def analysis_needs(project: Project) -> Mapping[str, list[str]]:
    """``{analysis: [what it needs, ...]}`` for the analyses ``project`` cannot run yet
    (:func:`humsec.project.missing_inputs`), computed once per loaded project. Read only:
    the mapping is shared by every request on the project."""
    key = id(project)
    with _LOCK:
        kept = _KEPT.get(key)
    if kept is not None and kept[0]() is project:
        return kept[1]
    needs = missing_inputs(project)
    with _LOCK:
        _KEPT[key] = (weakref.ref(project), needs)
    weakref.finalize(project, _forget, key)
    return needs


def _forget(key: int) -> None:
    with _LOCK:
        _KEPT.pop(key, None)
