"""Organisation names linked to IATI organisation identifiers, with hand-checkable matches:
exact, ref, key (case, accents, punctuation), acronym, close spelling, ambiguous and none."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from humsec.actors import (
    iati_org_list,
    iati_orgs_from_activities,
    link_iati_orgs,
    read_3w,
)
from humsec.cli import app
from humsec.errors import ColumnError, DataError
from humsec.programme import read_iati

FIX = Path(__file__).resolve().parents[1] / "fixtures"
# Refs of the WFP, UNICEF and FAO are their IATI identifiers (the OECD DAC channel codes under
# the XM-DAC prefix); the others are made-up examples.
REGISTRY = pd.DataFrame(
    {
        "ref": ["XM-DAC-41140", "XM-DAC-41122", "XM-DAC-41301", "XM-EXAMPLE-KRCS",
                "XM-EXAMPLE-MSF", "XM-EXAMPLE-STC", "XM-EXAMPLE-KRCS2"],
        "name": ["World Food Programme", "United Nations Children's Fund (UNICEF)",
                 "FAO", "Kenya Red Cross Society", "Médecins Sans Frontières",
                 "Save the Children", "Kenya Rural Credit Scheme"],
    }
)


@pytest.fixture(scope="module")
def links() -> pd.DataFrame:
    names = ["World Food Programme", "xm-dac-41140", "kenya red-cross society",
             "MEDECINS SANS FRONTIERES", "WFP", "UNICEF", "Food and Agriculture Organization",
             "Save the Childen", "KRCS", "Northern Women's Group",
             "Kitui Road Construction Services"]
    return link_iati_orgs(names, REGISTRY).set_index("raw")


@pytest.mark.parametrize(
    ("raw", "ref", "method", "confidence"),
    [
        ("World Food Programme", "XM-DAC-41140", "identical", 1.0),
        ("xm-dac-41140", "XM-DAC-41140", "ref", 1.0),  # the cell holds the ref itself
        ("kenya red-cross society", "XM-EXAMPLE-KRCS", "key", 0.95),  # case, hyphen
        ("MEDECINS SANS FRONTIERES", "XM-EXAMPLE-MSF", "key", 0.95),  # case, accents
        ("WFP", "XM-DAC-41140", "acronym", 0.85),  # initials of World Food Programme
        ("UNICEF", "XM-DAC-41122", "acronym", 0.85),  # the acronym in brackets
        ("Food and Agriculture Organization", "XM-DAC-41301", "acronym", 0.85),  # F-A-O
        # "save the childen" ~ "save the children": ratio 2*16/33 = 0.9697, x 0.9 = 0.873
        ("Save the Childen", "XM-EXAMPLE-STC", "close spelling", 0.873),
    ],
)
def test_links_by_hand(links: pd.DataFrame, raw: str, ref: str, method: str,
                       confidence: float) -> None:
    row = links.loc[raw]
    assert (row["iati_ref"], row["matched_by"]) == (ref, method)
    assert row["confidence"] == pytest.approx(confidence)


def test_ambiguous_and_unmatched_names_stay_unlinked(links: pd.DataFrame) -> None:
    # KRCS fits Kenya Red Cross Society and Kenya Rural Credit Scheme: not guessed
    krcs = links.loc["KRCS"]
    assert krcs["matched_by"] == "ambiguous" and pd.isna(krcs["iati_ref"])
    assert krcs["candidates"] == "XM-EXAMPLE-KRCS, XM-EXAMPLE-KRCS2"
    # Kitui Road Construction Services has the initials KRCS too, but two long names with
    # equal initials do not match: an acronym must be written on one side
    for raw in ("Northern Women's Group", "Kitui Road Construction Services"):
        assert links.loc[raw, "matched_by"] == "no match"
        assert pd.isna(links.loc[raw, "iati_ref"]) and pd.isna(links.loc[raw, "confidence"])


def test_threew_table_carries_the_links() -> None:
    threew = read_3w(FIX / "threew/kenya_3w_hxl.csv", iati_orgs=REGISTRY)
    t = threew.table
    by_raw = t.drop_duplicates("org_raw").set_index("org_raw")
    # WFP was merged into World Food Programme by name normalisation: the organisation's
    # best link is its identical spelling (1.0), carried to the "WFP" rows too
    assert by_raw.loc["WFP", "org_iati_ref"] == "XM-DAC-41140"
    assert by_raw.loc["WFP", "org_iati_confidence"] == 1.0
    assert by_raw.loc["UNICEF", "org_iati_matched_by"] == "acronym"
    assert by_raw.loc["kenya red-cross society", "org_iati_ref"] == "XM-EXAMPLE-KRCS"
    # the 3W's KRCS row belongs to Kenya Red Cross Society (merged by acronym), so it is
    # linked through the organisation's full name, not left ambiguous
    assert by_raw.loc["KRCS", "org_iati_ref"] == "XM-EXAMPLE-KRCS"
    assert pd.isna(by_raw.loc["Northern Women's Group", "org_iati_ref"])
    assert threew.counts["iati_linked"] == 4  # WFP, UNICEF, KRCS, Save the Children
    assert threew.counts["iati_not_linked"] == threew.counts["organisations"] - 4
    assert set(threew.iati.columns) >= {"org", "iati_ref", "confidence", "via"}
    plain = read_3w(FIX / "threew/kenya_3w_hxl.csv")
    assert plain.table["org_iati_ref"].isna().all()


def test_registry_from_an_iati_import() -> None:
    result = read_iati(FIX / "iati/kenya_activities_203.xml", programmes=False)
    registry = iati_orgs_from_activities(result.activities)
    pairs = set(zip(registry["ref"], registry["name"], strict=True))
    assert ("XM-EXAMPLE-1", "Example Development Agency") in pairs  # reporting-org
    assert ("KE-GOV-NDMA", "National Drought Management Authority") in pairs
    # a participating org without a ref gives nothing to link to
    assert "Turkana Pastoralist Development Organisation" not in set(registry["name"])
    ndma = link_iati_orgs(["NDMA"], registry).iloc[0]
    assert (ndma["iati_ref"], ndma["matched_by"]) == ("KE-GOV-NDMA", "acronym")


def test_user_list_columns_and_errors() -> None:
    table = pd.DataFrame({"IATI identifier": ["XM-DAC-41140"], "Organisation": ["WFP"]})
    assert iati_org_list(table)[["ref", "name"]].values.tolist() == [["XM-DAC-41140", "WFP"]]
    with pytest.raises(ColumnError, match="has no ref column"):
        iati_org_list(pd.DataFrame({"name": ["WFP"]}))
    with pytest.raises(DataError, match="without a ref"):
        iati_org_list(pd.DataFrame({"ref": [None], "name": ["WFP"]}))


def test_cli_reads_with_iati_list(tmp_path: Path) -> None:
    orgs = tmp_path / "orgs.csv"
    REGISTRY.to_csv(orgs, index=False)
    runner = CliRunner()
    result = runner.invoke(app, ["actors", "read", str(FIX / "threew/kenya_3w_hxl.csv"),
                                 "--iati", str(orgs)])
    assert result.exit_code == 0, result.output
    assert "IATI identifiers: 4 of 13 organisations linked" in result.output
    assert "XM-DAC-41122" in result.output
    xml = runner.invoke(app, ["actors", "read", str(FIX / "threew/kenya_3w_hxl.csv"),
                              "--iati", str(FIX / "iati/kenya_activities_203.xml")])
    assert xml.exit_code == 0, xml.output
    assert "IATI identifiers: 0 of 13 organisations linked" in xml.output
    both = runner.invoke(app, ["actors", "read", str(FIX / "threew/kenya_3w_hxl.csv"),
                               "--iati", str(FIX / "iati/kenya_activities_203.xml"),
                               "--iati", str(orgs)])
    assert both.exit_code == 0, both.output
    assert "4 of 13 organisations linked" in both.output
