"""Exposure: the people and assets shocks fall on.

Units are households (from microdata such as :func:`humsec.data.synthetic_survey`) or
area x group cells. Each unit has an area, a livelihood, a survey weight (how many such units it
represents), a population (people in the unit), consumption per capita per year, and the unit's
income, assets, savings and remittances (money per unit). ``groups`` counts the unit's members
in each vulnerable group; losses are shared equally among members when reported by group.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np
import pandas as pd

from humsec.errors import ColumnError, DataError, did_you_mean
from humsec.framework import Framework, default_framework, group_membership
from humsec.shocks.framework_ids import group_ids, unknown_groups_message

__all__ = ["Exposure", "exposure_from_survey"]

NUMERIC = ("weight", "population", "consumption", "income", "assets", "savings", "remittances")
REQUIRED = ("area", "population", "consumption", "assets")
#: Survey design columns a unit may carry (stratum and primary sampling unit ids), so that
#: estimates on the exposure can use design-based standard errors.
DESIGN = ("stratum", "psu")


@dataclass(frozen=True)
class Exposure:
    """Exposed units sorted by area (contiguous blocks let the engine slice households).

    Use :meth:`from_units` or :func:`exposure_from_survey` rather than the constructor.
    ``groups`` has one column per available group id (``people_in_poverty`` is derived by the
    engine from the poverty line); ``deprivations`` optionally holds the global-MPI ``d_*``
    indicators per unit for Alkire-Foster effects. ``units`` also keeps the survey design
    columns ``stratum`` and ``psu`` when the source has them (:attr:`design_columns`).
    ``notes`` records assumptions and the count of rows with missing data that were dropped on
    request.
    """

    units: pd.DataFrame
    groups: pd.DataFrame
    deprivations: pd.DataFrame | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    @classmethod
    def from_units(
        cls,
        frame: pd.DataFrame,
        *,
        groups: pd.DataFrame | None = None,
        deprivations: pd.DataFrame | None = None,
        missing: str = "raise",
        location: str = "exposure",
        framework: Framework | None = None,
        ignore_columns: Sequence[str] = (),
    ) -> Exposure:
        """Validate a unit table and build an exposure.

        Required columns: ``area, population, consumption, assets``. Optional: ``unit_id``
        (default: row number), ``livelihood`` (default ``"all"``), ``weight`` (1), ``income``
        (default ``consumption * population``), ``savings`` (0), ``remittances`` (0), and
        ``group`` (a group id per cell: all its population counts in that group), ``stratum`` and
        ``psu`` (survey design ids, kept as they are; missing ids count as missing). Defaults used
        are recorded in :attr:`notes`. ``missing="drop"`` drops rows with missing values and
        records how many; the default raises. Group ids are checked against ``framework`` (the
        framework in use; default: the bundled one).

        Every other column is used or rejected, never dropped silently: a column named by a
        framework group id counts the unit's members of that group (0 <= count <= population),
        ``d_*`` columns are the unit's deprivations (when ``deprivations`` is not given), and
        any other column is an error naming it, unless listed in ``ignore_columns``.
        """
        if not isinstance(frame, pd.DataFrame) or frame.empty:
            raise DataError("the exposure table is empty", location=location,
                            hint="pass at least one household or cell")
        absent = [c for c in REQUIRED if c not in frame.columns]
        if absent:
            raise ColumnError(
                f"exposure is missing column(s) {absent}",
                location=location,
                hint=f"columns present: {list(frame.columns)[:20]}",
            )
        units, notes = _read_units(frame, location)
        design = [c for c in DESIGN if c in frame.columns]
        for col in design:
            units[col] = frame[col].to_numpy()
        if deprivations is None:
            deprivations = _table_deprivations(frame)
        groups = _unit_groups(frame, units, groups, location, framework, ignore_columns,
                              deprivations is not None)
        checked = [*NUMERIC, *design]
        nan_by_column = {str(c): _missing(units[c]) for c in checked}
        nan_by_column.update({str(c): _missing(groups[c]) for c in groups.columns})
        nan_rows = np.zeros(len(units), dtype=bool)
        for flags in nan_by_column.values():
            nan_rows |= flags
        if nan_rows.any():
            first = int(np.flatnonzero(nan_rows)[0])
            cols = [c for c, flags in nan_by_column.items() if flags.any()]
            if missing != "drop":
                raise ColumnError(
                    f"{int(nan_rows.sum())} unit(s) have missing values in {cols}",
                    location=f"{location}, row {first}",
                    hint="impute them, or pass missing='drop' to drop and count those units",
                )
            notes.append(f"dropped {int(nan_rows.sum())} unit(s) with missing values in {cols}")
        keep = ~nan_rows
        _check_ranges(units, keep, location)
        _check_group_counts(groups, units, keep, location)
        if deprivations is not None:
            deprivations = deprivations.reset_index(drop=True)
            if len(deprivations) != len(units):
                raise DataError("deprivations must have one row per unit", location=location)
        idx = _area_order(units["area"], keep)

        def take(table: pd.DataFrame) -> pd.DataFrame:
            # already in area order (a survey, or any sorted table): no copy of every column
            return table.reset_index(drop=True) if idx is None else \
                table.take(idx).reset_index(drop=True)

        return cls(
            units=take(units),
            groups=take(groups).astype(float),
            deprivations=None if deprivations is None else take(deprivations),
            notes=tuple(notes),
        )

    # -- views --------------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.units)

    @cached_property
    def _area_index(self) -> tuple[list[str], np.ndarray]:
        # the exposure is immutable: factorise its area column once, not per simulation
        return sorted_codes(self.units["area"])

    @cached_property
    def _livelihood_index(self) -> tuple[list[str], np.ndarray]:
        return sorted_codes(self.units["livelihood"])

    @property
    def areas(self) -> list[str]:
        """Sorted area ids."""
        return list(self._area_index[0])

    @property
    def area_codes(self) -> np.ndarray:
        """Each unit's position in :attr:`areas` (ascending, since units are sorted by area)."""
        return self._area_index[1]

    @property
    def livelihoods(self) -> list[str]:
        """Sorted livelihood names."""
        return list(self._livelihood_index[0])

    @property
    def livelihood_codes(self) -> np.ndarray:
        """Each unit's position in :attr:`livelihoods`."""
        return self._livelihood_index[1]

    @property
    def design_columns(self) -> list[str]:
        """The survey design columns the units carry (``stratum``, ``psu``), in that order."""
        return [c for c in DESIGN if c in self.units.columns]

    @property
    def people(self) -> float:
        """People represented: ``sum(weight * population)``."""
        return float((self.units["weight"] * self.units["population"]).sum())

    def column(self, name: str) -> np.ndarray:
        """A unit column as a float array."""
        return self.units[name].to_numpy(dtype=float)

    def with_units(self, **columns: np.ndarray) -> Exposure:
        """A copy with some unit columns replaced (measures and programmes use this)."""
        units = self.units.copy()
        for name, values in columns.items():
            units[name] = values
        return replace(self, units=units)

    def with_deprivations(self, deprivations: pd.DataFrame) -> Exposure:
        """A copy with new deprivation indicators."""
        return replace(self, deprivations=deprivations.reset_index(drop=True))

    def select_areas(self, areas: Sequence[str]) -> np.ndarray:
        """Boolean mask of units in ``areas``."""
        return np.isin(self.units["area"].to_numpy(), list(areas))


