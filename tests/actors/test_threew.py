"""3W tables: HXL, legacy HXL and untagged headers; splits, admin-1 rows, names, presence,
coverage against need and the collaboration network."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from humsec.actors import (
    collaboration_network,
    coverage,
    network_frame,
    normalise_names,
    presence,
    read_3w,
)
from humsec.errors import DataError

FIX = Path(__file__).resolve().parents[1] / "fixtures/threew"


@pytest.fixture(scope="module")
def threew():
    return read_3w(FIX / "kenya_3w_hxl.csv")


def test_long_table_roles_splits_and_admin1_rows(threew) -> None:
    t = threew.table
    assert threew.counts["input_rows"] == 9
    # 9 rows: 3 + 3 + 2 (USAID, KRCS + IFRC) + 1 + 4 (FCDO, UNICEF, StC / WV) + 1 + 1 + 1 + 1
    assert len(t) == 18
    assert threew.counts["split_cells"] == 2
    assert threew.counts["rows_at_adm1"] == 2  # the two rows without a sub-county code
    assert set(t.loc[t["row"] == 5, "org"]) == {"USAID", "Kenya Red Cross Society", "IFRC"}
    assert t.loc[t["row"] == 5, "level"].unique().tolist() == ["adm1"]
    assert t.loc[t["row"] == 7, "chain"].iloc[0] == (
        "FCDO -> UNICEF -> Save the Children + World Vision")
    split = t[(t["row"] == 7) & (t["org_role"] == "implementing")]
    assert split["shared"].all() and split["targeted"].tolist() == [4000.0, 4000.0]
    assert pd.isna(split["reached"]).all()  # missing stays missing
    kinds = dict(zip(t["org"], t["org_type"], strict=False))
    assert kinds["Ministry of Health"] == "government"
    assert kinds["Marsabit County Government"] == "local_government"
    assert kinds["Northern Women's Group"] == "community"


def test_names_are_normalised_with_confidence(threew) -> None:
    names = threew.names.set_index("raw")
    assert names.loc["kenya red-cross society", "name"] == "Kenya Red Cross Society"
    assert names.loc["kenya red-cross society", "confidence"] == 0.95
    assert names.loc["KRCS", "name"] == "Kenya Red Cross Society"
    assert names.loc["WFP", ("name", "matched_by", "confidence")].tolist() == [
        "World Food Programme", "acronym", 0.85]
    assert names.loc["USAID", "confidence"] == 1.0
    again = normalise_names(["Food and Agriculture Organization (FAO)", "FAO",
                             "Food & Agriculture Organization"]).set_index("raw")
    assert set(again["name"]) == {"Food and Agriculture Organization"}


def test_untagged_headers_are_inferred_and_said(tmp_path: Path) -> None:
    u = read_3w(FIX / "kenya_3w_untagged.csv")
    assert u.inferred["Organization"] == "#org+impl"
    assert u.inferred["Admin2 Pcode"] == "#adm2+code"
    assert u.inferred["Beneficiaries reached"] == "#reached"
    assert any(n.startswith("tags inferred from headers") for n in u.notes)
    assert set(u.table["org"]) == {"Save the Children", "World Vision",
                                   "National Drought Management Authority"}
    legacy = read_3w(FIX / "kenya_3w_legacy.csv")
    assert legacy.table["adm2"].tolist() == ["KE023001", "KE023001"]
    assert legacy.table["reached"].sum() == 500
    assert any("#adm1_id read as #adm1+code" in n for n in legacy.notes)
    bad = tmp_path / "bad.csv"
    bad.write_text("Name,Place,Count\nA,KE023,3\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"no HXL hashtag row found \(rows 1-2 were tried\)"):
        read_3w(bad)


def test_presence_keeps_admin1_rows(threew) -> None:
    p = presence(threew)
    krcs = p[p["org"] == "Kenya Red Cross Society"].set_index("area")
    assert krcs.loc["KE023", "level"] == "adm1"  # no sub-county: kept at the county
    assert krcs.loc["KE010001", "reached"] == 1900
    assert krcs.loc["KE009", "reached"] == 800  # KRCS in Mandera, merged by acronym
    by_county = presence(threew, level="adm1")
    assert by_county.groupby("area")["org"].nunique().to_dict() == {
        "KE009": 2, "KE010": 5, "KE023": 4}  # implementers only


def test_coverage_gaps_duplications_localisation(threew) -> None:
    needs = pd.DataFrame({"area": ["KE023", "KE023", "KE010", "KE009", "KE009"],
                          "sector": ["Health", "food security", "Education", "Health", "WASH"],
                          "in_need": [60000, 30000, 90000, 50000, 40000]})
    cov = coverage(threew, needs)
    table = cov.table.set_index(["area", "sector"])
    assert table.loc[("KE023", "food security"), "organisations"] == 2  # case ignored
    assert table.loc[("KE023", "food security"), "people_served"] == 18300
    assert table.loc[("KE009", "WASH"), "organisations"] == 0
    # need threshold = median 50,000: KE010 education (2 orgs) is not thin, Mandera health
    # (one org) and Turkana health (two) differ
    assert set(map(tuple, cov.gaps[["area", "sector"]].to_numpy())) == {("KE009", "Health")}
    assert cov.settings["need_threshold"] == 50000
    loc = cov.localisation.set_index("area")
    # Marsabit: Ministry (local), County (local), StC and WV (international); KRCS unknown
    assert loc.loc["KE010", "localisation_share"] == 0.5
    assert loc.loc["KE010", "kind_unknown"] == 1


def test_collaboration_network(threew) -> None:
    g = collaboration_network(threew)
    chain = {(a, b) for a, b, k in g.edges(data="kind") if k == "chain"}
    assert ("ECHO", "World Food Programme") in chain
    assert ("UNICEF", "World Vision") in chain and ("FCDO", "UNICEF") in chain
    co = {(a, b) for a, b, k in g.edges(data="kind") if k == "co-presence"}
    assert ("IFRC", "Kenya Red Cross Society") in co  # same county, same sector
    frame = network_frame(g).set_index("org")
    assert frame.loc["UNICEF", "chain_partners"] == 3
