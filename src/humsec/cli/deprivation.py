"""`humsec deprivation`: Alkire-Foster measures of fear and want on survey microdata."""

from __future__ import annotations

import contextlib
import warnings
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.console import RenderableType

from humsec.cli.frame_view import frame_table
from humsec.cli.terminal import Table, console, literal, print_warning, print_written
from humsec.errors import HumsecWarning, SpecError

if TYPE_CHECKING:
    import pandas as pd

app = typer.Typer(
    help="People-centred deprivation: Alkire-Foster measures of fear and want on microdata, "
    "with survey-design standard errors.",
    no_args_is_help=True,
)


class Backend(StrEnum):
    """Engines that can compute the sums where the data lives."""

    auto = "auto"
    polars = "polars"
    duckdb = "duckdb"
    pandas = "pandas"


class Lonely(StrEnum):
    """Single-PSU strata rules (R options(survey.lonely.psu=...))."""

    fail = "fail"
    certainty = "certainty"
    remove = "remove"
    adjust = "adjust"
    average = "average"


class Missing(StrEnum):
    """Missing-value rules."""

    listwise = "listwise"
    nondeprived = "nondeprived"


DATA_OPTION = typer.Option(
    None, "--data", "-d", help="Microdata: Parquet, CSV, Excel, Stata .dta or SPSS .sav."
)
DEMO_OPTION = typer.Option(
    False, "--demo", help="Use the bundled synthetic survey (weight/stratum/psu design)."
)
SPEC_OPTION = typer.Option(
    None,
    "--spec",
    "-s",
    help="Spec YAML, or a bundled spec name from `specs` (default: human_security_demo).",
)
K_OPTION = typer.Option(
    None, "--k", help="Poverty cutoff(s), comma-separated, as fractions or percents (33)."
)
BY_OPTION = typer.Option(None, "--by", help="Subgroup variables, comma-separated.")
MAX_GROUPS_OPTION = typer.Option(
    None,
    "--max-groups",
    min=1,
    help="Most levels a --by variable may have (default 1,000, or HUMSEC_MAX_GROUPS): a "
    "variable with more is refused up front unless this is raised.",
)
WEIGHT_OPTION = typer.Option(None, "--weight", help="Sampling weight column.")
STRATA_OPTION = typer.Option(None, "--strata", help="Stratum column.")
PSU_OPTION = typer.Option(None, "--psu", help="Primary sampling unit (cluster) column.")
LONELY_OPTION = typer.Option(Lonely.fail, "--lonely-psu", help="Single-PSU strata rule.")
NEST_OPTION = typer.Option(
    False,
    "--nest",
    help="PSU ids are numbered within strata, e.g. independent rounds that reuse PSU ids "
    "(R's svydesign(nest=TRUE)).",
)
ID_OPTION = typer.Option(
    None,
    "--id",
    help="Column(s) identifying one row (person or household id, comma-separated, e.g. "
    "hhid,line); duplicate ids are an error.",
)
MISSING_OPTION = typer.Option(None, "--missing", help="Missing indicator values rule.")
BACKEND_OPTION = typer.Option(
    Backend.auto,
    "--backend",
    help="Engine for Parquet/CSV files (auto: DuckDB for Parquet, Polars for CSV).",
)
OUT_OPTION = typer.Option(None, "--out", "-o", help="Write the full table (csv/parquet/xlsx/json).")
HOUSEHOLDS_OPTION = typer.Option(20_000, "--households", help="Demo survey size.")
SEED_OPTION = typer.Option(1, "--seed", help="Demo survey seed.")


