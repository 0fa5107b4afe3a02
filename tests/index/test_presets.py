"""The shipped presets reproduce published index values from their published inputs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from humsec.errors import DatasetNotFoundError
from humsec.index import build, list_presets, load_preset


def test_presets_listed() -> None:
    assert {"hdi", "inform", "worldriskindex", "ndgain"} <= set(list_presets())


def test_unknown_preset_suggests_close_name() -> None:
    with pytest.raises(DatasetNotFoundError, match="did you mean 'inform'"):
        load_preset("infrom")


def test_hdi_2022_every_country_to_three_decimals(hdr2022: pd.DataFrame) -> None:
    # UNDP publishes no HDI for Monaco and North Korea; every other country is checked
    published = hdr2022["pub_hdi"].dropna()
    assert len(published) == 193
    result = build(load_preset("hdi"), hdr2022.loc[published.index])
    ours = result.scores["hdi"].round(3)
    np.testing.assert_allclose(ours.to_numpy(), published.to_numpy(), atol=1e-9)
    # the data's index is kept; rank 1 is the highest HDI (Switzerland, 0.967)
    assert result.scores.index.equals(published.index)
    assert result.ranks.loc["CHE", "hdi"] == 1
    # HDI groups and ranks (ties share a rank) equal the published ones for every country
    data = hdr2022.loc[published.index]
    assert (result.classes["hdi"].astype(str) == data["pub_group"]).all()
    assert (result.ranks["hdi"] == data["pub_rank"]).all()


def test_hdi_dimension_indices_by_hand(hdr2022: pd.DataFrame) -> None:
    rows = hdr2022.loc[["LIE", "KEN"]]
    result = build(load_preset("hdi"), rows)
    le, eys, mys, gni = rows.loc["LIE", ["le", "eys", "mys", "gnipc"]]
    assert result.scores.loc["LIE", "health"] == pytest.approx((le - 20) / 65)
    assert result.scores.loc["LIE", "education"] == pytest.approx(
        (min(mys / 15, 1) + min(eys / 18, 1)) / 2
    )
    # its GNI per capita (146,673) is above 75,000: the income index is capped at 1
    assert gni > 75000
    assert result.scores.loc["LIE", "income"] == pytest.approx(1.0)
    gni_ken = rows.loc["KEN", "gnipc"]
    assert result.scores.loc["KEN", "income"] == pytest.approx(
        (np.log(gni_ken) - np.log(100)) / (np.log(75000) - np.log(100))
    )


def test_inform_2020_risk_from_components(inform2020: pd.DataFrame) -> None:
    result = build(load_preset("inform"), inform2020)
    published = inform2020["pub_inform_risk"]
    error = (result.scores["inform_risk"] - published).abs()
    assert (error <= 0.1 + 1e-9).mean() >= 0.98
    # chaining one-decimal rounding as INFORM does makes most countries exact
    assert (error < 1e-9).mean() >= 0.9
    classes = result.classes["inform_risk"].astype(str)
    assert (classes == inform2020["pub_risk_class"]).mean() >= 0.98


def test_inform_2020_dimensions(inform2020: pd.DataFrame) -> None:
    result = build(load_preset("inform"), inform2020)
    for node in ("hazard_exposure", "vulnerability", "lack_of_coping_capacity", "human",
                 "socio_economic_vulnerability", "institutional", "infrastructure"):
        error = (result.scores[node] - inform2020[f"pub_{node}"]).abs()
        assert (error <= 0.1 + 1e-9).mean() >= 0.98, node


def test_inform_missing_inequality_renormalises_weights(inform2020: pd.DataFrame) -> None:
    # Antigua and Barbuda has no inequality score: socio-economic vulnerability is
    # (2 * development_deprivation + aid_dependency) / 3, not a zero for inequality.
    row = inform2020.loc["ATG"]
    assert np.isnan(row["inequality"])
    result = build(load_preset("inform"), inform2020)
    expected = (2 * row["development_deprivation"] + row["aid_dependency"]) / 3
    assert result.scores.loc["ATG", "socio_economic_vulnerability"] == pytest.approx(
        round(expected, 1)
    )
    assert result.coverage.loc["ATG", "socio_economic_vulnerability"] == pytest.approx(2 / 3)
    assert result.missing.loc["inequality", "missing_after"] == 12


def test_inform_human_hazard_expression() -> None:
    spec = load_preset("inform")
    data = pd.DataFrame(
        {c: [5.0, 5.0] for c in spec.indicator_codes},
        index=["A", "B"],
    )
    data["current_conflict_intensity"] = [0.0, 9.0]
    data["projected_conflict_risk"] = [10.0, 10.0]
    result = build(spec, data)
    assert result.scores["human"].tolist() == [7.0, 9.0]


def test_worldriskindex_by_hand() -> None:
    data = pd.DataFrame(
        {"exposure": [50.0, 10.0], "susceptibility": [40.0, 20.0],
         "lack_of_coping": [60.0, 80.0], "lack_of_adaptation": [30.0, 50.0]},
        index=["X", "Y"],
    )
    result = build(load_preset("worldriskindex"), data)
    v = (40 * 60 * 30) ** (1 / 3)
    assert result.scores.loc["X", "vulnerability"] == pytest.approx(v)
    assert result.scores.loc["X", "wri"] == pytest.approx(np.sqrt(50 * v))
    assert result.scores.loc["Y", "wri"] == pytest.approx(np.sqrt(10 * (20 * 80 * 50) ** (1 / 3)))


def test_ndgain_formula_on_published_values(ndgain2025: pd.DataFrame) -> None:
    # The file publishes vulnerability and readiness; with every sector set to its pillar's
    # published value the sector means equal them, and the index must equal the published one.
    spec = load_preset("ndgain")
    pub = ndgain2025.dropna()
    data = pd.DataFrame(index=pub.index)
    for code in ("food", "water", "health", "ecosystems", "habitat", "infrastructure"):
        data[code] = pub["pub_vulnerability"]
    for code in ("economic", "governance", "social"):
        data[code] = pub["pub_readiness"]
    result = build(spec, data)
    np.testing.assert_allclose(result.scores["gain"], pub["pub_gain"], atol=1e-9)
    assert result.ranks["gain"].idxmin() == pub["pub_gain"].idxmax()
