"""Small hand-checkable scenarios for the shocks tests."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from humsec.shocks import Exposure, build_scenario


def tiny_units() -> pd.DataFrame:
    """Two areas, four households: consumption per capita, assets and income per household."""
    return pd.DataFrame({
        "unit_id": [1, 2, 3, 4],
        "area": ["A", "A", "B", "B"],
        "livelihood": ["farming", "wage", "farming", "wage"],
        "weight": [10.0, 20.0, 10.0, 5.0],
        "population": [4.0, 5.0, 2.0, 3.0],
        "consumption": [800.0, 3000.0, 1500.0, 6000.0],
        "income": [3200.0, 15000.0, 3000.0, 18000.0],
        "assets": [5000.0, 40000.0, 8000.0, 90000.0],
        "savings": [0.0, 0.0, 0.0, 0.0],
    })


def one_event_spec(frequency: float = 0.1, intensity: float = 1.0, **coping: Any
                   ) -> dict[str, Any]:
    """One flood event over area A; shares: 20 % of assets, 10 % of income at intensity 1."""
    return {
        "name": "one-event",
        "hazards": {"event_sets": [{
            "hazard": "flood", "threat": "disasters",
            "events": [{"id": "e1", "frequency": frequency, "footprint": {"A": intensity}}],
        }]},
        "impact_functions": [{"hazard": "flood", "intensity": [0.0, 1.0, 2.0],
                              "asset_loss": [0.0, 0.2, 0.4],
                              "income_loss": [0.0, 0.1, 0.2]}],
        "coping": {"recovery_years": 3.0, **coping},
    }


@pytest.fixture
def tiny_exposure() -> Exposure:
    return Exposure.from_units(tiny_units())


@pytest.fixture
def one_event(tiny_exposure: Exposure) -> Any:
    return build_scenario(one_event_spec(), tiny_exposure)