def _read_units(frame: pd.DataFrame, location: str) -> tuple[pd.DataFrame, list[str]]:
    """The unit table with ids, labels and numeric columns; defaults used go to the notes."""
    notes: list[str] = []
    units = pd.DataFrame(
        {
            "unit_id": frame["unit_id"].to_numpy() if "unit_id" in frame else
            np.arange(len(frame)),
            "area": _labels(frame["area"]),
            "livelihood": _labels(frame["livelihood"]) if "livelihood" in frame else "all",
        }
    )
    for col in NUMERIC:
        if col in frame.columns:
            values = pd.to_numeric(frame[col], errors="coerce").to_numpy(dtype=float)
            bad = np.flatnonzero(pd.isna(frame[col]).to_numpy() != np.isnan(values))
            if bad.size:
                raise ColumnError(
                    f"column {col!r} holds {bad.size} non-numeric value(s)",
                    location=f"{location}:{col}, row {int(bad[0])}",
                    hint="clean the column so it holds numbers",
                )
            units[col] = values
        elif col == "weight":
            units[col] = 1.0
            notes.append("no weight column: every unit counts once")
        elif col == "income":
            units[col] = _household_consumption(frame)
            notes.append("no income column: income = consumption x population")
        else:
            units[col] = 0.0
            notes.append(f"no {col} column: {col} set to 0 for every unit")
    return units, notes


