"""Project datasets: what each role needs, inferring a file's role and column mapping, and
checking a table against the project's areas.

Roles and the fields of their column mapping (``columns:`` in humsec.yaml):

========== =============================================== ==========================
role       fields (required first)                         typical file
========== =============================================== ==========================
indicators area, year                                      area x year table
survey     area, weight, psu, strata, household            person-level microdata
events     lat, lon, year, weight (e.g. fatalities)        point events (UCDP GED)
3w         area, org, sector, reached, targeted, activity, who-does-what-where table
           adm1, adm2, donor, partner, org_type, date
scenario   (none: a scenario YAML)                         hazards by area
measures   (none: a measures YAML)                         risk-reduction measures
programme  (none: a programme YAML or table)               programmes
candidates area, package, cost, benefit, threats, groups,  candidate packages per
           mode, reduces_risk, reduction, people           area for the plan
========== =============================================== ==========================

A ``candidates`` table without ``benefit`` has it derived from the project
(:func:`humsec.project.project_candidates`): it then needs ``threats`` and ``reduction``.

A field is inferred from HXL hashtags first (``#adm1+code``, ``#geo+lat``, ``#org``,
``#sector``), then from usual column names (``ADM1_PCODE``, ``latitude``, ``psu``,
``hv021``…), and for ``area`` from the values (the column whose values are the project's
p-codes). What cannot be inferred is an error naming the ``--map field=column`` to pass.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from humsec.errors import SpecError
from humsec.project.problems import Problems, unknown_codes_text

TABLE_ROLES = ("indicators", "survey", "events", "3w", "candidates")
YAML_ROLES = ("scenario", "measures", "programme")

REQUIRED: dict[str, tuple[str, ...]] = {
    "indicators": ("area",),
    "survey": ("area", "weight", "psu"),
    "events": ("lat", "lon", "year"),
    "3w": ("area", "org", "sector"),
    "candidates": ("area", "package", "cost"),
    "scenario": (),
    "measures": (),
    "programme": (),
}
OPTIONAL: dict[str, tuple[str, ...]] = {
    "indicators": ("year",),
    "survey": ("strata", "household"),
    "events": ("weight", "date"),
    "3w": ("reached", "targeted", "activity", "adm1", "adm2", "donor", "partner", "org_type",
           "date"),
    "candidates": ("benefit", "threats", "groups", "mode", "reduces_risk", "reduction", "people"),
    "scenario": (),
    "measures": (),
    "programme": (),
}

_HXL: dict[str, tuple[str, ...]] = {
    "lat": ("#geo+lat",),
    "lon": ("#geo+lon",),
    "year": ("#date+year",),
    "date": ("#date+start", "#date-year"),
    "weight": ("#affected+killed",),
    "org": ("#org",),
    "sector": ("#sector",),
    "reached": ("#reached",),
    "targeted": ("#targeted",),
    "activity": ("#activity",),
}
_NAMES: dict[str, tuple[str, ...]] = {
    "lat": ("latitude", "lat", "y"),
    "lon": ("longitude", "lon", "lng", "long", "x"),
    "year": ("year", "yr", "date_year"),
    "date": ("date_start", "date", "event_date"),
    "weight": ("weight", "wt", "wgt", "hhweight", "pweight", "hv005", "v005", "hh_weight"),
    "psu": ("psu", "cluster", "clust", "hv021", "v021", "ea", "ea_id"),
    "strata": ("stratum", "strata", "strat", "hv022", "v022"),
    "household": ("hh_id", "hhid", "household_id", "hh"),
    "org": ("org", "organisation", "organization", "partner"),
    "sector": ("sector", "cluster_name"),
    "reached": ("reached", "people_reached", "beneficiaries"),
    "targeted": ("targeted", "people_targeted"),
    "activity": ("activity",),
    "package": ("package", "intervention", "intervention_package"),
    "cost": ("cost", "cost_usd", "costs"),
    "benefit": ("benefit", "benefits"),
    "threats": ("threats", "threat"),
    "groups": ("groups", "target_groups"),
    "mode": ("mode",),
    "reduces_risk": ("reduces_risk", "risk_reduction"),
    "reduction": ("reduction", "threat_reduction"),
    "people": ("people", "beneficiaries_people", "people_reached"),
}
_EVENT_WEIGHT_NAMES = ("best", "fatalities", "deaths")


def _by_hxl(frame: pd.DataFrame, patterns: Sequence[str]) -> str | None:
    from humsec.data import find_columns

    if not frame.attrs.get("hxl"):
        return None
    for pattern in patterns:
        found = find_columns(frame, pattern)
        if len(found) == 1:
            return str(found[0])
    return None


def _by_name(columns: Sequence[str], names: Sequence[str]) -> str | None:
    lower = {str(c).lower(): str(c) for c in columns}
    for name in names:
        if name in lower:
            return lower[name]
    return None


def area_column(frame: pd.DataFrame, pcodes: Sequence[str], level: int | None = None) -> str | None:
    """The column that holds the project's p-codes: by HXL tag (``#adm1+code``), by name
    (``ADM1_PCODE``, ``pcode``), else the column with the largest share of p-code values
    (at least half of its non-missing values)."""
    from humsec.project.boundaries import detect_field

    levels = [level] if level else [1, 2, 3]
    for lv in levels:
        tagged = _by_hxl(frame, (f"#adm{lv}+code", f"#adm{lv}+pcode"))
        if tagged:
            return tagged
        named = detect_field([str(c) for c in frame.columns], lv, "pcode")
        if named:
            return named
    known = set(pcodes)
    best, best_share = None, 0.5
    for column in frame.columns:
        values = frame[column].dropna()
        if values.empty or not (values.dtype == object or isinstance(values.dtype, pd.StringDtype)):
            continue
        sample = values.astype(str).str.strip().unique()[:5000]
        share = sum(v in known for v in sample) / len(sample)
        if share > best_share:
            best, best_share = str(column), share
    return best


def infer_columns(
    frame: pd.DataFrame,
    role: str,
    pcodes: Sequence[str],
    given: Mapping[str, str] | None = None,
    *,
    location: str = "dataset",
) -> dict[str, str]:
    """The column mapping of ``frame`` for ``role`` (see the module docstring).

    ``given`` fields win over inferred ones and are checked to exist. A required field that is
    neither given nor inferred raises :class:`SpecError` naming ``--map field=column``.
    """
    given = dict(given or {})
    columns = [str(c) for c in frame.columns]
    fields = (*REQUIRED[role], *OPTIONAL[role])
    unknown_fields = sorted(set(given) - set(fields))
    if unknown_fields:
        raise SpecError(
            f"{', '.join(unknown_fields)} {'is' if len(unknown_fields) == 1 else 'are'} "
            f"not a field of role {role!r}",
            location=location,
            hint=f"fields of {role}: {', '.join(fields)}",
        )
    for field_name, column in given.items():
        if column not in columns:
            from humsec.errors import did_you_mean

            raise SpecError(
                f"--map {field_name}={column}: no column {column!r}",
                location=location,
                hint=did_you_mean(column, columns) or f"columns: {', '.join(columns)}",
            )
    mapping: dict[str, str] = {}
    for field_name in fields:
        if field_name in given:
            mapping[field_name] = given[field_name]
            continue
        found: str | None
        if field_name == "area":
            found = area_column(frame, pcodes)
        else:
            found = _by_hxl(frame, _HXL.get(field_name, ())) or _by_name(
                columns, _NAMES.get(field_name, ())
            )
            if found is None and role == "events" and field_name == "weight":
                found = _by_name(columns, _EVENT_WEIGHT_NAMES)
        if found is not None:
            mapping[field_name] = found
    missing = [f for f in REQUIRED[role] if f not in mapping]
    if missing:
        raise SpecError(
            f"cannot infer the {role} column(s) for {', '.join(missing)}",
            location=location,
            hint=" ".join(f"--map {f}=COLUMN" for f in missing)
            + f"; columns: {', '.join(columns[:30])}",
        )
    return mapping


def infer_role(path: Path, frame: pd.DataFrame | None, pcodes: Sequence[str]) -> str:
    """Guess a file's role: YAML by its top keys, tables by their columns.

    Raises :class:`SpecError` naming ``--role`` when no role, or more than one, fits.
    """
    if frame is None:
        from humsec.specs import load_spec_file

        data = load_spec_file(path, kind="dataset")
        keys = set(data) if isinstance(data, dict) else set()
        fits = [
            role
            for role, key in (
                ("scenario", "hazards"),
                ("measures", "measures"),
                ("programme", "programme"),
                ("programme", "programmes"),
            )
            if key in keys
        ]
    else:
        fits = []
        for role in TABLE_ROLES:
            try:
                infer_columns(frame, role, pcodes)
            except SpecError:
                continue
            fits.append(role)
        if {"events", "survey", "3w", "candidates"} & set(fits):
            fits = [r for r in fits if r != "indicators"]
    fits = list(dict.fromkeys(fits))
    if len(fits) == 1:
        return fits[0]
    raise SpecError(
        "cannot infer the role of this file"
        + (f": it could be {' or '.join(fits)}" if fits else ""),
        location=str(path),
        hint="pass --role "
        + "|".join(
            ("survey", "indicators", "events", "scenario", "measures", "3w", "programme",
             "candidates")
        ),
    )


def check_areas(
    frame: pd.DataFrame, column: str, pcodes: Sequence[str], location: str, problems: Problems
) -> None:
    """Record the area codes of ``frame[column]`` that are not project p-codes, with the row of
    their first appearance and the closest p-codes."""
    values = frame[column].astype("string").str.strip()
    known = set(pcodes)
    bad = values.notna() & ~values.isin(known)
    if bool(bad.any()):
        codes = values[bad]
        first_row = int(bad.to_numpy().nonzero()[0][0])
        problems.add(
            f"{location}:{column}, row {first_row + 1}",
            f"{codes.nunique()} area code(s) are not in the project: "
            + unknown_codes_text(codes.unique(), sorted(known)),
            "fix the codes, or add the areas to humsec.yaml",
        )
    n_missing = int(values.isna().sum())
    if n_missing:
        problems.add(
            f"{location}:{column}",
            f"{n_missing} row(s) have no area code",
            "every row needs the p-code of its area",
        )


def indicator_columns(frame: pd.DataFrame, mapping: Mapping[str, str]) -> list[str]:
    """The numeric columns of an indicator table that are not keys."""
    keys = set(mapping.values())
    return [
        str(c)
        for c in frame.columns
        if str(c) not in keys and pd.api.types.is_numeric_dtype(frame[c])
    ]


def dataset_years(frame: pd.DataFrame, mapping: Mapping[str, str], year: int | None) -> list[int]:
    """The data years a table covers (its year column, else the dataset's ``year``)."""
    if "year" in mapping and mapping["year"] in frame.columns:
        years = pd.to_numeric(frame[mapping["year"]], errors="coerce").dropna()
        return sorted({int(y) for y in years})
    return [year] if year is not None else []


def describe(mapping: Mapping[str, Any]) -> str:
    """``area=ADM1_PCODE, year=year`` for messages."""
    return ", ".join(f"{k}={v}" for k, v in mapping.items())
