"""One comparable series per threat: the indicator chosen, oriented and standardised.

For each framework threat the indicator is, unless the user names one, the registered
indicator that measures that threat alone (indicators shared with other threats come after)
with the most (unit, year) values in the panel, provided it varies over at least
``min_years`` years. A threat whose only candidate is already used by another threat is left
out (two threats with one series cannot be told apart), and so is a threat without any
time-varying indicator; both are listed with their reason.

Each chosen series is then made comparable:

1. strictly positive series with pooled skewness above 1 (e.g. GDP or CO₂ per head) are
   logged;
2. ``higher_is_better`` series are negated, so that higher always means more of the threat
   and a positive edge reads "more of A goes with more of B", the framework's sign +1;
3. the result is standardised to mean 0 and standard deviation 1 over all its values, so that
   edges are in standard deviations and comparable across threats.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from humsec.data import Indicator, IndicatorRegistry, IndicatorSource
from humsec.errors import ColumnError, did_you_mean
from humsec.framework import Framework


@dataclass(frozen=True)
class ThreatSeries:
    """The series behind each estimated threat and the threats left out.

    ``values`` has one column per threat (oriented, standardised), indexed like the panel.
    ``indicators`` maps threat → indicator code; ``transforms`` threat → e.g. ``"log, negated,
    z-score"``; ``gaps`` threat → why it was not estimated.
    """

    values: pd.DataFrame
    indicators: dict[str, str]
    transforms: dict[str, str]
    gaps: dict[str, str]


def _years_with_values(panel: pd.DataFrame, code: str) -> int:
    column = panel[code].dropna()
    return int(column.index.get_level_values(1).nunique()) if len(column) else 0


def choose_indicators(
    panel: pd.DataFrame,
    threats: Sequence[str],
    registry: IndicatorRegistry,
    chosen: Mapping[str, str] | None = None,
    min_years: int = 3,
) -> tuple[dict[str, str], dict[str, str]]:
    """Threat → indicator code for the threats that can be estimated, and threat → reason for
    the others (see the module docstring for the rule)."""
    picks: dict[str, str] = {}
    gaps: dict[str, str] = {}
    given = dict(chosen or {})
    for threat, code in given.items():
        if code not in panel.columns:
            raise ColumnError(
                f"indicator {code!r} chosen for threat {threat!r} is not a panel column",
                location="estimate_network(indicators=...)",
                hint=did_you_mean(code, panel.columns) or "pick a column of the panel",
            )
    observed: dict[str, tuple[int, int]] = {}  # code -> (values, years with values), once

    def coverage(code: str) -> tuple[int, int]:
        if code not in observed:
            observed[code] = (int(panel[code].notna().sum()), _years_with_values(panel, code))
        return observed[code]

    for threat in threats:
        if threat in given:
            picks[threat] = given[threat]
            continue
        candidates = [
            (len(i.threats) == 1, coverage(i.code)[0], -k, i.code)
            for k, i in enumerate(registry.by_threat(threat))
            if i.code in panel.columns and coverage(i.code)[1] >= min_years
        ]
        free = [c for c in candidates if c[3] not in picks.values()]
        if not candidates:
            gaps[threat] = f"no registered indicator varies over {min_years}+ years in the panel"
        elif not free:
            other = next(t for t, c in picks.items() if c == max(candidates)[3])
            gaps[threat] = (
                f"its only indicator {max(candidates)[3]!r} is already used for {other!r}"
            )
        else:
            picks[threat] = max(free)[3]
    return picks, gaps


def threat_series(
    panel: pd.DataFrame,
    framework: Framework,
    registry: IndicatorRegistry,
    threats: Sequence[str] | None = None,
    indicators: Mapping[str, str] | None = None,
    min_years: int = 3,
) -> ThreatSeries:
    """Choose, orient and standardise one series per threat (module docstring)."""
    from scipy import stats  # here, not at import: a stored network needs no scipy

    wanted = list(framework.threat_ids) if threats is None else list(threats)
    for threat in [*wanted, *(indicators or {})]:
        framework.threat(threat)
    picks, gaps = choose_indicators(panel, wanted, registry, indicators, min_years)
    columns: dict[str, pd.Series] = {}
    transforms: dict[str, str] = {}
    registered = set(registry.codes())
    for threat, code in picks.items():
        values = panel[code].astype(np.float64)
        steps = []
        present = values.dropna()
        if len(present) > 2 and present.min() > 0 and stats.skew(present) > 1:
            values = pd.Series(np.log(values.to_numpy()), index=values.index)
            steps.append("log")
        direction = registry.get(code).direction if code in registered else "higher_is_worse"
        if direction == "higher_is_better":
            values = -values
            steps.append("negated")
        spread = float(values.std())
        if not spread > 0:
            gaps[threat] = f"indicator {code!r} does not vary"
            continue
        columns[threat] = (values - values.mean()) / spread
        steps.append("z-score")
        transforms[threat] = ", ".join(steps)
    frame = pd.DataFrame(columns, index=panel.index)
    return ThreatSeries(
        values=frame,
        indicators={t: picks[t] for t in columns},
        transforms=transforms,
        gaps=gaps,
    )


def registry_from_table(indicators: pd.DataFrame) -> IndicatorRegistry:
    """An indicator registry from a long table of declared indicators (one or more rows per
    ``indicator`` with ``threats`` comma-separated, ``direction``, ``pillar`` and ``dataset``),
    e.g. a project's ``area_indicators``. Indicators without a threat or pillar (population)
    are left out."""
    entries = []
    for code, rows in indicators.groupby("indicator", sort=False):
        first = rows.iloc[0]
        threats = [t for t in str(first["threats"] or "").split(",") if t]
        if not threats or first["pillar"] not in ("fear", "want"):
            continue
        entries.append(
            Indicator(
                code=str(code),
                name=str(code),
                unit="",
                sources=[IndicatorSource(dataset=str(first["dataset"]), variable=str(code))],
                direction=str(first["direction"]),
                threats=threats,
                pillar=str(first["pillar"]),
            )
        )
    return IndicatorRegistry(schema_version=1, indicators=entries)