def _labels(column: pd.Series) -> pd.Series:
    """A label column as strings, positionally (kept in pandas' string storage: converting
    a million labels to Python objects and back costs more than the rest of the build)."""
    labels = column if isinstance(column.dtype, pd.StringDtype) else column.astype(str)
    return labels.reset_index(drop=True)


def _missing(column: pd.Series) -> np.ndarray:
    """Missing flags of one column as a boolean array."""
    values = column.to_numpy()
    return np.isnan(values) if values.dtype.kind == "f" else np.asarray(pd.isna(values))


def sorted_codes(labels: pd.Series) -> tuple[list[str], np.ndarray]:
    """The sorted distinct labels and each row's position among them (int64).

    One hash pass (``pd.factorize``) and a sort of the few distinct labels, instead of
    comparing a million strings: the codes equal ``np.searchsorted(sorted labels, labels)``.
    A missing label gets the code ``len(sorted labels)`` (it sorts last).
    """
    codes, uniques = pd.factorize(labels)
    names = [str(a) for a in uniques]
    rank = np.empty(len(names) + 1, dtype=np.int64)
    rank[sorted(range(len(names)), key=names.__getitem__)] = np.arange(len(names))
    rank[-1] = len(names)
    return sorted(names), rank[codes]


def _area_order(area: pd.Series, keep: np.ndarray) -> np.ndarray | None:
    """Row positions of the kept units sorted by area (stable: ties keep their order), or
    ``None`` when every unit is kept and the rows are already in that order.

    The sort is one stable argsort of the area codes (:func:`sorted_codes`): the same
    permutation as a stable sort of the labels themselves.
    """
    ranked = sorted_codes(area)[1][keep]
    if keep.all() and bool(np.all(ranked[1:] >= ranked[:-1])):
        return None
    return np.flatnonzero(keep)[np.argsort(ranked, kind="stable")]

def _check_ranges(units: pd.DataFrame, keep: np.ndarray, location: str) -> None:
    """Population and consumption > 0; weight and money >= 0 (kept rows only)."""
    for col in NUMERIC:
        strict = col in ("population", "consumption")
        vals = units[col].to_numpy()[keep]
        broken = vals <= 0 if strict else vals < 0
        if broken.any():
            row = int(np.flatnonzero(keep)[np.flatnonzero(broken)[0]])
            raise ColumnError(
                f"{col} must be {'> 0' if strict else '>= 0'}; {int(broken.sum())} unit(s) "
                f"break this",
                location=f"{location}:{col}, row {row}",
                hint="fix or drop those units",
            )


def _table_deprivations(frame: pd.DataFrame) -> pd.DataFrame | None:
    """The ``d_*`` columns of a unit table as its deprivations (``None`` when it has none)."""
    cols = [c for c in frame.columns if str(c).startswith("d_")]
    if not cols:
        return None
    return pd.DataFrame({c: pd.to_numeric(frame[c], errors="coerce").to_numpy(dtype=float)
                         for c in cols})


def _unit_groups(frame: pd.DataFrame, units: pd.DataFrame, groups: pd.DataFrame | None,
                 location: str, framework: Framework | None, ignore: Sequence[str],
                 has_deprivations: bool) -> pd.DataFrame:
    """Members per vulnerable group and unit: ``groups`` as given, a ``group`` label per cell
    (its whole population), or the table's own group-count columns. Column names must be
    group ids of the framework in use; any other column of the table is rejected by name."""
    known = group_ids(framework)
    used = {*REQUIRED, *NUMERIC, *DESIGN, "unit_id", "livelihood", "group", *ignore}
    if has_deprivations:
        used |= {str(c) for c in frame.columns if str(c).startswith("d_")}
    count_cols = [str(c) for c in frame.columns if str(c) in known and str(c) not in ignore]
    _reject_columns(frame, used | set(count_cols), known, location)
    if groups is not None and count_cols:
        raise ColumnError(f"group counts given twice: as groups= and as columns {count_cols}",
                          location=location, hint="give them one way")
    if groups is None:
        if "people_in_poverty" in count_cols:
            raise ColumnError(
                "column 'people_in_poverty' cannot be given: the engine counts it from "
                "consumption and the scenario's poverty line",
                location=f"{location}:people_in_poverty",
                hint="drop the column (or set coping.poverty_line in the scenario)")
        if "group" in frame.columns and count_cols:
            raise ColumnError(
                f"the table has both a 'group' label column and group-count column(s) "
                f"{count_cols}", location=location,
                hint="use one: a group id per cell, or member counts per group")
        if "group" in frame.columns:
            labels = frame["group"].astype(str).to_numpy()
            message = unknown_groups_message(sorted(set(labels) - {"none", "general"}),
                                             framework)
            if message is not None:
                raise ColumnError(message, location=f"{location}:group",
                                  hint="use a framework group id, or 'general' for none")
            present = [g for g in known if g in set(labels) and g != "people_in_poverty"]
            groups = pd.DataFrame(
                {g: np.where(labels == g, units["population"], 0.0) for g in present}
            )
        else:
            groups = pd.DataFrame({c: _count_column(frame, c, location) for c in count_cols},
                                  index=range(len(units)))
    elif len(groups) != len(units):
        raise DataError("groups must have one row per exposure unit", location=location)
    groups = groups.reset_index(drop=True)
    message = unknown_groups_message((str(c) for c in groups.columns), framework)
    if message is not None:
        raise ColumnError(message, location=f"{location} groups",
                          hint="name each group column by its framework group id")
    return groups


