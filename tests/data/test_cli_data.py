"""`humsec data` commands through Typer's test runner."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from humsec.cli import app

runner = CliRunner()


def invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["data", *args], env={"COLUMNS": "200"})
    return result.exit_code, result.output


def test_list_shows_every_dataset() -> None:
    code, out = invoke("list")
    assert code == 0
    for name in ("hdr", "inform2020", "inform2025", "wdi", "ucdp_country_year", "countries",
                 "world", "CC BY 3.0 IGO"):
        assert name in out


def test_show_prints_provenance_and_rows() -> None:
    code, out = invoke("show", "inform2025", "--rows", "2")
    assert code == 0
    assert "sha256" in out and "drmkc.jrc.ec.europa.eu" in out
    assert "inform_risk" in out and "AFG" in out


def test_show_world() -> None:
    code, out = invoke("show", "world")
    assert code == 0 and "236 features" in out


def test_show_unknown_exits_2_with_suggestion() -> None:
    code, out = invoke("show", "inform202")
    assert code == 2
    assert "inform2020" in out and "Traceback" not in out


def test_indicators_lists_gaps() -> None:
    code, out = invoke("indicators")
    assert code == 0
    assert "life_expectancy" in out and "Coverage gaps: crime" in out
    code, out = invoke("indicators", "--threat", "hunger")
    assert code == 0 and "Indicators (3)" in out and "inform_food_security" in out
    code, out = invoke("indicators", "--threat", "hungry")
    assert code == 2 and "hunger" in out


def test_import_adds_iso3_and_lists_unmatched(tmp_path: Path) -> None:
    source = tmp_path / "programme.csv"
    source.write_text("Country,people\nKenya,10\nIvory Coast,20\nAtlantis,5\n,1\n",
                      encoding="utf-8")
    target = tmp_path / "out.parquet"
    code, out = invoke("import", str(source), "--out", str(target))
    assert code == 0, out
    assert "'Atlantis'" in out and "2 rows matched" in out
    frame = pd.read_parquet(target)
    assert list(frame.columns) == ["Country", "iso3", "people"]
    assert frame["iso3"].tolist()[:2] == ["KEN", "CIV"]
    assert frame["iso3"].isna().sum() == 2


def test_import_strict_fails_and_writes_nothing(tmp_path: Path) -> None:
    source = tmp_path / "p.csv"
    source.write_text("nation,n\nKenya,1\nNarnia,2\n", encoding="utf-8")
    target = tmp_path / "out.csv"
    code, out = invoke("import", str(source), "-c", "nation", "--strict", "--out", str(target))
    assert code == 2 and "Narnia" in out
    assert not target.exists()
    code, out = invoke("import", str(source), "-c", "natoin")
    assert code == 2 and "nation" in out


def test_panel_writes_csv(tmp_path: Path) -> None:
    target = tmp_path / "panel.csv"
    code, out = invoke("panel", "-i", "hdi,inform_risk", "-y", "2019-2020", "-o", str(target))
    assert code == 0, out
    frame = pd.read_csv(target)
    assert list(frame.columns) == ["iso3", "year", "hdi", "inform_risk"]
    assert set(frame["year"]) == {2019, 2020}
    code, out = invoke("panel", "-i", "hdi", "-y", "2022", "-c", "KEN,Norway", "-o", str(target))
    assert code == 0, out
    assert pd.read_csv(target)["iso3"].tolist() == ["KEN", "NOR"]
    code, out = invoke("panel", "-y", "twenty")
    assert code == 2 and "--years" in out


def test_import_finds_the_hxl_country_column(tmp_path: Path) -> None:
    source = tmp_path / "3w.csv"
    source.write_text(
        "Where,Organisation,People reached\n#country+name,#org,#reached\n"
        "Kenya,NGO A,100\nSouth Sudan,NGO B,50\n",
        encoding="utf-8",
    )
    target = tmp_path / "3w.parquet"
    code, out = invoke("import", str(source), "--out", str(target))
    assert code == 0, out
    assert "country column 'Where'" in out
    assert pd.read_parquet(target)["iso3"].tolist() == ["KEN", "SSD"]


def test_import_keeps_hxl_tags_when_writing_csv(tmp_path: Path) -> None:
    source = tmp_path / "3w.csv"
    source.write_text(
        "Where,Organisation,People reached\n#country+name,#org,#reached\n"
        "Kenya,NGO A,100\nSouth Sudan,NGO B,50\n",
        encoding="utf-8",
    )
    target = tmp_path / "3w_iso3.csv"
    code, out = invoke("import", str(source), "--out", str(target))
    assert code == 0, out
    lines = target.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "Where,iso3,Organisation,People reached"
    assert lines[1] == "#country+name,#country+code+iso3,#org,#reached"
    assert lines[2] == "Kenya,KEN,NGO A,100"
