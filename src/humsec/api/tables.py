"""Result tables over HTTP: DHIS2-style field and filter parameters, and four formats.

* ``fields=area,value`` keeps those columns, in that order (unknown names are a 422 that
  lists the columns).
* ``filter=column:operator:value`` (repeatable, all must hold) with the operators of DHIS2's
  web API: ``eq``, ``ne``, ``gt``, ``ge``, ``lt``, ``le``, ``like`` (substring, case-insensitive),
  ``in`` (``[a,b,c]``) and ``null`` / ``notnull``.
* ``format`` is ``json`` (records), ``csv``, ``parquet`` or ``hxl`` (CSV with an HXL hashtag row
  under the header: p-codes as ``#adm1+code``, ISO3 as ``#country+code``, other columns as
  ``#indicator`` or ``#meta`` with the column name as attribute).
"""

from __future__ import annotations

import io
import re
from typing import Any, Literal

import pandas as pd
from fastapi.responses import JSONResponse, Response

from humsec.api.problems import ServiceProblem
from humsec.errors import did_you_mean

TableFormat = Literal["json", "csv", "parquet", "hxl"]
OPERATORS = ("eq", "ne", "gt", "ge", "lt", "le", "like", "in", "null", "notnull")

_KNOWN_TAGS = {
    "iso3": "#country+code",
    "country": "#country+name",
    "area": "#adm1+code",
    "pcode": "#adm1+code",
    "adm1": "#adm1+code",
    "adm2": "#adm2+code",
    "org": "#org+name",
    "sector": "#sector",
    "targeted": "#targeted",
    "reached": "#reached",
    "affected": "#affected",
    "inneed": "#inneed",
    "year": "#date+year",
}


def _columns_problem(name: str, frame: pd.DataFrame, where: str) -> ServiceProblem:
    columns = [str(c) for c in frame.columns]
    return ServiceProblem(
        422,
        f"the table has no column {name!r}",
        hint=f"columns: {', '.join(columns)}. {did_you_mean(name, columns)}".strip(),
        location=f"query: {where}",
    )


def _typed(value: str, series: pd.Series) -> Any:
    if pd.api.types.is_numeric_dtype(series):
        try:
            return float(value)
        except ValueError as bad:
            raise ServiceProblem(
                422,
                f"{value!r} is not a number, but column {series.name!r} is numeric",
                location="query: filter",
            ) from bad
    return value


def _mask(frame: pd.DataFrame, expression: str) -> pd.Series:
    column, _, rest = expression.partition(":")
    operator, _, value = rest.partition(":")
    if column not in frame.columns:
        raise _columns_problem(column, frame, "filter")
    if operator not in OPERATORS:
        raise ServiceProblem(
            422,
            f"unknown filter operator {operator!r} in {expression!r}",
            hint=f"write column:operator:value with an operator of {', '.join(OPERATORS)}",
            location="query: filter",
        )
    series = frame[column]
    if operator == "null":
        return series.isna()
    if operator == "notnull":
        return series.notna()
    if operator == "like":
        return series.astype(str).str.contains(value, case=False, regex=False)
    if operator == "in":
        items = [v.strip() for v in value.strip("[]").split(",") if v.strip()]
        return series.isin([_typed(v, series) for v in items])
    typed = _typed(value, series)
    comparisons = {
        "eq": series.eq,
        "ne": series.ne,
        "gt": series.gt,
        "ge": series.ge,
        "lt": series.lt,
        "le": series.le,
    }
    return comparisons[operator](typed).fillna(False).astype(bool)


def select(frame: pd.DataFrame, fields: str | None, filters: list[str] | None) -> pd.DataFrame:
    """Rows where every filter holds, with the listed fields (all when ``fields`` is None)."""
    out = frame
    for expression in filters or []:
        out = out[_mask(out, expression)]
    if fields:
        names = [f.strip() for f in fields.split(",") if f.strip()]
        for name in names:
            if name not in out.columns:
                raise _columns_problem(name, out, "fields")
        out = out[names]
    return out


def hxl_tag(column: str) -> str:
    """The hashtag for a result column (see the module docstring)."""
    key = column.lower()
    if key in _KNOWN_TAGS:
        return _KNOWN_TAGS[key]
    attribute = re.sub(r"[^a-z0-9]+", "_", key).strip("_") or "value"
    return (
        f"#indicator+{attribute}" if not key.startswith(("note", "flag")) else f"#meta+{attribute}"
    )


def render(
    frame: pd.DataFrame, fmt: str, name: str, pager: dict[str, Any] | None = None
) -> Response:
    """The table as a response in ``fmt`` (json, csv, parquet or hxl); a page of a table
    carries its ``pager`` in the JSON answer."""
    if fmt == "json":
        body: dict[str, Any] = {
            "name": name,
            "rows": len(frame),
            "columns": list(map(str, frame.columns)),
            "data": json_records(frame),
        }
        if pager is not None:
            body["pager"] = pager
        return JSONResponse(body)
    if fmt in ("csv", "hxl"):
        buffer = io.StringIO()
        if fmt == "hxl":
            buffer.write(",".join(map(str, frame.columns)) + "\n")
            buffer.write(",".join(hxl_tag(str(c)) for c in frame.columns) + "\n")
            frame.to_csv(buffer, index=False, header=False, lineterminator="\n")
        else:
            frame.to_csv(buffer, index=False, lineterminator="\n")
        return Response(
            buffer.getvalue(),
            media_type="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
        )
    if fmt == "parquet":
        binary = io.BytesIO()
        frame.to_parquet(binary, index=False)
        return Response(
            binary.getvalue(),
            media_type="application/vnd.apache.parquet",
            headers={"Content-Disposition": f'attachment; filename="{name}.parquet"'},
        )
    raise ServiceProblem(
        422,
        f"unknown format {fmt!r}",
        hint="use format=json, csv, parquet or hxl",
        location="query: format",
    )


def json_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The frame's rows as JSON-ready records: missing values become null (JSON has no NaN),
    timestamps ISO 8601 text."""
    import json

    return json.loads(frame.to_json(orient="records", date_format="iso"))