def _reject_columns(frame: pd.DataFrame, used: set[str], known: Sequence[str],
                    location: str) -> None:
    """Raise for table columns the exposure would not use (they are never dropped silently)."""
    unused = [str(c) for c in frame.columns if str(c) not in used]
    if not unused:
        return
    guesses = "; ".join(f"{c!r}: {did_you_mean(c, known)}" for c in unused
                        if did_you_mean(c, known))
    raise ColumnError(
        f"column(s) {unused[:10]} of the exposure table are not used"
        + (f" ({guesses})" if guesses else ""),
        location=f"{location}:{unused[0]}",
        hint="name a column counting a group's members by the group id "
        f"({', '.join(g for g in known if g != 'people_in_poverty')}), or drop it, or pass it "
        "to ignore_columns (CLI: --ignore-columns)",
    )


def _count_column(frame: pd.DataFrame, column: str, location: str) -> np.ndarray:
    values = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)
    bad = np.flatnonzero(~pd.isna(frame[column]).to_numpy() & np.isnan(values))
    if bad.size:
        raise ColumnError(f"group-count column {column!r} holds {bad.size} non-numeric value(s)",
                          location=f"{location}:{column}, row {int(bad[0])}",
                          hint="give the number of the unit's members in the group")
    return values


def _check_group_counts(groups: pd.DataFrame, units: pd.DataFrame, keep: np.ndarray,
                        location: str) -> None:
    """Each group count lies in ``[0, population]`` (kept rows only)."""
    pop = units["population"].to_numpy()[keep]
    for column in groups.columns:
        counts = groups[column].to_numpy(dtype=float)[keep]
        broken = (counts < 0) | (counts > pop + 1e-9)
        if broken.any():
            row = int(np.flatnonzero(keep)[np.flatnonzero(broken)[0]])
            raise ColumnError(
                f"group count {column!r} must lie between 0 and the unit's population; "
                f"{int(broken.sum())} unit(s) break this",
                location=f"{location}:{column}, row {row}",
                hint="give the number of the unit's members who belong to the group")


def _household_consumption(frame: pd.DataFrame) -> np.ndarray:
    """Household consumption total, ``consumption per capita * population``."""
    return (pd.to_numeric(frame["consumption"], errors="coerce")
            * pd.to_numeric(frame["population"], errors="coerce")).to_numpy(dtype=float)