def _split(text: str | None) -> list[str]:
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def _inputs(
    data: Path | None,
    demo: bool,
    spec_path: Path | None,
    k: str | None,
    by: str | None,
    weight: str | None,
    strata: str | None,
    psu: str | None,
    lonely: Lonely,
    missing: Missing | None,
    backend: Backend,
    households: int,
    seed: int,
    keep_pandas: bool = False,
    nest: bool = False,
    ids: str | None = None,
) -> tuple[Any, Any, Any, list[str], dict[str, dict[str, str]]]:
    from humsec.data import column_labels, scan_microdata
    from humsec.deprivation import DeprivationSpec, SurveyDesign, bundled_spec, parse_k

    if (data is None) == (not demo):
        raise SpecError(
            "give exactly one of --data FILE or --demo",
            location="humsec deprivation",
            hint="e.g. humsec deprivation estimate --demo --by region",
        )
    from humsec.deprivation.specs import bundled_spec_names

    if spec_path is None:
        spec = bundled_spec()
    elif not spec_path.exists() and str(spec_path) in bundled_spec_names():
        spec = bundled_spec(str(spec_path))  # a bundled spec by name, as `specs` lists them
    else:
        spec = DeprivationSpec.from_yaml(spec_path)
    updates: dict[str, Any] = {}
    if k:
        updates["k"] = [parse_k(v) for v in _split(k)]
    if missing is not None:
        updates["missing"] = missing.value
    if updates:
        spec = DeprivationSpec(**{**spec.model_dump(), **updates})
    labels: dict[str, dict[str, str]] = {}
    if demo:
        from humsec.data import synthetic_survey

        frame: Any = synthetic_survey(households, seed)
        if not keep_pandas:
            import polars as pl

            frame = pl.from_pandas(frame)  # Polars sums many columns faster than pandas
        weight, strata, psu = weight or "weight", strata or "stratum", psu or "psu"
    else:
        assert data is not None
        frame = scan_microdata(data, backend.value)
        for column, mapping in column_labels(frame).items():
            labels[column] = {}
            for code, label in mapping.items():
                labels[column][str(code)] = str(label)
                with contextlib.suppress(TypeError, ValueError):
                    labels[column][str(float(code))] = str(label)
    id_columns = _split(ids)
    design = SurveyDesign(
        weight=weight,
        strata=strata,
        psu=psu,
        lonely_psu=lonely.value,
        nest=nest,
        id=id_columns or None,
    )
    by_list = _split(by) if by is not None else list(spec.by)
    return frame, spec, design, by_list, labels


def _group_rules(text: str) -> dict[str, str | tuple[str, list[str]]]:
    """``displaced,remote_people=remote,women=sex:female|2`` -> {group: column or (column,
    categories)} for :func:`humsec.deprivation.left_behind`."""
    rules: dict[str, str | tuple[str, list[str]]] = {}
    for item in _split(text):
        group, _, rule = item.partition("=")
        column, colon, categories = (rule or group).partition(":")
        cats = [c.strip() for c in categories.split("|") if c.strip()]
        if colon and not cats:
            raise SpecError(
                f"group rule {item!r} names no category after ':'",
                location="--groups",
                hint="write group=column:category, e.g. women=sex:female",
            )
        rules[group.strip()] = (column.strip(), cats) if colon else column.strip()
    return rules


def _label_levels(table: pd.DataFrame, labels: dict[str, dict[str, str]]) -> pd.DataFrame:
    if not labels:
        return table
    out = table.copy()
    for column, mapping in labels.items():
        mask = out["subgroup"] == column
        out.loc[mask, "level"] = out.loc[mask, "level"].map(lambda v, m=mapping: m.get(v, v))
    return out


def _write(frame: pd.DataFrame, out: Path | None, units: dict[str, str] | None = None) -> None:
    if out is None:
        return
    from humsec.data import write_table

    path = write_table(frame, out, index=False, units=units)
    print_written(path)


def _frame_view(frame: pd.DataFrame, title: str, digits: int) -> RenderableType:
    """``frame`` at 80 columns with ``digits`` decimals; its leading text columns (area,
    group, profile) label the rows."""
    import pandas as pd

    keys = []
    for column in frame.columns:
        if pd.api.types.is_numeric_dtype(frame[column]):
            break
        keys.append(column)
    labelled = frame.set_index(keys) if keys else frame.set_axis(["all"] * len(frame))
    return frame_table(labelled, title, index_name=" ".join(map(str, keys)), default=digits)


def _fmt(value: Any, digits: int = 4) -> str:
    import pandas as pd

    return "" if value is None or pd.isna(value) else f"{float(value):.{digits}f}"


