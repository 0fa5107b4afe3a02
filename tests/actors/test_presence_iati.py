"""Presence and coverage carry the IATI organisation refs that link_iati gave, with their
confidence; organisations without a ref are kept and counted, with the reason."""

from __future__ import annotations

import difflib
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from humsec.actors import NOT_LOOKED_UP, coverage, presence, read_3w
from humsec.cli import app

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "threew" / "kenya_3w_hxl.csv"
# Save the Children is listed misspelled, so its link is a close spelling below 1.
REGISTRY = pd.DataFrame(
    {
        "ref": ["XM-DAC-41140", "XM-EXAMPLE-KRCS", "XM-EXAMPLE-STC"],
        "name": ["World Food Programme", "Kenya Red Cross Society", "Save the Childen"],
    }
)
NEEDS = pd.DataFrame(
    {
        "area": ["KE023", "KE023", "KE010", "KE009", "KE009"],
        "sector": ["Health", "food security", "Education", "Health", "WASH"],
        "in_need": [60000, 30000, 90000, 50000, 40000],
    }
)
# 0.9 x difflib ratio of the two spellings (name keys: lower case, no punctuation).
STC = round(0.9 * difflib.SequenceMatcher(None, "save the children", "save the childen").ratio(), 3)


@pytest.fixture(scope="module")
def linked():  # type: ignore[no-untyped-def]
    return read_3w(FIX, iati_orgs=REGISTRY)


def test_presence_rows_carry_the_ref_and_confidence(linked) -> None:  # type: ignore[no-untyped-def]
    p = presence(linked, "adm1").set_index(["org", "area"])
    assert p.loc[("World Food Programme", "KE023"), "org_iati_ref"] == "XM-DAC-41140"
    assert p.loc[("World Food Programme", "KE023"), "org_iati_confidence"] == 1.0
    assert p.loc[("Save the Children", "KE010"), "org_iati_ref"] == "XM-EXAMPLE-STC"
    assert p.loc[("Save the Children", "KE010"), "org_iati_confidence"] == pytest.approx(STC)
    # KRCS in Mandera is Kenya Red Cross Society (merged by acronym): linked there too
    assert p.loc[("Kenya Red Cross Society", "KE009"), "org_iati_ref"] == "XM-EXAMPLE-KRCS"
    # no ref: kept, the reason given, never dropped
    ifrc = p.loc[("IFRC", "KE023")]
    assert pd.isna(ifrc["org_iati_ref"]) and ifrc["org_iati_matched_by"] == "no match"
    assert len(p) == 11  # every implementer x sector x county of the 3W


def test_without_a_list_the_refs_are_explicitly_not_looked_up() -> None:
    p = presence(read_3w(FIX))
    assert p["org_iati_ref"].isna().all()
    assert (p["org_iati_matched_by"] == NOT_LOOKED_UP).all()


def test_coverage_counts_refs_per_need_row(linked) -> None:  # type: ignore[no-untyped-def]
    cov = coverage(linked, NEEDS)
    t = cov.to_frame().set_index(["area", "sector"])
    # Turkana health: Kenya Red Cross Society (linked) and IFRC (not)
    row = t.loc[("KE023", "Health")]
    assert (row["orgs_with_iati_ref"], row["orgs_without_iati_ref"]) == (1, 1)
    assert row["iati_refs"] == "XM-EXAMPLE-KRCS"
    # Marsabit education: Save the Children (close spelling) and World Vision (not linked)
    row = t.loc[("KE010", "Education")]
    assert row["iati_refs"] == "XM-EXAMPLE-STC"
    assert row["iati_min_confidence"] == pytest.approx(STC)
    # with + without = organisations on every row; an unserved row has 0 and 0
    assert (t["orgs_with_iati_ref"] + t["orgs_without_iati_ref"] == t["organisations"]).all()
    assert t.loc[("KE009", "WASH"), ["orgs_with_iati_ref", "orgs_without_iati_ref"]].tolist() == [
        0, 0]  # fmt: skip
    # 9 implementers: WFP, KRCS, Save the Children linked; 6 not matched
    assert cov.iati == {"organisations": 9, "with_iati_ref": 3, "without_iati_ref": 6,
                        "no match": 6}  # fmt: skip


def test_cli_coverage_out_has_the_refs(tmp_path: Path) -> None:
    orgs, needs, out = tmp_path / "orgs.csv", tmp_path / "needs.csv", tmp_path / "cov.csv"
    REGISTRY.to_csv(orgs, index=False)
    NEEDS.to_csv(needs, index=False)
    result = CliRunner().invoke(app, ["actors", "coverage", str(FIX), "--needs", str(needs),
                                      "--iati", str(orgs), "--out", str(out)])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "IATI refs: 3 of 9 implementing organisations have one; 6 without (no match 6)" in (
        " ".join(result.output.split()))
    written = pd.read_csv(out).set_index(["area", "sector"])
    assert written.loc[("KE010", "Education"), "iati_refs"] == "XM-EXAMPLE-STC"
    assert written["orgs_without_iati_ref"].sum() == 3  # IFRC, TPDO, World Vision
    pres = tmp_path / "presence.csv"
    read = CliRunner().invoke(app, ["actors", "read", str(FIX), "--iati", str(orgs),
                                    "--presence-out", str(pres)])  # fmt: skip
    assert read.exit_code == 0, read.output
    frame = pd.read_csv(pres)
    # WFP, STC once; KRCS in KE009 and KE023 (no sub-county: admin 1) and KE010001
    assert frame["org_iati_ref"].notna().sum() == 5