def exposure_from_survey(
    individuals: pd.DataFrame, *, missing: str = "raise", location: str = "survey",
    framework: Framework | None = None,
) -> Exposure:
    """Aggregate a person-level survey (one row per individual) to household exposure.

    Needs ``hh_id, area, consumption, assets``; uses ``weight, income, savings, remittances,
    livelihood, stratum, psu`` when present, and counts each household's members of every
    vulnerable group by the group's rule in ``framework`` (bundled: women and girls = female,
    all ages; children < 18; older people 60+; disability, minority, displacement and remote
    from their columns). Groups whose rule reads a column the survey lacks (e.g. indigenous
    peoples in the synthetic survey) are left out and named in the notes, not reported as
    zero. The ``d_*`` columns are kept as household deprivations (the
    global MPI defines them at household level).

    The household weight is the mean of its members' weights, so ``weight * population`` is the
    sum of the person weights; estimates on households weighted that way reproduce person-level
    estimates, standard errors included, when the design (``stratum``, ``psu``) is carried along.
    Household values (area, money, stratum, psu, ``d_*``) must be the same for every member: a
    household whose members disagree raises :class:`~humsec.errors.DataError`.
    """
    if not isinstance(individuals, pd.DataFrame) or individuals.empty:
        raise DataError("the survey table is empty", location=location)
    need = ["hh_id", "area", "consumption", "assets"]
    absent = [c for c in need if c not in individuals.columns]
    if absent:
        raise ColumnError(f"survey is missing column(s) {absent}", location=location,
                          hint="a household survey needs hh_id, area, consumption and assets")
    df = individuals
    codes, hh = pd.factorize(df["hh_id"], sort=True)
    if (codes < 0).any():
        raise ColumnError(f"{int((codes < 0).sum())} person(s) have no hh_id",
                          location=f"{location}:hh_id, row {int(np.flatnonzero(codes < 0)[0])}",
                          hint="every person needs the id of their household")
    first = np.full(len(hh), -1)
    first[codes[::-1]] = np.arange(len(df))[::-1]
    size = np.bincount(codes, minlength=len(hh)).astype(float)
    units = pd.DataFrame({"unit_id": np.asarray(hh), "population": size})
    for col in ("area", "livelihood", "consumption", "income", "assets", "savings",
                "remittances", *DESIGN):
        if col in df.columns:
            values = df[col].to_numpy()
            units[col] = values[first]
            _check_household_constant(values, units[col].to_numpy()[codes], hh, codes,
                                       f"{location}:{col}")
    if "weight" in df.columns:
        weight = pd.to_numeric(df["weight"], errors="coerce").to_numpy(dtype=float)
        units["weight"] = np.bincount(codes, weights=weight, minlength=len(hh)) / size
    ordered, notes = _survey_groups(df, codes, len(hh), framework)
    dep_cols = [c for c in df.columns if str(c).startswith("d_")]
    deprivations = None
    if dep_cols:
        deprivations = pd.DataFrame({c: pd.to_numeric(df[c], errors="coerce").to_numpy()[first]
                                     for c in dep_cols})
        for c in dep_cols:
            _check_household_constant(pd.to_numeric(df[c], errors="coerce").to_numpy(),
                                      deprivations[c].to_numpy()[codes], hh, codes,
                                      f"{location}:{c}")
    exposure = Exposure.from_units(units, groups=pd.DataFrame(ordered, index=range(len(hh))),
                                   deprivations=deprivations, missing=missing, location=location,
                                   framework=framework)
    return replace(exposure, notes=(*exposure.notes, *notes))


def _survey_groups(df: pd.DataFrame, codes: np.ndarray, n_households: int,
                   framework: Framework | None) -> tuple[dict[str, np.ndarray], list[str]]:
    """Members of each vulnerable group per household, in framework order, and notes.

    Membership is the framework's own rule for each group (:mod:`humsec.framework.group_rules`,
    the definition deprivation and the report use too); ``people_in_poverty`` is left to the
    engine, which applies the scenario's poverty line. A group is counted only when the survey
    has the columns its rule reads; the others, and persons whose membership is unknown because
    an attribute is missing (counted in no group), are named in the notes rather than reported
    as zero.
    """
    rules = {g: r for g, r in (framework or default_framework()).group_rules.items()
             if g != "people_in_poverty"}
    membership = group_membership(df, rules, location="survey")
    ordered = {
        str(g): np.bincount(codes, weights=np.nan_to_num(membership.members[g].to_numpy()),
                            minlength=n_households)
        for g in membership.members.columns
    }
    return ordered, membership.notes()


def _check_household_constant(values: np.ndarray, household_values: np.ndarray, hh: pd.Index,
                              codes: np.ndarray, location: str) -> None:
    """Raise if a person's value differs from the first member's (missing equals missing)."""
    both_missing = pd.isna(values) & pd.isna(household_values)
    differs = ~both_missing & (values != household_values)
    if differs.any():
        row = int(np.flatnonzero(differs)[0])
        n_hh = int(np.unique(codes[differs]).size)
        raise DataError(
            f"{n_hh} household(s) have members with different values, e.g. household "
            f"{hh[codes[row]]!r}",
            location=f"{location}, row {row}",
            hint="household values must be equal for every member; fix the survey file",
        )
