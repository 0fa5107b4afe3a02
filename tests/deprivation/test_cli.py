"""`humsec deprivation` commands end to end (CliRunner)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyreadstat
import pytest
from typer.testing import CliRunner

from humsec.cli import app

runner = CliRunner()


def test_estimate_demo_writes_table(tmp_path: Path) -> None:
    out = tmp_path / "af.csv"
    result = runner.invoke(
        app,
        ["deprivation", "estimate", "--demo", "--households", "800", "--by", "region",
         "--k", "33", "--out", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "M0" in result.output
    table = pd.read_csv(out)
    assert list(table.columns[:5]) == ["subgroup", "level", "k", "measure", "indicator"]
    assert set(table["k"]) == {0.33}
    assert set(table["subgroup"]) == {"total", "region"}


def test_estimate_stata_file_with_value_labels(tmp_path: Path) -> None:
    # Toy example as a Stata file; region has value labels that show in the output table.
    frame = pd.DataFrame(
        {
            "a": [1, 0, 1, 0, 0, 1],
            "b": [0, 0, 1, 1, 0, 1],
            "reg": [1, 1, 2, 2, 2, 1],
        }
    )
    path = tmp_path / "toy.dta"
    pyreadstat.write_dta(frame, str(path), variable_value_labels={"reg": {1: "North", 2: "South"}})
    spec = tmp_path / "spec.yaml"
    spec.write_text("indicators: {a: 0.5, b: 0.5}\nk: 0.5\n")
    out = tmp_path / "out.csv"
    result = runner.invoke(
        app,
        ["deprivation", "estimate", "--data", str(path), "--spec", str(spec), "--by", "reg",
         "--out", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out)
    levels = set(table.loc[table["subgroup"] == "reg", "level"])
    assert levels == {"North", "South"}
    m0 = table[(table["measure"] == "M0") & (table["subgroup"] == "total")]["value"].iloc[0]
    assert m0 == (0.5 + 1 + 0.5 + 1) / 6  # persons 1, 3, 4, 6 poor at k = 0.5


def test_bad_input_exits_2_with_message(tmp_path: Path) -> None:
    result = runner.invoke(app, ["deprivation", "estimate", "--demo", "--k", "150"])
    assert result.exit_code == 2
    assert "outside (0, 1]" in result.output
    result = runner.invoke(app, ["deprivation", "estimate"])
    assert result.exit_code == 2 and "--demo" in result.output
    bad = tmp_path / "bad.csv"
    pd.DataFrame({"d_nutr": [0, 2]}).to_csv(bad, index=False)
    spec = tmp_path / "s.yaml"
    spec.write_text("indicators: {d_nutr: 1.0}\n")
    result = runner.invoke(
        app, ["deprivation", "estimate", "--data", str(bad), "--spec", str(spec)]
    )
    assert result.exit_code == 2 and "0/1" in result.output


def test_compound_change_severity_specs(tmp_path: Path) -> None:
    result = runner.invoke(app, ["deprivation", "compound", "--demo", "--households", "500"])
    assert result.exit_code == 0, result.output
    assert "left behind" in result.output
    result = runner.invoke(app, ["deprivation", "change", "--demo", "--households", "400"])
    assert result.exit_code == 0, result.output
    assert "annualised_relative" in result.output or "annual" in result.output
    sev = tmp_path / "sev.csv"
    pd.DataFrame({"food": [1, 3, 4], "wash": [2, 2, 5], "area": ["A", "A", "B"]}).to_csv(
        sev, index=False
    )
    result = runner.invoke(
        app, ["deprivation", "severity", "--data", str(sev), "--sectors", "food,wash",
              "--area", "area"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "People in need" in result.output and "Needs profiles" in result.output
    result = runner.invoke(app, ["deprivation", "specs"])
    assert "global_mpi" in result.output


def test_compound_ranks_user_groups(tmp_path: Path) -> None:
    from humsec.data import synthetic_survey

    frame = synthetic_survey(600, seed=4)
    frame["displaced"] = (frame["displacement"] != "none").astype(int)
    path = tmp_path / "survey.parquet"
    frame.to_parquet(path)
    result = runner.invoke(
        app,
        ["deprivation", "compound", "--data", str(path), "--weight", "weight", "--strata",
         "stratum", "--psu", "psu", "--groups", "displaced,remote_people=remote",
         "--out", str(tmp_path / "compound.csv")],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    ranking = pd.read_csv(tmp_path / "compound_left_behind.csv")
    assert set(ranking["group"]) == {"displaced", "remote_people"}
    assert set(ranking["column"]) == {"displaced", "remote"}
    assert (ranking["M0_ci_low"] <= ranking["M0"]).all()


def test_estimate_takes_a_bundled_spec_by_name(tmp_path: Path) -> None:
    out = tmp_path / "mpi.csv"
    result = runner.invoke(
        app,
        ["deprivation", "estimate", "--demo", "--households", "600", "--spec", "global_mpi",
         "--out", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out)
    indicators = set(table.loc[table["measure"] == "hdk", "indicator"])
    assert indicators == {"d_nutr", "d_cm", "d_satt", "d_educ", "d_elct", "d_sani", "d_wtr",
                          "d_hsg", "d_ckfl", "d_asst"}  # fmt: skip


def _rounds_csv(tmp_path: Path) -> Path:
    # Two strata whose PSUs are both numbered 1, 2 (as in surveys that number clusters
    # within strata, or rounds that reuse the ids).
    frame = pd.DataFrame(
        {
            "a": [1, 0, 1, 1, 0, 0, 1, 0],
            "b": [1, 1, 0, 1, 0, 1, 1, 0],
            "st": ["A", "A", "A", "A", "B", "B", "B", "B"],
            "psu": [1, 1, 2, 2, 1, 1, 2, 2],
            "pid": [1, 2, 3, 4, 5, 6, 7, 8],
        }
    )
    path = tmp_path / "rounds.csv"
    frame.to_csv(path, index=False)
    return path


def test_nest_option_matches_the_python_design(tmp_path: Path) -> None:
    from humsec.deprivation import DeprivationSpec, SurveyDesign, estimate

    path = _rounds_csv(tmp_path)
    spec = tmp_path / "s.yaml"
    spec.write_text("indicators: {a: 0.5, b: 0.5}\nk: 0.5\n")
    args = ["deprivation", "estimate", "--data", str(path), "--spec", str(spec), "--strata",
            "st", "--psu", "psu"]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 2 and "--nest" in result.output
    out = tmp_path / "out.csv"
    result = runner.invoke(app, [*args, "--nest", "--out", str(out)])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out)
    m0 = table[(table["measure"] == "M0") & (table["subgroup"] == "total")].iloc[0]
    frame = pd.read_csv(path)
    design = SurveyDesign(strata="st", psu="psu", nest=True)
    expected = estimate(frame, DeprivationSpec.from_yaml(spec), design)
    assert m0["se"] == expected.value("M0", column="se")
    # 4 PSUs (two per stratum) in 2 strata: df = 2, not 0 as PSUs merged across strata.
    assert expected.df == 2
    # By hand: c = [1, .5, .5, 1 | 0, .5, 1, 0], M0 = 4.5/8; PSU totals of z = (c - M0)/8:
    # A: (1.5 - 1.125)/8, (1.5 - 1.125)/8 -> no spread; B: (.5 - 1.125)/8, (1 - 1.125)/8.
    spread = ((0.5 - 1.125) / 8 - (1.0 - 1.125) / 8) / 2
    assert m0["se"] ** 2 == pytest.approx(2 * 2 * spread**2, abs=1e-15)


def test_id_option_rejects_duplicate_rows(tmp_path: Path) -> None:
    frame = pd.read_csv(_rounds_csv(tmp_path))
    frame.loc[4, "pid"] = 2  # rows 2 and 5 (strata A and B) share an id
    frame.loc[7, "pid"] = 1  # rows 1 and 8
    path = tmp_path / "dups.csv"
    frame.to_csv(path, index=False)
    spec = tmp_path / "s.yaml"
    spec.write_text("indicators: {a: 0.5, b: 0.5}\nk: 0.5\n")
    args = ["deprivation", "estimate", "--data", str(path), "--spec", str(spec)]
    result = runner.invoke(app, [*args, "--id", "pid"])
    assert result.exit_code == 2
    assert "2 value(s) of id 'pid'" in result.output
    assert "pid=1 in rows 1, 8" in result.output and "pid=2 in rows 2, 5" in result.output
    assert "Traceback" not in result.output
    # Together with the stratum the ids are unique: accepted.
    result = runner.invoke(app, [*args, "--id", "pid,st"])
    assert result.exit_code == 0, result.output


def test_ambiguous_k_is_an_error_naming_both_forms() -> None:
    for bad in ("1.5", "0", "-1", "250"):
        result = runner.invoke(app, ["deprivation", "estimate", "--demo", "--k", bad])
        assert result.exit_code == 2, bad
        assert "fraction" in result.output and "whole percent" in result.output


def test_cutoffs_on_a_stata_file_name_labels_or_codes(tmp_path: Path) -> None:
    # water: 1 piped, 2 river, 3 pond. Before, cutoff [river, pond] matched no stored code
    # and gave 0 % deprived.
    frame = pd.DataFrame({"water": [1, 2, 3, 1, 2, 1], "reg": [1, 1, 1, 2, 2, 2]})
    path = tmp_path / "w.dta"
    pyreadstat.write_dta(
        frame, str(path), variable_value_labels={"water": {1: "piped", 2: "river", 3: "pond"}}
    )
    spec = tmp_path / "s.yaml"
    for cutoff in ("[river, pond]", "[2, Pond]"):
        spec.write_text(
            f"indicators:\n  - name: d_wtr\n    column: water\n    cutoff: {cutoff}\nk: 1\n"
        )
        out = tmp_path / "out.csv"
        result = runner.invoke(
            app, ["deprivation", "estimate", "--data", str(path), "--spec", str(spec),
                  "--out", str(out)],
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        table = pd.read_csv(out)
        hd = table[(table["measure"] == "hd") & (table["subgroup"] == "total")]["value"]
        assert hd.iloc[0] == pytest.approx(3 / 6)  # rows 2, 3 and 5
    spec.write_text("indicators:\n  - name: d_wtr\n    column: water\n    cutoff: [lake]\nk: 1\n")
    result = runner.invoke(
        app, ["deprivation", "estimate", "--data", str(path), "--spec", str(spec)]
    )
    assert result.exit_code == 2
    assert "neither a value label nor a code" in result.output
    assert "'river' (2)" in result.output and "indicators.d_wtr.cutoff" in result.output


def test_group_rules_on_a_stata_file_name_labels_or_codes(tmp_path: Path) -> None:
    # sex coded 1/2 with labels: "women" by label, "men" by code; before, a rule had to be
    # a 0/1 column (and women == "female" on codes counted nobody).
    from humsec.data import synthetic_survey
    from humsec.deprivation import SurveyDesign, bundled_spec, estimate

    frame = synthetic_survey(500, seed=3)
    frame["sex"] = frame["sex"].map({"male": 1, "female": 2})
    path = tmp_path / "s.dta"
    keep = [*(i.source for i in bundled_spec().indicators), *bundled_spec().by, "sex", "weight",
            "stratum", "psu"]  # fmt: skip
    pyreadstat.write_dta(
        frame[keep], str(path), variable_value_labels={"sex": {1: "male", 2: "female"}}
    )
    out = tmp_path / "c.csv"
    args = ["deprivation", "compound", "--data", str(path), "--weight", "weight", "--strata",
            "stratum", "--psu", "psu"]  # fmt: skip
    result = runner.invoke(
        app, [*args, "--groups", "women=sex:Female,men=sex:1", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    ranking = pd.read_csv(tmp_path / "c_left_behind.csv").set_index("group")
    design = SurveyDesign(weight="weight", strata="stratum", psu="psu")
    by_sex = estimate(frame[keep], bundled_spec(), design, by="sex")
    assert ranking.loc["women", "M0"] == pytest.approx(
        by_sex.value("M0", subgroup="sex", level="2"), abs=1e-12
    )
    assert ranking.loc["men", "M0"] == pytest.approx(
        by_sex.value("M0", subgroup="sex", level="1"), abs=1e-12
    )
    result = runner.invoke(app, [*args, "--groups", "women=sex:woman"])
    assert result.exit_code == 2 and "'female' (2)" in result.output


def test_infinite_weight_in_a_csv_exits_2(tmp_path: Path) -> None:
    # Before: NaN estimates and exit code 0.
    path = tmp_path / "w.csv"
    path.write_text("a,b,w\n1,0,1.0\n0,1,inf\n1,1,2.0\n")
    spec = tmp_path / "s.yaml"
    spec.write_text("indicators: {a: 0.5, b: 0.5}\nk: 0.5\n")
    result = runner.invoke(
        app, ["deprivation", "estimate", "--data", str(path), "--spec", str(spec), "--weight", "w"]
    )
    assert result.exit_code == 2
    assert "infinite" in result.output and "'w'" in result.output
