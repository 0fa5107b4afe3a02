"""Erosion of gains over the programme's own target group (issue 8).

On the tiny exposure only household 1 (area A, 4 people, weight 10, 800 $ per head) is poor.
One flood event hits area A, where household 2 (wage, weight 20) also lives: its losses belong
to nobody's gain and must not be counted against the programme's.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from humsec.cli import app
from humsec.errors import SpecError
from humsec.shocks import (
    ProgrammeGains,
    build_scenario,
    erosion_of_gains,
    load_programme_gains,
    programme_scenario,
    simulate,
)

from .conftest import one_event_spec

CASH = {"name": "cash", "target": {"groups": ["people_in_poverty"]},
        "consumption_gain": 0.5, "income_gain": 0.25}


@pytest.fixture
def scenario(tiny_exposure):  # type: ignore[no-untyped-def]
    return build_scenario(one_event_spec(frequency=0.3), tiny_exposure)


def test_losses_and_gains_over_the_same_target_group(scenario) -> None:  # type: ignore[no-untyped-def]
    result = erosion_of_gains(scenario, ProgrammeGains(**CASH), n_years=300, seed=4)
    table = result.table
    assert list(table.index) == ["consumption", "income", "poverty"]
    # gains: household 1 only. Consumption 10 x 4 x 400 $, income 10 x 3200 $ x 0.25.
    assert table.loc["consumption", "gain_without_shocks"] == pytest.approx(16_000.0)
    assert table.loc["income", "gain_without_shocks"] == pytest.approx(8_000.0)
    assert table.loc["poverty", "gain_without_shocks"] == pytest.approx(40.0)
    assert (table["target_people"] == 40.0).all()
    # losses: household 1's expected loss x its weight, not area A's
    units = result.programme.units.set_index("unit_id")
    for metric, column in (("consumption", "consumption_loss"), ("income", "income_loss")):
        assert table.loc[metric, "expected_loss_programme"] == pytest.approx(
            10 * units.loc[1, column])
    whole = simulate(programme_scenario(scenario, ProgrammeGains(**CASH), seed=4),
                     n_years=300, seed=4)
    assert whole.eai("consumption_loss").iloc[0] > 3 * table.loc[
        "consumption", "expected_loss_programme"]
    assert table.loc["consumption", "expected_erosion_gross"] == pytest.approx(
        table.loc["consumption", "expected_loss_programme"] / 16_000.0)


def test_income_and_consumption_gains_are_separate(scenario) -> None:  # type: ignore[no-untyped-def]
    income_only = ProgrammeGains(name="jobs", target={"groups": ["people_in_poverty"]},
                                 income_gain=0.5)
    table = erosion_of_gains(scenario, income_only, n_years=100, seed=1).table
    assert list(table.index) == ["income"]
    assert table.loc["income", "gain_without_shocks"] == pytest.approx(16_000.0)


def test_a_zero_gain_is_an_error_not_nan(scenario) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SpecError, match="the programme has no gain"):
        erosion_of_gains(scenario, ProgrammeGains(name="none"), n_years=20)
    # area B households (1500 $ and 6000 $ per head) are above the 1095 $ line already
    above = ProgrammeGains(name="b", target={"areas": ["B"]}, consumption_gain=0.1,
                           income_gain=0.0)
    with pytest.raises(SpecError, match="poverty gain over its target group is 0"):
        erosion_of_gains(scenario, above, n_years=20)
    nobody = ProgrammeGains(name="c", target={"groups": ["people_in_poverty"],
                                              "areas": ["B"]}, consumption_gain=0.1)
    with pytest.raises(SpecError, match="covers no household"):
        erosion_of_gains(scenario, nobody, n_years=20)


def test_a_programme_gains_file(tmp_path: Path, scenario) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "cash.yaml"
    path.write_text("programme_gains:\n  name: cash\n  target: {groups: [people_in_poverty]}\n"
                    "  consumption_gain: 0.5\n  income_gain: 0.25\n", encoding="utf-8")
    assert load_programme_gains(path) == ProgrammeGains(**CASH)
    path.write_text("name: cash\nconsumption_gain: 0.5\nincome_gian: 0.2\n", encoding="utf-8")
    with pytest.raises(SpecError, match="income_gian"):
        load_programme_gains(path)


def test_the_cli_does_not_equate_income_and_consumption(tmp_path: Path) -> None:
    base = ["shocks", "erosion", "--years", "20", "--households", "300"]
    bad = CliRunner().invoke(app, [*base, "--consumption-gain", "0.3"])
    assert bad.exit_code == 2
    assert "--income-gain" in bad.output and "separate" in bad.output
    path = tmp_path / "p.yaml"
    path.write_text("name: p\ntarget: {groups: [people_in_poverty]}\nconsumption_gain: 0.3\n"
                    "income_gain: 0.1\n", encoding="utf-8")
    both = CliRunner().invoke(app, [*base, "--programme", str(path), "--income-gain", "0.2"])
    assert both.exit_code == 2 and "both given" in both.output
    good = CliRunner().invoke(app, [*base, "--programme", str(path)])
    assert good.exit_code == 0, good.output
    assert "consumption +30.0%, income +10.0%" in good.output
