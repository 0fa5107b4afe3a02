"""`humsec index` commands end to end (bundled data, user files, errors with exit code 2)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from humsec.cli import app

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "index"
runner = CliRunner()


def test_presets_list_and_show() -> None:
    result = runner.invoke(app, ["index", "presets"])
    assert result.exit_code == 0, result.output
    assert "inform" in result.output and "hsi" in result.output
    shown = runner.invoke(app, ["index", "presets", "--show", "worldriskindex"])
    assert "root: wri" in shown.output


def test_build_hsi_out_of_the_box(tmp_path: Path) -> None:
    out = tmp_path / "hsi.csv"
    result = runner.invoke(app, ["index", "build", "hsi", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "2023" in result.output and "threat gap: crime" in result.output
    table = pd.read_csv(out, index_col=0)
    assert {"hsi", "rank", "fear", "want", "dignity", "quadrant"} <= set(table.columns)
    assert table.loc["KEN", "quadrant"] == "compound insecurity"


def test_build_user_file_with_published_inform(tmp_path: Path) -> None:
    out = tmp_path / "inform.parquet"
    result = runner.invoke(
        app, ["index", "build", "inform", "--data", str(FIXTURES / "inform2020.csv"),
              "--out", str(out)],
    )
    assert result.exit_code == 0, result.output
    built = pd.read_parquet(out)
    published = pd.read_csv(FIXTURES / "inform2020.csv").set_index("iso3")["pub_inform_risk"]
    diff = (built.set_index(built.index.astype(str))["inform_risk"] - published).abs()
    assert (diff <= 0.1 + 1e-9).mean() >= 0.98


def test_build_spec_file_and_missing_column(tmp_path: Path) -> None:
    spec = tmp_path / "mine.yaml"
    spec.write_text(
        "code: mine\nroot: total\norientation: higher_is_better\n"
        "indicators:\n  - {code: le, direction: higher_is_better, "
        "normalisation: {method: minmax}}\n  - {code: eyss, direction: higher_is_better}\n"
        "nodes:\n  - {code: total, children: [le, eyss]}\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["index", "build", str(spec), "--data",
                                 str(FIXTURES / "hdr2022.csv")])
    assert result.exit_code == 2
    assert "indicator 'eyss'" in result.output and "did you mean 'eys'" in result.output


def test_explain_and_uncertainty(tmp_path: Path) -> None:
    result = runner.invoke(app, ["index", "explain", "hdi", "--unit", "KEN"])
    assert result.exit_code == 0, result.output
    assert "gnipc" in result.output and "rank" in result.output
    out = tmp_path / "unc.csv"
    result = runner.invoke(
        app, ["index", "uncertainty", "hdi", "--n", "100", "--seed", "3", "--sobol-n", "32",
              "--out", str(out)],
    )
    assert result.exit_code == 0, result.output
    assert "Sobol" in result.output
    summary = pd.read_csv(out, index_col=0)
    summary = summary.dropna()
    assert len(summary) > 180
    assert (summary["rank_p05"] <= summary["rank_p95"]).all()


def test_uncertainty_bad_factor_is_a_clean_error() -> None:
    result = runner.invoke(app, ["index", "uncertainty", "hdi", "--vary", "wieghts"])
    assert result.exit_code == 2
    assert "unknown uncertainty factor" in result.output


def test_preset_without_bundled_data_asks_for_data() -> None:
    result = runner.invoke(app, ["index", "build", "ndgain"])
    assert result.exit_code == 2
    assert "--data" in result.output


def _preset_data(preset: str, tmp_path: Path) -> list[str]:
    """--data for the presets without bundled inputs: seeded component scores for the
    WorldRiskIndex (0-100, one exposure exactly 0), ND-GAIN sectors from the published
    pillars."""
    if preset == "worldriskindex":
        rng = np.random.default_rng(4)
        columns = ["exposure", "susceptibility", "lack_of_coping", "lack_of_adaptation"]
        table = pd.DataFrame(rng.uniform(1, 90, (25, 4)), columns=columns)
        table.loc[0, "exposure"] = 0.0
        table.insert(0, "iso3", [f"U{i:02d}" for i in range(25)])
    elif preset == "ndgain":
        pub = pd.read_csv(FIXTURES / "ndgain2025.csv").dropna().head(40)
        table = pd.DataFrame({"iso3": pub["iso3"]})
        for code in ("food", "water", "health", "ecosystems", "habitat", "infrastructure"):
            table[code] = pub["pub_vulnerability"]
        for code in ("economic", "governance", "social"):
            table[code] = pub["pub_readiness"]
    else:
        return []
    path = tmp_path / f"{preset}.csv"
    table.to_csv(path, index=False)
    return ["--data", str(path)]


@pytest.mark.parametrize("preset", ["hdi", "inform", "worldriskindex", "ndgain", "hsi"])
def test_uncertainty_defaults_run_on_every_preset(preset: str, tmp_path: Path) -> None:
    args = ["index", "uncertainty", preset, "--n", "30", "--sobol-n", "8",
            *_preset_data(preset, tmp_path)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "Sobol" in result.output
    if preset == "inform":  # its zero components rule out the geometric alternative
        assert "'geometric' left out" in result.output