@app.command()
def estimate(
    data: Path | None = DATA_OPTION,
    demo: bool = DEMO_OPTION,
    spec: Path | None = SPEC_OPTION,
    k: str | None = K_OPTION,
    by: str | None = BY_OPTION,
    weight: str | None = WEIGHT_OPTION,
    strata: str | None = STRATA_OPTION,
    psu: str | None = PSU_OPTION,
    lonely_psu: Lonely = LONELY_OPTION,
    nest: bool = NEST_OPTION,
    ids: str | None = ID_OPTION,
    missing: Missing | None = MISSING_OPTION,
    backend: Backend = BACKEND_OPTION,
    level: float = typer.Option(0.95, "--level", help="Confidence level."),
    max_groups: int | None = MAX_GROUPS_OPTION,
    out: Path | None = OUT_OPTION,
    households: int = HOUSEHOLDS_OPTION,
    seed: int = SEED_OPTION,
) -> None:
    """M0, H, A, headcounts and contributions with design-based SEs and CIs.

    --out writes every row of the printed tables (each k, total and every --by level)."""
    from humsec.data import check_table_target
    from humsec.deprivation import estimate as af_estimate

    check_table_target(out)  # a bad --out fails before the estimation

    frame, spec_obj, design, by_list, labels = _inputs(
        data, demo, spec, k, by, weight, strata, psu, lonely_psu, missing, backend, households,
        seed, nest=nest, ids=ids,
    )  # fmt: skip
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", HumsecWarning)
        result = af_estimate(frame, spec_obj, design, by=by_list, level=level,
                             max_groups=max_groups)
    import pandas as pd  # after the pass: on a DuckDB scan it runs before pandas is loaded

    for w in caught:
        print_warning(w.message)
    table = _label_levels(result.table, labels)
    console.print(
        f"[bold]{literal(spec_obj.name)}[/]: {result.n_used:,} of {result.n_rows:,} rows used "
        f"({result.dropped:,} dropped for missing values), {result.n_psu:,} PSUs in "
        f"{result.n_strata:,} strata, df = {result.df:,}; engine: {result.backend}"
    )
    for name, count in result.missing_by.items():
        if count:
            console.print(f"  {count:,} used rows have no value of subgroup {literal(repr(name))}")
    for k_value in spec_obj.k:
        sel = table[(table["k"] - k_value).abs() < 1e-12]
        m0 = sel[sel["measure"] == "M0"]
        rows = []
        for r in m0.to_dict("records"):
            here = sel[(sel["subgroup"] == r["subgroup"]) & (sel["level"] == r["level"])]
            value = dict(zip(here["measure"], here["value"], strict=False))
            rows.append({
                "subgroup": str(r["subgroup"]), "level": str(r["level"]), "M0": r["value"],
                "se": r["se"], "95% CI": f"{_fmt(r['ci_low'])}-{_fmt(r['ci_high'])}",
                "H": value.get("H"), "A": value.get("A"), "pop. share": value.get("popshare"),
            })  # fmt: skip
        view = pd.DataFrame(rows).set_index(["subgroup", "level"])
        for column in ("M0", "se", "H", "A", "pop. share"):
            view[column] = pd.to_numeric(view[column])
        console.print(frame_table(view, f"k = {k_value:g}", index_name="subgroup level",
                                  default=4, decimals={"pop. share": 3}))
        contrib = sel[(sel["subgroup"] == "total") & (sel["measure"] == "pctb")]
        console.print(
            "  contributions (%): "
            + ", ".join(
                f"{literal(r['indicator'])} {100 * float(r['value']):.1f}"
                for r in contrib.to_dict("records")
            )
        )
    _write(table, out)


