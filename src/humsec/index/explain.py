"""Which indicators drive a unit's index score, and by how much.

Each aggregate node splits its value among its children; an indicator's share of the root is
the product of its shares along the path from the root (COINr's ``get_contributions`` idea,
extended to every aggregation method). The split of one node follows its method:

* weighted means ``f^-1(sum w f(x) / sum w)``: child ``c`` gets ``w_c f(x_c) / sum w f(x)``.
  For the arithmetic mean that is the familiar ``w x`` share; for the geometric mean (and
  ``product``) it is the *log-share* ``w ln x / sum w ln x``, an exact split of ``ln M``;
* the inverted geometric mean ``M = c - GM(c - x)``: ``ln c - ln(c - M) = sum w^ (ln c -
  ln(c - x))`` exactly, so child ``c`` gets ``w (ln c - ln(c - x_c))`` over the sum; a
  child at 0 gets nothing and a child near the ceiling gets most;
* ``min`` / ``max``: the child that attains it gets everything (ties share);
* ``custom``: the change in the node when the child is set to 0, ``M - M(x_c = 0)``, over the
  sum of the sizes of those changes (signed: a child that lowers the node, such as ND-GAIN's
  vulnerability, gets a negative share).

``points`` = share x root score: for arithmetic trees they add up to the score exactly; for
the other methods they are a decomposition on the method's own scale, which the docs explain.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from humsec.errors import DataError, did_you_mean
from humsec.index.aggregation import QUASI_ARITHMETIC, node_generator
from humsec.index.build import IndexResult
from humsec.index.expression import parse_expression
from humsec.index.spec import NodeSpec


@dataclass
class Explanation:
    """Contributions of indicators (and nodes) to one unit's root score.

    ``indicators`` has, per indicator, ``raw`` (the data value as given, missing when it was
    imputed), ``treated`` (after denominator, transform, imputation and outlier treatment:
    the value that is normalised), ``normalised``, ``imputed``, ``share`` and ``points``."""

    unit: str
    score: float
    rank: float
    indicators: pd.DataFrame
    nodes: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        """The indicator table, largest contribution first."""
        return self.indicators


def _node_shares(node: NodeSpec, values: dict[str, float], weights: dict[str, float],
                 scale_max: float) -> dict[str, float]:
    present = {c: values[c] for c in node.children if not np.isnan(values[c])}
    present = {c: v for c, v in present.items() if weights.get(c, 1.0) > 0 or node.method in
               ("custom", "min", "max")}
    if not present:
        return dict.fromkeys(node.children, 0.0)
    if node.method in QUASI_ARITHMETIC or node.method == "product":
        method = "geometric" if node.method == "product" else node.method
        gen = node_generator(node, method=method, scale_max=scale_max)
        with np.errstate(divide="ignore", invalid="ignore"):
            if method == "inverted_geometric":
                assert gen.ceiling is not None
                terms = {
                    c: weights[c] * (np.log(gen.ceiling) - np.log(gen.ceiling - v))
                    for c, v in present.items()
                }
            else:
                terms = {
                    c: weights[c] * float(gen.forward(np.array(v))) for c, v in present.items()
                }
    elif node.method in ("min", "max"):
        target = min(present.values()) if node.method == "min" else max(present.values())
        terms = {c: float(v == target) for c, v in present.items()}
    else:
        expr = parse_expression(node.expression or "", node.children, location=node.code)
        base = float(expr.evaluate({c: np.array(values[c]) for c in node.children}))
        terms = {}
        for c in present:
            changed = {k: np.array(0.0 if k == c else values[k]) for k in node.children}
            terms[c] = base - float(expr.evaluate(changed))
    # Custom expressions: signed effects over the sum of their sizes (effects may cancel,
    # as in ND-GAIN's readiness - vulnerability, so the signed sum can be 0).
    total = (
        sum(abs(t) for t in terms.values()) if node.method == "custom" else sum(terms.values())
    )
    if not np.isfinite(total) or total == 0:
        return {c: (1.0 / len(present) if c in present else 0.0) for c in node.children}
    return {c: float(terms.get(c, 0.0) / total) for c in node.children}


def _as_float(value: object) -> float:
    """A rank (nullable integer) as a float, NaN when missing."""
    if value is None or value is pd.NA:
        return float("nan")
    return float(value)  # type: ignore[arg-type]


def explain(result: IndexResult, unit: str) -> Explanation:
    """Split unit ``unit``'s root score into indicator contributions (see module docstring).

    Raises :class:`DataError` (with close matches) if the unit is not in the result.
    """
    spec = result.spec
    labels = [str(u) for u in result.scores.index]
    if unit not in labels:
        raise DataError(
            f"unit {unit!r} is not in the index result",
            location=f"index {spec.code!r}",
            hint=did_you_mean(unit, labels) or f"units look like {labels[:5]}",
        )
    position = labels.index(unit)
    row = result.scores.iloc[position]
    values = {str(k): float(v) for k, v in row.items()}
    share_of_root: dict[str, float] = {spec.root: 1.0}
    local: dict[str, float] = {spec.root: 1.0}
    for node in spec.top_down():
        weights = spec.child_weights(node)
        shares = _node_shares(node, values, weights, spec.scale[1])
        for child, share in shares.items():
            local[child] = share
            share_of_root[child] = share_of_root[node.code] * share
    score = values[spec.root]
    treated = result.raw.iloc[position]
    given = result.inputs.iloc[position] if not result.inputs.empty else None
    audit = result.audit
    imputed_here = set(
        audit.loc[(audit["unit"] == unit) & (audit["step"] == "imputation"), "indicator"]
    )
    rows = []
    for ind in spec.indicators:
        path = spec.path_to(ind.code)
        rows.append(
            {
                "indicator": ind.code,
                "name": ind.name or ind.code,
                "path": " > ".join(path[1:-1]),
                "raw": float(given[ind.code]) if given is not None else float("nan"),
                "treated": float(treated[ind.code]),
                "normalised": values[ind.code],
                "imputed": ind.code in imputed_here,
                "share": share_of_root[ind.code],
                "points": share_of_root[ind.code] * score,
            }
        )
    indicators = pd.DataFrame(rows).sort_values("share", ascending=False, key=np.abs)
    nodes = pd.DataFrame(
        [
            {
                "node": n.code,
                "name": n.name or n.code,
                "level": spec.level_of(n.code),
                "score": values[n.code],
                "rank": _as_float(result.ranks.iloc[position][n.code]),
                "share_in_parent": local[n.code],
                "share": share_of_root[n.code],
            }
            for n in spec.top_down()
        ]
    )
    rank = _as_float(result.ranks.iloc[position][spec.root])
    return Explanation(
        unit=unit, score=score, rank=rank, indicators=indicators.reset_index(drop=True),
        nodes=nodes,
    )
