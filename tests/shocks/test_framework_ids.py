"""Threat and group ids come from the framework, not from a copy inside the shocks package."""

from __future__ import annotations

import pandas as pd
import pytest

from humsec.errors import ColumnError, SpecError
from humsec.framework import default_framework, framework_from_dict
from humsec.shocks import EventSet, Exposure
from humsec.shocks import framework_ids as shock_threats
from humsec.shocks.coping import SocialProtection
from humsec.shocks.measures import Target
from humsec.shocks.spec import parse_spec

from .conftest import tiny_units


def _event_set(threat: str) -> dict[str, object]:
    return {"hazard": "h", "threat": threat,
            "events": [{"id": "e", "frequency": 0.1, "footprint": {"A": 1.0}}]}


def test_ids_are_the_framework_ids() -> None:
    fw = default_framework()
    assert shock_threats.threat_ids() == fw.threat_ids
    assert shock_threats.group_ids() == fw.group_ids
    assert shock_threats.fear_threats() == tuple(
        t.id for t in fw.threats if t.pillar == "fear")
    # the shared vocabulary of COMMON.md: 8 fear threats, 11 groups
    assert len(shock_threats.fear_threats()) == 8
    assert shock_threats.group_ids()[0] == "people_in_poverty"


def test_a_threat_added_to_the_framework_is_accepted() -> None:
    with pytest.raises(SpecError, match="unknown threat id 'locust_swarm'"):
        parse_spec(EventSet, _event_set("locust_swarm"), location="x")
    extended = framework_from_dict({"extends": "default", "threats": [{
        "id": "locust_swarm", "name": "Locust swarm", "pillar": "fear",
        "hdr_security": "food", "description": "Swarms that strip crops."}]})
    parsed = parse_spec(EventSet, _event_set("locust_swarm"), location="x", framework=extended)
    assert parsed.threat == "locust_swarm"
    assert shock_threats.fear_threats(extended)[-1] == "locust_swarm"


def test_unknown_groups_get_suggestions_everywhere() -> None:
    with pytest.raises(SpecError, match=r"'womens': did you mean 'women'"):
        parse_spec(Target, {"groups": ["womens"]}, location="m")
    with pytest.raises(SpecError, match=r"'refugee': did you mean 'refugees'"):
        parse_spec(SocialProtection, {"targeting": ["refugee"]}, location="c")
    units = tiny_units().assign(group=["children", "general", "childrn", "women"])
    with pytest.raises(ColumnError, match=r"'childrn': did you mean 'children'"):
        Exposure.from_units(units)
    with pytest.raises(ColumnError, match=r"unknown group id\(s\) \['olds'\]"):
        Exposure.from_units(tiny_units(), groups=pd.DataFrame({"olds": [1.0, 0, 0, 0]}))
