"""Loss by area x hazard (``ShockRisk.by_area_hazard``): routing to the area, and the sums."""

from __future__ import annotations

import numpy as np
import pytest

from humsec.shocks import build_scenario, demo_scenario, simulate

from .conftest import one_event_spec


def _two_area_spec() -> dict:  # type: ignore[type-arg]
    """A flood that only hits area A and a storm that only hits area B."""
    spec = one_event_spec(frequency=0.3)
    spec["hazards"]["event_sets"].append({
        "hazard": "storm", "threat": "disasters",
        "events": [{"id": "s1", "frequency": 0.2, "footprint": {"B": 1.0}}],
    })
    spec["impact_functions"].append({"hazard": "storm", "intensity": [0.0, 1.0, 2.0],
                                     "asset_loss": [0.0, 0.3, 0.6],
                                     "income_loss": [0.0, 0.05, 0.1]})
    return spec


def test_each_area_gets_only_the_hazards_that_hit_it(tiny_exposure) -> None:  # type: ignore[no-untyped-def]
    risk = simulate(build_scenario(_two_area_spec(), tiny_exposure), 400, seed=4)
    table = risk.by_area_hazard().set_index(["area", "hazard"])
    by_area = risk.by_area()
    # the flood's loss is all of A's, the storm's all of B's; nothing crosses over
    for area, hazard, other in (("A", "flood", "storm"), ("B", "storm", "flood")):
        for metric in ("asset_loss", "wellbeing_loss"):
            assert by_area.loc[area, f"eai_{metric}"] > 0
            assert table.loc[(area, hazard), f"eai_{metric}"] == pytest.approx(
                by_area.loc[area, f"eai_{metric}"], rel=1e-12)
            assert table.loc[(area, other), f"eai_{metric}"] == 0.0
        assert table.loc[(area, hazard), "share_of_area_wellbeing_loss"] == 1.0
        assert table.loc[(area, hazard), "rank_in_area"] == 1
        assert table.loc[(area, other), "rank_in_area"] == 2


def test_area_hazard_sums_to_the_hazard_and_area_tables() -> None:
    scenario = demo_scenario(1500)
    risk = simulate(scenario, 150, seed=7)
    table = risk.by_area_hazard()
    assert len(table) == len(risk.areas) * len(risk.hazards)
    for metric in ("asset_loss", "wellbeing_loss"):
        over_areas = table.groupby("hazard")[f"eai_{metric}"].sum().reindex(list(risk.hazards))
        np.testing.assert_allclose(over_areas.to_numpy(),
                                   risk.eai(metric, "hazard").to_numpy(), rtol=1e-12)
        over_hazards = table.groupby("area")[f"eai_{metric}"].sum().reindex(list(risk.areas))
        np.testing.assert_allclose(over_hazards.to_numpy(),
                                   risk.eai(metric, "area").to_numpy(), rtol=1e-9)
    shares = table.groupby("area")["share_of_area_wellbeing_loss"].sum()
    np.testing.assert_allclose(shares.to_numpy(), 1.0, rtol=1e-12)
    # the dominant hazard of each area is its largest well-being loss
    top = table[table["rank_in_area"] == 1].set_index("area")["hazard"]
    largest = table.loc[table.groupby("area")["eai_wellbeing_loss"].idxmax()]
    assert top.to_dict() == largest.set_index("area")["hazard"].to_dict()
    # every backend and the numpy blocks give the same table
    threads = simulate(scenario, 150, seed=7, backend="threads", workers=2)
    np.testing.assert_array_equal(threads.area_hazard["wellbeing_loss"],
                                  risk.area_hazard["wellbeing_loss"])
    plain = simulate(scenario, 150, seed=7, kernel=False)
    np.testing.assert_allclose(plain.area_hazard["asset_loss"], risk.area_hazard["asset_loss"],
                               rtol=1e-9)