@app.command()
def change(
    data: Path | None = DATA_OPTION,
    demo: bool = typer.Option(
        False, "--demo", help="Two synthetic rounds (2015, 2020) with improving conditions."
    ),
    round_column: str = typer.Option("round", "--round", help="Column identifying the round."),
    year: str | None = typer.Option(None, "--year", help="Column with the survey year."),
    spec: Path | None = SPEC_OPTION,
    k: str | None = K_OPTION,
    by: str | None = BY_OPTION,
    weight: str | None = WEIGHT_OPTION,
    strata: str | None = STRATA_OPTION,
    psu: str | None = PSU_OPTION,
    lonely_psu: Lonely = LONELY_OPTION,
    nest: bool = NEST_OPTION,
    ids: str | None = ID_OPTION,
    joint: bool = typer.Option(
        False, "--joint", help="Rounds share PSUs (one design); default: independent samples."
    ),
    max_groups: int | None = MAX_GROUPS_OPTION,
    backend: Backend = BACKEND_OPTION,
    out: Path | None = OUT_OPTION,
    households: int = HOUSEHOLDS_OPTION,
    seed: int = SEED_OPTION,
) -> None:
    """Absolute, relative and annualised change of M0, H, A between rounds."""
    import pandas as pd

    from humsec.data import check_table_target
    from humsec.deprivation import change_over_time

    check_table_target(out)

    frame, spec_obj, design, by_list, labels = _inputs(
        data, demo, spec, k, by, weight, strata, psu, lonely_psu, None, backend, households,
        seed, keep_pandas=True, nest=nest, ids=ids,
    )  # fmt: skip
    if demo:
        from humsec.data import synthetic_survey

        later = synthetic_survey(households, seed + 1, want_shift=-0.5)
        later["psu"] += int(frame["psu"].max())
        frame = pd.concat([frame.assign(round=2015), later.assign(round=2020)], ignore_index=True)
        round_column = "round"
    result = change_over_time(
        frame, spec_obj, round_column, design, by_list, year=year, independent_rounds=not joint,
        max_groups=max_groups,
    )
    table = _label_levels(result.table, labels)
    view = Table(title="Change over time (M0, H, A)", title_justify="left")
    for col in ("subgroup", "level", "k", "measure", "from", "to", "change", "value", "se"):
        view.add_column(col)
    sel = table[table["measure"].isin(["M0", "H", "A"])]
    for r in sel.to_dict("records"):
        view.add_row(
            *[str(r[c]) for c in ("subgroup", "level")], f"{float(r['k']):g}",
            *[str(r[c]) for c in ("measure", "round_from", "round_to", "ctype")],
            _fmt(r["value"]), _fmt(r["se"]),
        )  # fmt: skip
    console.print(view)
    _write(table, out)


@app.command()
def compound(
    data: Path | None = DATA_OPTION,
    demo: bool = DEMO_OPTION,
    spec: Path | None = SPEC_OPTION,
    k: str | None = K_OPTION,
    by: str | None = BY_OPTION,
    weight: str | None = WEIGHT_OPTION,
    strata: str | None = STRATA_OPTION,
    psu: str | None = PSU_OPTION,
    lonely_psu: Lonely = LONELY_OPTION,
    nest: bool = NEST_OPTION,
    ids: str | None = ID_OPTION,
    max_groups: int | None = MAX_GROUPS_OPTION,
    backend: Backend = BACKEND_OPTION,
    out: Path | None = OUT_OPTION,
    groups_option: str | None = typer.Option(
        None,
        "--groups",
        help="Vulnerable groups to rank, comma-separated: 0/1 columns, group=column pairs, or "
        "rules group=column:category|category naming value labels or codes (women=sex:female) "
        "(with --demo: the framework's groups from the survey attributes).",
    ),
    households: int = HOUSEHOLDS_OPTION,
    seed: int = SEED_OPTION,
) -> None:
    """Fear x want compound insecurity, co-deprivation and who is left behind.

    --out FILE writes the full table; FILE_overlap (the printed fear x want shares) and, with
    groups, FILE_left_behind go next to it in the same format."""
    import pandas as pd

    from humsec.data import check_table_target, companion_path
    from humsec.deprivation import compound_insecurity, left_behind, vulnerable_groups

    check_table_target(out)

    frame, spec_obj, design, by_list, labels = _inputs(
        data, demo, spec, k, by, weight, strata, psu, lonely_psu, None, backend, households,
        seed, keep_pandas=True, nest=nest, ids=ids,
    )  # fmt: skip
    result = compound_insecurity(frame, spec_obj, design, by_list, max_groups=max_groups)
    console.print("[bold]Fear x want overlap (population shares, first k)[/]")
    overlap = result.overlap()
    console.print(literal(overlap.round(4).to_string()))
    table = _label_levels(result.table, labels)
    ranking = None
    if demo:
        import polars as pl

        marked, groups = vulnerable_groups(frame)
        ranking = left_behind(pl.from_pandas(marked), spec_obj, groups, design)
    elif groups_option:
        ranking = left_behind(frame, spec_obj, _group_rules(groups_option), design)
    if ranking is not None:
        view = pd.DataFrame({
            "rank": ranking["rank_M0"].astype(int).to_numpy(),
            "M0": ranking["M0"].to_numpy(),
            "95% CI": [f"{_fmt(lo, 3)}-{_fmt(hi, 3)}" for lo, hi in
                       zip(ranking["M0_ci_low"], ranking["M0_ci_high"], strict=True)],
            "gap to rest": ranking["M0_gap_to_rest"].to_numpy(),
            "compound": ranking["compound"].to_numpy(),
            "left behind": ["yes" if v else "" for v in ranking["left_behind"]],
        }, index=pd.Index(ranking["group"].astype(str), name="group"))  # fmt: skip
        console.print(frame_table(view, "Who is left behind (ranked by M0)",
                                  index_name="group", default=4))
        if out is not None:
            _write(ranking, companion_path(out, "left_behind"))
    if out is not None:
        _write(overlap.rename_axis(columns=None).reset_index(), companion_path(out, "overlap"))
    _write(table, out)


