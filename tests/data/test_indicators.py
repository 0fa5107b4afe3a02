"""The indicator registry: validation against the framework, sources, coverage."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from humsec.data import catalog, indicator_registry, load, load_indicator_registry
from humsec.data.indicators import REGISTRY_FILE
from humsec.errors import ColumnError, SpecError
from humsec.framework import default_framework, framework_from_dict


def test_registry_validates_against_framework() -> None:
    registry = indicator_registry()
    registry.validate_threats(default_framework())
    assert len(registry.codes()) == len(set(registry.codes())) >= 40
    for indicator in registry.indicators:
        pillars = {default_framework().pillar_of(t) for t in indicator.threats}
        assert pillars == {indicator.pillar}


def test_every_source_exists_in_bundled_data() -> None:
    shapes = {e.name: e for e in catalog()}
    variables = {name: set(load(name)["variable"]) for name in ("hdr", "wdi")}
    for indicator in indicator_registry().indicators:
        for source in indicator.sources:
            entry = shapes[source.dataset]
            if entry.shape == "long":
                assert source.variable in variables[source.dataset], source
            else:
                assert source.variable in entry.columns, source


def test_coverage_lists_gaps() -> None:
    coverage = indicator_registry().coverage(default_framework())
    assert coverage.gaps == ["crime"]  # no bundled source measures crime
    assert "conflict_any" in coverage.covered["armed_conflict"]
    assert "political_stability" in coverage.covered["terrorism"]
    assert "inform_food_security" in coverage.covered["hunger"]
    table = coverage.to_frame()
    assert len(table) == 13 and table.loc[table["gap"], "threat"].tolist() == ["crime"]


def test_validation_follows_a_user_framework() -> None:
    # The registry reads threat ids and pillars from the framework it is given, not a copy:
    # a user framework adding a threat shows it as a gap, and one moving hunger to the fear
    # pillar makes every want-side hunger indicator fail.
    added = framework_from_dict(
        {
            "extends": "default",
            "threats": [
                {"id": "cyber_attack", "name": "Cyber attack", "pillar": "fear",
                 "hdr_security": "community"}
            ],
        }
    )
    assert indicator_registry().coverage(added).gaps == ["crime", "cyber_attack"]
    moved = framework_from_dict(
        {"extends": "default", "threats": [{"id": "hunger", "pillar": "fear"}]}
    )
    with pytest.raises(SpecError, match=r"threat 'hunger' is a 'fear' threat"):
        indicator_registry().validate_threats(moved)


def test_lookup_and_close_matches() -> None:
    registry = indicator_registry()
    assert registry.get("life_expectancy").direction == "higher_is_better"
    assert registry.get("inform_risk").source == "inform2020:inform_risk; inform2025:inform_risk"
    with pytest.raises(ColumnError, match="life_expectancy"):
        registry.get("life_expectency")


def _write(tmp_path: Path, mutate: dict) -> Path:
    raw = yaml.safe_load(REGISTRY_FILE.read_text(encoding="utf-8"))
    raw["indicators"][0].update(mutate)
    path = tmp_path / "registry.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    return path


def test_unknown_threat_names_the_node(tmp_path: Path) -> None:
    with pytest.raises(SpecError) as info:
        load_indicator_registry(_write(tmp_path, {"threats": ["armed_conflicts"]}))
    assert "indicators[0].threats" in str(info.value)
    assert "armed_conflict" in str(info.value)


def test_pillar_must_match_threats(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match=r"indicators\[0\]\.pillar"):
        load_indicator_registry(_write(tmp_path, {"pillar": "want"}))


def test_bad_direction_and_duplicates(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match=r"indicators\['conflict_any'\]\.direction"):
        load_indicator_registry(_write(tmp_path, {"direction": "up"}))
    with pytest.raises(SpecError, match="duplicate"):
        load_indicator_registry(_write(tmp_path, {"code": "conflict_count"}))


def test_unknown_source_dataset_names_the_node(tmp_path: Path) -> None:
    path = _write(tmp_path, {"sources": [{"dataset": "ucdp", "variable": "any_conflict"}]})
    with pytest.raises(SpecError) as info:
        load_indicator_registry(path)
    assert r"indicators[0].sources[0].dataset" in str(info.value)
    assert "ucdp_country_year" in str(info.value)
