"""`humsec data`: the bundled datasets, the indicator registry, and importing user tables."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from humsec.cli.terminal import Table, Text, console, literal, print_written
from humsec.data import catalog, check_table_target, companion_path, dataset, write_table
from humsec.errors import ColumnError, CountryMatchError, DataError, did_you_mean

if TYPE_CHECKING:
    import pandas as pd

# The commands import pandas and the readers they use when they run, so that `humsec data
# list` (and every other command's start-up) reads no table library.

app = typer.Typer(
    help="Bundled datasets with provenance, the indicator registry, and importing your tables.",
    no_args_is_help=True,
)
# Column names tried, in order, when `import` is not told which column holds countries.
COUNTRY_COLUMN_GUESSES = (
    "iso3", "ISO3", "iso", "country_code", "countrycode", "Country Code", "geo", "country",
    "Country", "country_name", "Country Name", "Entity", "adm0_name", "name",
)


class Pillar(StrEnum):
    """Fear or want."""

    fear = "fear"
    want = "want"


def _size(path: Path) -> str:
    size = path.stat().st_size
    return f"{size / 1024:.0f} KiB" if size < 1024 * 1024 else f"{size / 1024 / 1024:.1f} MiB"


@app.command("list")
def list_datasets() -> None:
    """List the bundled datasets: name, title, rows, licence and size."""
    table = Table(title="Bundled datasets (humsec data show NAME for provenance)",
                  title_justify="left")
    for column in ("name", "title", "rows", "licence", "size"):
        table.add_column(column, overflow="fold")
    for entry in catalog():
        table.add_row(entry.name, entry.title, f"{entry.rows:,}", entry.licence, _size(entry.path))
    console.print(table)


@app.command("show")
def show(
    name: str = typer.Argument(..., help="Dataset name, as in `humsec data list`."),
    rows: int = typer.Option(5, "--rows", "-n", min=0, help="How many rows to preview."),
) -> None:
    """Show one dataset: provenance (source, URL, licence, version, sha256), columns, rows."""
    from humsec.data import load, world_geojson

    entry = dataset(name)
    info = Table(show_header=False, title=entry.title, title_justify="left")
    info.add_column("field", style="bold")
    info.add_column("value", overflow="fold")
    for label, value in (
        ("name", entry.name),
        ("description", entry.description),
        ("source", entry.source),
        ("url", entry.url),
        ("licence", entry.licence),
        ("version", entry.version),
        ("attribution", entry.attribution),
        ("file", f"{entry.file} ({_size(entry.path)}, {entry.rows:,} rows, {entry.shape})"),
    ):
        info.add_row(label, value)
    for raw in entry.raw_files:
        info.add_row("raw file", f"{raw.path}\nsha256 {raw.sha256} ({raw.bytes:,} bytes)")
    for note in entry.notes:
        info.add_row("note", note)
    console.print(info)
    if entry.shape == "geojson":
        features = world_geojson()["features"]
        console.print(f"{len(features)} features; ids: "
                      + literal(", ".join(f["id"] for f in features[:rows])) + ", ...")
        return
    frame = load(name)
    columns = Table(title=f"Columns ({len(frame.columns)})", title_justify="left")
    for column in ("column", "dtype", "missing", "example"):
        columns.add_column(column, overflow="fold")
    for column in frame.columns:
        series = frame[column]
        example = series.dropna().iloc[0] if series.notna().any() else ""
        columns.add_row(str(column), str(series.dtype), f"{int(series.isna().sum()):,}",
                        str(example))
    console.print(columns)
    if rows:
        console.print(_frame_table(frame.head(rows), title=f"First {min(rows, len(frame))} rows"))


def _frame_table(frame: pd.DataFrame, *, title: str) -> Table:
    import pandas as pd

    table = Table(title=title, title_justify="left")
    for column in frame.columns:
        table.add_column(str(column), overflow="fold")
    for row in frame.itertuples(index=False):
        table.add_row(*("" if pd.isna(v) else str(v) for v in row))
    return table


@app.command("indicators")
def indicators(
    threat: str | None = typer.Option(None, "--threat", help="Only indicators of this threat."),
    pillar: Pillar | None = typer.Option(None, "--pillar", help="Only fear or want."),
    out: Path | None = typer.Option(
        None, "--out", "-o", help="Write the listed indicators (.csv/.parquet/.xlsx/.json); "
        "FILE_coverage (threat, indicators) goes next to it."),
) -> None:
    """The indicator registry (code, unit, source, direction, threats) and coverage gaps."""
    import pandas as pd

    from humsec.data import indicator_registry

    check_table_target(out)
    registry = indicator_registry()
    coverage = registry.coverage()
    chosen = registry.indicators
    if threat is not None:
        known = list(coverage.covered) + coverage.gaps
        if threat not in known:
            raise DataError(f"unknown threat {threat!r}",
                            hint=did_you_mean(threat, known) or f"threats: {', '.join(known)}")
        chosen = registry.by_threat(threat)
    if pillar is not None:
        chosen = [i for i in chosen if i.pillar == pillar.value]
    table = Table(title=f"Indicators ({len(chosen)})", title_justify="left")
    for column in ("code", "name", "unit", "source", "direction", "threats", "pillar"):
        table.add_column(column, overflow="fold")
    for i in chosen:
        arrow = "↑ worse" if i.direction == "higher_is_worse" else "↑ better"
        table.add_row(i.code, i.name, i.unit, i.source, arrow, ", ".join(i.threats), i.pillar)
    console.print(table)
    cover = Table(title="Threat coverage", title_justify="left")
    for column in ("threat", "indicators"):
        cover.add_column(column, overflow="fold")
    for name, codes in coverage.covered.items():
        cover.add_row(name, f"{len(codes)}: " + ", ".join(codes))
    for name in coverage.gaps:
        cover.add_row(Text(name, style="red"), Text("gap: no bundled indicator", style="red"))
    console.print(cover)
    if coverage.gaps:
        console.print(f"[red]Coverage gaps:[/] {literal(', '.join(coverage.gaps))}")
    if out is not None:
        listed = pd.DataFrame(
            [(i.code, i.name, i.unit, i.source, i.direction, ", ".join(i.threats), i.pillar)
             for i in chosen],
            columns=["code", "name", "unit", "source", "direction", "threats", "pillar"],
        )  # fmt: skip
        covered = pd.DataFrame(
            [(name, len(codes), ", ".join(codes)) for name, codes in coverage.covered.items()]
            + [(name, 0, "") for name in coverage.gaps],
            columns=["threat", "n_indicators", "indicators"],
        )
        write_table(listed, out, index=False)
        print_written(out)
        write_table(covered, companion_path(out, "coverage"), index=False)
        print_written(companion_path(out, "coverage"))


def _guess_country_column(frame: pd.DataFrame) -> str | None:
    hxl = frame.attrs.get("hxl") or {}
    for column, tag in hxl.items():
        if str(tag).lower().startswith("#country"):
            return str(column)
    for name in COUNTRY_COLUMN_GUESSES:
        if name in frame.columns:
            return name
    return None


@app.command("import")
def import_table(
    file: Path = typer.Argument(..., help="CSV/TSV, Excel, Parquet, Stata, SPSS or HXL file."),
    country_column: str | None = typer.Option(
        None, "--country-column", "-c",
        help="Column with country names or codes (default: guessed from common names or the "
        "#country HXL tag).",
    ),
    out: Path | None = typer.Option(
        None, "--out", "-o", help="Write the result here (.parquet, .csv, .xlsx or .json)."
    ),
    sheet: str | None = typer.Option(None, "--sheet", help="Excel sheet name."),
    strict: bool = typer.Option(
        False, "--strict", help="Fail if any country name cannot be matched."
    ),
) -> None:
    """Read a table, add an `iso3` column next to the country column, and save it.

    Unmatched country names are printed (never dropped); with --strict they are an error.
    """
    from humsec.data import match_countries, read_table, write_hxl

    check_table_target(out)  # before reading the file
    frame = read_table(file, sheet=sheet)
    column = country_column or _guess_country_column(frame)
    if country_column is not None and country_column not in frame.columns:
        present = [str(c) for c in frame.columns]
        raise ColumnError(
            f"no column {country_column!r}",
            location=str(file),
            hint=(did_you_mean(country_column, present) + " " if did_you_mean(
                country_column, present) else "") + f"columns: {', '.join(present)}",
        )
    console.print(f"read {len(frame):,} rows × {len(frame.columns)} columns from {literal(file)}")
    if column is None:
        console.print("[yellow]no country column found[/]: pass --country-column to add iso3")
    else:
        if column != "iso3" and "iso3" in frame.columns:
            raise DataError(
                f"the table already has an 'iso3' column besides {column!r}",
                location=str(file),
                hint="pass --country-column iso3 to normalise it, or rename one of them",
            )
        match = match_countries(frame[column])
        if match.unmatched and strict:
            raise CountryMatchError(match.unmatched, location=f"{file}:{column}")
        frame = frame.copy()
        values = match.iso3.to_numpy()
        if column == "iso3":
            frame["iso3"] = values
        else:
            frame.insert(list(frame.columns).index(column) + 1, "iso3", values)
        empty = int(frame[column].isna().sum())
        matched = len(frame) - match.n_unmatched_rows
        console.print(
            f"country column {literal(repr(column))}: {matched:,} rows matched "
            f"to ISO3, {empty:,} rows have no country"
        )
        if match.unmatched:
            console.print(
                f"[yellow]{len(match.unmatched)} name(s) not matched[/] "
                f"({match.n_unmatched_rows - empty:,} rows keep iso3 empty): "
                + literal(", ".join(repr(u) for u in match.unmatched))
            )
    if out is not None:
        tags = dict(frame.attrs.get("hxl") or {})
        if tags and out.suffix.lower() == ".csv":
            # An HXL input stays HXL: keep its hashtag row and tag the new ISO3 column.
            if "iso3" in frame.columns and "iso3" not in tags:
                tags["iso3"] = "#country+code+iso3"
            write_hxl(frame, tags, out)
        else:
            write_table(frame, out, index=False)
        print_written(out)
    else:
        console.print(_frame_table(frame.head(5), title="First rows (use --out to save)"))


@app.command("panel")
def panel(
    indicators: str | None = typer.Option(
        None, "--indicators", "-i", help="Comma-separated indicator codes (default: all)."
    ),
    years: str | None = typer.Option(
        None, "--years", "-y", help="Years: '2020', '2015,2020' or '2010-2020' (default: all)."
    ),
    countries: str | None = typer.Option(
        None, "--countries", "-c", help="Comma-separated country codes or names (default: all)."
    ),
    out: Path | None = typer.Option(
        None, "--out", "-o", help="Write the panel here (.csv, .parquet, .xlsx, .json)."
    ),
) -> None:
    """The country panel of registered indicators, indexed by (iso3, year)."""
    from humsec.data import country_panel

    check_table_target(out)  # a bad --out fails before the panel is built
    codes = [c.strip() for c in indicators.split(",") if c.strip()] if indicators else None
    places = [c.strip() for c in countries.split(",") if c.strip()] if countries else None
    frame = country_panel(codes, _parse_years(years), countries=places)
    console.print(f"panel: {frame.shape[0]:,} country-years × {frame.shape[1]} indicators")
    for code, share in frame.attrs["coverage"].items():
        console.print(f"  {literal(code)}: {share:.0%} of cells have a value")
    if out is not None:
        write_table(frame, out, index=True)
        print_written(out)


def _parse_years(text: str | None) -> list[int] | None:
    if text is None:
        return None
    years: list[int] = []
    try:
        for part in text.split(","):
            part = part.strip()
            if "-" in part:
                first, last = (int(p) for p in part.split("-", 1))
                years.extend(range(first, last + 1))
            elif part:
                years.append(int(part))
    except ValueError:
        raise DataError(
            f"cannot read years {text!r}", location="--years",
            hint="write e.g. 2020, 2015,2020 or 2010-2020",
        ) from None
    return years
