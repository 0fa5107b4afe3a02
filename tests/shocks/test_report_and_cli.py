"""The report section and the `humsec shocks` commands."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from humsec.cli import app
from humsec.report.section import ReportContext, Section
from humsec.report.sections import shocks as section


def test_report_section_renders_offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(section, "RISK_HOUSEHOLDS", 1200)
    monkeypatch.setattr(section, "RISK_YEARS", 60)
    monkeypatch.setattr(section, "APPRAISAL_HOUSEHOLDS", 800)
    monkeypatch.setattr(section, "APPRAISAL_YEARS", 30)
    assert isinstance(section.SHOCKS, Section)
    rendered = section.SHOCKS.render(ReportContext(seed=2))
    for div in ("shocks-exceedance", "shocks-areas", "shocks-groups", "shocks-measures"):
        assert f'id="{div}"' in rendered.html
    assert "<script src" not in rendered.html
    assert "all measures combined" in rendered.html
    assert any("Unbreakable" in a for a in rendered.attributions)


def test_cli_simulate_writes_the_year_loss_table(tmp_path: Path) -> None:
    out = tmp_path / "years.csv"
    result = CliRunner().invoke(app, ["shocks", "simulate", "--years", "40", "--households",
                                      "800", "--seed", "3", "--by", "group", "--out", str(out)])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out)
    assert len(table) == 40
    assert {"asset_loss", "wellbeing_loss", "people_pushed_into_poverty"} <= set(table.columns)
    assert "people_in_poverty" in result.output


def test_cli_appraise_and_errors(tmp_path: Path) -> None:
    out = tmp_path / "measures.csv"
    result = CliRunner().invoke(app, ["shocks", "appraise", "--years", "20", "--households",
                                      "600", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "bcr_wellbeing" in pd.read_csv(out).columns
    bad = tmp_path / "bad.yaml"
    bad.write_text("hazards:\n  event_sets:\n    - {hazard: f, threat: disasters, events: []}\n"
                   "impact_functions: []\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["shocks", "simulate", "--events", str(bad), "--years",
                                      "10", "--households", "300"])
    assert result.exit_code == 2
    assert "event set is empty" in result.output


def test_cli_reads_a_survey_file_as_exposure(tmp_path: Path) -> None:
    from humsec.data import synthetic_survey

    survey = tmp_path / "survey.csv"
    synthetic_survey(400, seed=2).to_csv(survey, index=False)
    result = CliRunner().invoke(app, ["shocks", "simulate", "--exposure", str(survey),
                                      "--years", "30", "--missing-areas", "drop"])
    assert result.exit_code == 0, result.output
    assert "eai_asset_loss" in result.output
    strict = CliRunner().invoke(app, ["shocks", "simulate", "--exposure", str(survey),
                                      "--years", "30"])
    assert strict.exit_code == 2
    assert "not in the exposure" in strict.output


def test_cli_erosion_and_shared_options(tmp_path: Path) -> None:
    out = tmp_path / "erosion.csv"
    result = CliRunner().invoke(app, ["shocks", "erosion", "--years", "30", "--households",
                                      "400", "--seed", "2", "--consumption-gain", "0.3",
                                      "--income-gain", "0.3", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert len(pd.read_csv(out)) >= 1
    for command in ("simulate", "appraise", "erosion"):
        help_text = CliRunner().invoke(app, ["shocks", command, "--help"]).output
        assert "Random" in help_text and "Households" in help_text  # the shared help texts
    bad = CliRunner().invoke(app, ["shocks", "erosion", "--target-group", "womens",
                                   "--consumption-gain", "0.3", "--income-gain", "0",
                                   "--years", "5", "--households", "200"])
    assert bad.exit_code == 2
    assert "did you mean 'women'" in bad.output
