"""Every index result can leave the program, and the console tables are readable.

`index explain` shows raw data values and transformed values in their own columns; `build
--out` carries the year, the normalised indicators and the audit, and a workbook has every
stage; uncertainty writes its intervals and Sobol indices; console tables fit 80 columns
with the decimals each preset's spec gives."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from humsec.cli import app
from humsec.index import IndexSpec, build, explain, load_preset

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "index"
runner = CliRunner()


def test_explain_raw_column_is_the_data_value(hdr2022: pd.DataFrame) -> None:
    result = build(load_preset("hdi"), hdr2022.loc[["KEN", "CHE"]])
    rows = explain(result, "KEN").indicators.set_index("indicator")
    gni = hdr2022.loc["KEN", "gnipc"]
    assert rows.loc["gnipc", "raw"] == pytest.approx(gni)  # dollars, as in the data
    assert rows.loc["gnipc", "treated"] == pytest.approx(np.log(gni))  # after the log
    assert rows.loc["gnipc", "normalised"] == pytest.approx(
        (np.log(gni) - np.log(100)) / (np.log(75000) - np.log(100))
    )
    assert rows.loc["le", "raw"] == rows.loc["le", "treated"] == hdr2022.loc["KEN", "le"]


def test_explain_imputed_value_has_no_raw_value() -> None:
    spec = IndexSpec.from_dict(
        {
            "code": "t", "root": "r",
            "indicators": [
                {"code": "x", "direction": "higher_is_worse", "column": "deaths",
                 "denominator": "pop", "denominator_scale": 1000,
                 "imputation": {"method": "mean"}},
                {"code": "y", "direction": "higher_is_worse"},
            ],
            "nodes": [{"code": "r", "children": ["x", "y"]}],
        }
    )
    data = pd.DataFrame({"deaths": [2.0, 6.0, np.nan], "pop": [1000.0, 2000.0, 10.0],
                         "y": [1.0, 2.0, 3.0]}, index=["a", "b", "c"])
    rows = explain(build(spec, data), "c").indicators.set_index("indicator")
    # c's deaths are missing: raw is missing, treated is the mean of 2 and 3 per 1,000
    assert np.isnan(rows.loc["x", "raw"]) and rows.loc["x", "imputed"]
    assert rows.loc["x", "treated"] == pytest.approx(2.5)
    b = explain(build(spec, data), "b").indicators.set_index("indicator")
    assert b.loc["x", "raw"] == 6.0 and b.loc["x", "treated"] == pytest.approx(3.0)


def test_explain_cli_shows_raw_and_treated_columns() -> None:
    result = runner.invoke(app, ["index", "explain", "hdi", "--unit", "KEN"])
    assert result.exit_code == 0, result.output
    line = next(li for li in result.output.splitlines() if li.startswith("gnipc"))
    # raw GNI per capita in dollars (4,808), its log (8.48), the income index (0.585)
    assert re.search(r"gnipc\s+4,808\s+8\.48\s+0\.585", line), line


def test_build_out_csv_carries_year_normalised_indicators_and_audit(tmp_path: Path) -> None:
    out = tmp_path / "hsi.csv"
    result = runner.invoke(app, ["index", "build", "hsi", "--out", str(out)])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out, index_col=0)
    assert (table["year"] == 2023).all()
    spec = load_preset("hsi")
    assert set(spec.indicator_codes) <= set(table.columns)
    assert table["life_expectancy"].dropna().between(0, 10).all()  # normalised, 0-10
    # Kenya's 2023 life expectancy is carried forward from an earlier year: audited
    assert "imputed (latest within 3 years)" in table.loc["KEN", "audit"]
    assert "life_expectancy" in table.loc["KEN", "audit"]


def test_build_out_xlsx_has_every_stage(tmp_path: Path) -> None:
    out = tmp_path / "hdi.xlsx"
    data = FIXTURES / "hdr2022.csv"
    result = runner.invoke(app, ["index", "build", "hdi", "--data", str(data), "--out", str(out)])
    assert result.exit_code == 0, result.output
    sheets = pd.read_excel(out, sheet_name=None, index_col=0, engine="openpyxl")
    for name in ("scores", "raw", "imputed", "treated", "normalised", "aggregated", "ranks",
                 "classes", "audit"):
        assert name in sheets, name
    source = pd.read_csv(data).set_index("iso3")
    np.testing.assert_allclose(sheets["raw"].loc["KEN", "gnipc"], source.loc["KEN", "gnipc"])
    assert sheets["treated"].loc["KEN", "gnipc"] == pytest.approx(
        np.log(source.loc["KEN", "gnipc"]))
    assert sheets["aggregated"].loc["CHE", "hdi"] == pytest.approx(0.967, abs=5e-4)
    assert sheets["ranks"].loc["CHE", "hdi"] == 1
    assert sheets["classes"].loc["CHE", "hdi"] == "Very High"


def test_build_out_json_has_every_stage(tmp_path: Path) -> None:
    out = tmp_path / "inform.json"
    result = runner.invoke(app, ["index", "build", "inform", "--out", str(out)])
    assert result.exit_code == 0, result.output
    payload = json.loads(out.read_text(encoding="utf-8"))
    assert {"scores", "raw", "normalised", "audit", "missing"} <= set(payload)
    scores = pd.DataFrame(payload["scores"]["data"]).set_index("iso3")
    assert scores.loc["SOM", "inform_risk"] == 9.0


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".xlsx", ".json"])
def test_uncertainty_writes_intervals_and_sobol(tmp_path: Path, suffix: str) -> None:
    out, sobol = tmp_path / f"unc{suffix}", tmp_path / f"sobol{suffix}"
    result = runner.invoke(app, ["index", "uncertainty", "inform", "--n", "30", "--sobol-n",
                                 "8", "--out", str(out), "--sobol-out", str(sobol)])
    assert result.exit_code == 0, result.output
    if suffix == ".csv":
        table = pd.read_csv(sobol, index_col=0)
        summary = pd.read_csv(out, index_col=0)
    elif suffix == ".parquet":
        table, summary = pd.read_parquet(sobol), pd.read_parquet(out)
    elif suffix == ".xlsx":
        sheets = pd.read_excel(out, sheet_name=None, index_col=0, engine="openpyxl")
        table, summary = sheets["sobol"], sheets["summary"]
        assert sheets["left_out"].loc["aggregation", "alternative"] == "geometric"
    else:
        payload = json.loads(out.read_text(encoding="utf-8"))
        table = pd.DataFrame(payload["sobol"]["data"]).set_index("factor")
        summary = pd.DataFrame(payload["summary"]["data"]).set_index("iso3")
        assert payload["left_out"]["data"][0]["alternative"] == "geometric"
    assert list(table.index) == ["weights", "aggregation"]
    assert {"S1", "ST", "S1_conf", "ST_conf"} <= set(table.columns)
    assert (summary["rank_p05"] <= summary["rank_p95"]).all()


def _check_readable(output: str) -> None:
    for line in output.splitlines():
        # notes are printed soft-wrapped (the terminal wraps them, cli/terminal.py)
        assert len(line) <= 80 or line.startswith("note:"), line
        assert "…" not in line, line
        assert not re.search(r"\d[eE][+-]?\d", line), line  # no scientific notation


@pytest.mark.parametrize(
    ("args", "score"),
    [
        # INFORM publishes one decimal, the HDI three (decimals in the preset specs)
        (["index", "build", "inform"], r"^SOM\s+9\.0\s+1\s"),
        (["index", "build", "hdi"], r"^CHE\s+0\.967\s+1\s"),
        (["index", "build", "hsi"], r"^SSD\s+\d\.\d\d\s+1\s"),
        (["index", "explain", "inform", "--unit", "AFG"], r"inform_risk = 8\.1, rank"),
        (["index", "uncertainty", "inform", "--n", "20", "--sobol-n", "8"], r"^SOM\s+9\.0\s"),
        (["index", "uncertainty", "hdi", "--n", "20", "--sobol-n", "8"], r"^CHE\s+0\.967\s"),
    ],
)
def test_console_tables_fit_80_columns_with_the_spec_decimals(
    args: list[str], score: str
) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    _check_readable(result.output)
    assert re.search(score, result.output, flags=re.MULTILINE), result.output


def test_plain_numbers_never_use_scientific_notation() -> None:
    from humsec.cli.frame_view import plain_number as _plain

    assert _plain(1.5e12) == "1,500,000,000,000"
    assert _plain(0.000123456) == "0.000123"
    assert _plain(-2.5) == "-2.50"
    assert _plain(0.0) == "0"