@app.command()
def severity(
    data: Path = typer.Option(..., "--data", "-d", help="Table with 1-5 sector scores."),
    sectors: str = typer.Option(..., "--sectors", help="Sector score columns, comma-separated."),
    household: str | None = typer.Option(None, "--household", help="Household id column."),
    weight: str | None = WEIGHT_OPTION,
    area: str | None = typer.Option(None, "--area", help="Area column (e.g. admin p-code)."),
    group: str | None = typer.Option(None, "--group", help="Population group column."),
    household_size: str | None = typer.Option(
        None, "--household-size", help="Members per row (one row per household): people in "
        "need in persons, with households alongside."),
    out: Path | None = OUT_OPTION,
) -> None:
    """Sector severity (1-5): in need, severe, needs profiles, people in need per area x group.

    --out FILE writes people in need; FILE_profiles (every needs profile) goes next to it.
    The unit of every column (persons, households, share) is printed under the table and
    written with it: a second header row in CSV, field metadata in Parquet, a units sheet in
    XLSX, a units object in JSON."""
    from humsec.data import check_table_target, companion_path
    from humsec.data.readers import read_table
    from humsec.deprivation import sector_severity

    check_table_target(out)

    frame = read_table(data)
    result = sector_severity(frame, _split(sectors), household=household, weight=weight,
                             area=area, group=group, household_size=household_size)
    console.print(f"{result.dropped:,} unit(s) without any sector score dropped")
    if any(result.missing.values()):
        console.print("rows with a missing sector score (not counted as 1): " + ", ".join(
            f"{literal(s)} {n:,}" for s, n in result.missing.items()))
    console.print(_frame_view(result.people_in_need, "People in need", 2))
    console.print(_units_line(result.column_units or {}))
    console.print(_frame_view(result.profiles.head(10), "Needs profiles", 3))
    column_units = {c: u for c, u in (result.column_units or {}).items() if u != "key"}
    _write(result.people_in_need, out, column_units)
    if out is not None:
        _write(result.profiles, companion_path(out, "profiles"),
               {"people": "persons", "share": "share of persons"})


def _units_line(column_units: dict[str, str]) -> str:
    """``units: persons = people, pin_food, ...; households = households``: the unit of every
    value column of the people-in-need table, grouped by unit."""
    by_unit: dict[str, list[str]] = {}
    for column, unit in column_units.items():
        if unit != "key":
            by_unit.setdefault(unit, []).append(column)
    return "units: " + "; ".join(f"{unit} = {', '.join(cols)}" for unit, cols in by_unit.items())


@app.command()
def specs() -> None:
    """List the bundled deprivation specs."""
    from humsec.deprivation import bundled_spec
    from humsec.deprivation.specs import bundled_spec_names

    for name in bundled_spec_names():
        spec = bundled_spec(name)
        console.print(f"[bold]{name}[/]: {len(spec.indicators)} indicators, k = {spec.k}")
        console.print(f"  {spec.description}")
