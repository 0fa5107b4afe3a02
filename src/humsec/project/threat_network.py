"""The threat network of a project's area panel, estimated once by ``humsec project run`` and
stored, so that the report reads it instead of re-estimating it.

The analysis ``threat_network`` runs :func:`humsec.threats.estimate_network` on the project's
area indicators (threats and directions from their declarations, the project's framework) with
:data:`NETWORK_BOOTSTRAP` area-block bootstrap draws and ``settings.seed``. Its tables are the
edges, the matrix A, the multiplier (when the spectral radius is below 1), the leverage, the
comparison with the framework and a ``summary`` row holding the rest as JSON; a panel on which
no network can be estimated stores the reason (``failure``) instead of failing the run.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pandas as pd

from humsec.errors import HumsecError
from humsec.project.project import Project

#: Bootstrap draws of the stored network (the report's number for the country panel too).
NETWORK_BOOTSTRAP = 200


def run_threat_network(project: Project) -> dict[str, pd.DataFrame]:
    """Estimate and tabulate the network (module docstring)."""
    from humsec.threats import estimate_network, registry_from_table

    try:
        network = estimate_network(
            project.indicator_wide(),
            bootstrap=NETWORK_BOOTSTRAP,
            seed=project.config.settings.seed,
            framework=project.framework,
            registry=registry_from_table(project.area_indicators),
        )
    except HumsecError as error:
        return {"failure": pd.DataFrame({"message": [str(error)]}, dtype="string")}
    return network_tables(network)


def network_tables(network: Any) -> dict[str, pd.DataFrame]:
    """The tables a :class:`humsec.threats.ThreatNetwork` is stored as (module docstring):
    ``summary`` (JSON of the scalars), ``edges``, ``matrix``, ``comparison`` and, when
    estimated, ``multiplier`` and ``leverage``; :func:`stored_network` reads them back."""
    payload = network.to_dict()
    meta = {
        k: payload[k]
        for k in (
            "wording",
            "threats",
            "pillars",
            "indicators",
            "transforms",
            "gaps",
            "lags",
            "spatial",
            "bootstrap",
            "seed",
            "bias_correction",
            "level",
            "spectral_radius",
            "radius_interval",
            "multiplier_message",
            "persistence",
        )
    }
    tables = {
        "summary": pd.DataFrame({"json": [json.dumps(meta, sort_keys=True)]}, dtype="string"),
        "edges": network.edges,
        "matrix": network.matrix.reset_index(),
        "comparison": network.comparison,
    }
    if network.multiplier is not None:
        tables["multiplier"] = network.multiplier.rename_axis("target").reset_index()
    if network.leverage is not None:
        tables["leverage"] = network.leverage
    return tables


def stored_network(tables: Mapping[str, pd.DataFrame]) -> Any:
    """The :class:`humsec.threats.ThreatNetwork` of a stored ``threat_network`` run, or the
    stored reason (a string) why none could be estimated."""
    from humsec.threats import ThreatNetwork

    if "failure" in tables:
        return str(tables["failure"]["message"].iloc[0])
    meta = json.loads(str(tables["summary"]["json"].iloc[0]))
    matrix = tables["matrix"].set_index("source")
    matrix.columns.name = "target"
    multiplier = None
    if "multiplier" in tables:
        multiplier = tables["multiplier"].set_index("target")
        multiplier.columns.name = "source"
    interval = meta["radius_interval"]
    return ThreatNetwork(
        threats=tuple(meta["threats"]),
        pillars=dict(meta["pillars"]),
        indicators=dict(meta["indicators"]),
        transforms=dict(meta["transforms"]),
        edges=tables["edges"],
        matrix=matrix,
        persistence=pd.Series(meta["persistence"], name="persistence", dtype=float),
        spillover=None,
        spectral_radius=float(meta["spectral_radius"]),
        radius_interval=tuple(interval) if interval else None,
        multiplier=multiplier,
        multiplier_message=str(meta["multiplier_message"]),
        leverage=tables.get("leverage"),
        comparison=tables["comparison"],
        gaps=dict(meta["gaps"]),
        lags=int(meta["lags"]),
        spatial=meta["spatial"],
        bootstrap=int(meta["bootstrap"]),
        seed=int(meta["seed"]),
        bias_correction=meta["bias_correction"],
        level=float(meta["level"]),
        wording=str(meta["wording"]),
    )


__all__ = ["NETWORK_BOOTSTRAP", "network_tables", "run_threat_network", "stored_network"]
