"""A dashboard page's project: checked against the signed-in token's role, with its store's
latest results per analysis."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from fastapi import Request

from humsec.api import need
from humsec.project import Project
from humsec.project.store import Role, RunRecord, Store, TokenRecord

PAGES = (
    ("overview", "Overview", ""),
    ("map", "Map", "/map"),
    ("fear_want", "Fear × want", "/fear-want"),
    ("profile", "Area profile", "/areas"),
    ("groups", "Left behind", "/groups"),
    ("stress", "Stress test", "/stress-test"),
    ("appraisal", "Appraisal", "/appraisal"),
    ("planner", "Planner", "/planner"),
    ("history", "Run history", "/history"),
)


@dataclass
class ProjectPage:
    """What every project page needs: the name, the loaded project, its store, the caller."""

    name: str
    project: Project
    store: Store
    record: TokenRecord
    _latest: dict[str, tuple[RunRecord | None, dict[str, pd.DataFrame]]] = field(
        default_factory=dict
    )

    def can(self, role: Role) -> bool:
        """True when the signed-in token holds ``role`` for this project."""
        return self.record.allows(role, self.name)

    def latest(self, analysis: str) -> tuple[RunRecord | None, dict[str, pd.DataFrame]]:
        """The latest run of ``analysis`` in the project's store and its tables (the tables
        of the run it reused, for a reuse); ``(None, {})`` when it never ran."""
        if analysis not in self._latest:
            history = self.store.history()
            rows = history[history["analysis"] == analysis]
            if rows.empty:
                self._latest[analysis] = (None, {})
            else:
                run = self.store.run(str(rows["run_id"].iloc[-1]))
                self._latest[analysis] = (run, self.store.tables(run.run_id))
        return self._latest[analysis]

    def context(self, active: str, **extra: Any) -> dict[str, Any]:
        """Template context shared by the project pages."""
        return {
            "name": self.name,
            "project": self.project,
            "record": self.record,
            "pages": PAGES,
            "active": active,
            "can_compute": self.can("analyst"),
            **extra,
        }


def project_page(
    request: Request, name: str, record: TokenRecord, role: Role = "viewer"
) -> ProjectPage:
    """Open project ``name`` for a page, if the token holds ``role`` for it (403 otherwise)."""
    need(record, role, name)
    workspace = request.app.state.workspace
    project = workspace.project(name)
    return ProjectPage(name, project, workspace.store(name), record)
