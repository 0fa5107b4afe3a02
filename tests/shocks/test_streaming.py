"""Big but reasonable simulations stream in fixed chunks: the same bytes for every block size
and backend, seed for seed; simulations whose results cannot fit are refused up front."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from humsec import workload
from humsec.errors import WorkloadError
from humsec.shocks import ShockRisk, demo_scenario, simulate


def _arrays(risk: ShockRisk) -> dict[str, np.ndarray]:
    out = {"year": risk.year.to_numpy(), "units": risk.units.select_dtypes("number").to_numpy()}
    for name in ("area_year", "group_year", "hazard_year"):
        out |= {f"{name}.{k}": v for k, v in getattr(risk, name).items()}
    return out


def test_block_size_and_backend_never_change_a_byte() -> None:
    # Before, the per-household sums were added in blocks of block_size cells, so a smaller
    # block changed their last digits (e.g. 1.8e-12 in a household's expected asset loss).
    scenario = demo_scenario(800)
    reference = _arrays(simulate(scenario, 40, seed=5))
    for kwargs in ({"block_size": 50}, {"block_size": 3000},
                   {"block_size": 3000, "backend": "threads", "workers": 2}):  # fmt: skip
        other = _arrays(simulate(scenario, 40, seed=5, **kwargs))  # type: ignore[arg-type]
        for name, values in reference.items():
            assert np.array_equal(values, other[name]), (kwargs, name)


def test_group_and_hazard_results_equal_the_sum_of_their_area_years() -> None:
    # kept per year (not per area-year): each year's group total is still the sum over units
    risk = simulate(demo_scenario(400), 30, seed=2)
    total = risk.year["asset_loss"].to_numpy()
    np.testing.assert_allclose(risk.hazard_year["asset_loss"].sum(axis=1), total, rtol=1e-9)
    np.testing.assert_allclose(risk.area_year["asset_loss"].sum(axis=1), total, rtol=1e-9)
    assert risk.group_year["asset_loss"].shape == (30, len(risk.groups))


def test_results_that_cannot_fit_are_refused_before_the_draws(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # 5 areas x 12 year metrics x 8 bytes = 480 bytes a year for the year x area results:
    # with a 100 MB limit, 10**6 years need about 480 MB and are refused with the estimate.
    monkeypatch.setattr(workload, "MAX_MEMORY_BYTES", 1e8)
    scenario = demo_scenario(100)
    with pytest.raises(WorkloadError, match=r"1,000,000 simulated years x 5 areas") as info:
        simulate(scenario, 1_000_000, seed=1)
    assert info.value.location == "n_years" and "fewer areas" in str(info.value.hint)
    assert isinstance(simulate(scenario, 20, seed=1).year, pd.DataFrame)  # reasonable: runs
