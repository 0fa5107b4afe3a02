"""Loaders for user-downloaded sources (ND-GAIN, FSI, IDMC, EM-DAT via OWID)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from humsec.data import load_emdat_owid, load_fsi, load_idmc, load_ndgain
from humsec.errors import ColumnError, CountryMatchError

RawFile = Callable[[str], Path]


@pytest.fixture
def raw_file(raw_data_dir: Path) -> RawFile:
    """``raw_file("ndgain/x.csv")``: the file in the raw-data folder, or skip if absent."""

    def find(rel: str) -> Path:
        path = raw_data_dir / rel
        if not path.is_file():
            pytest.skip(f"{path} not present (user download, never bundled)")
        return path

    return find


def test_ndgain_index_identity(raw_file: RawFile) -> None:
    nd = load_ndgain(raw_file("ndgain/ndgain_2025_08.csv"))
    assert len(nd) == 192 and nd["iso3"].is_unique
    # ND-GAIN: index = (readiness - vulnerability + 1) * 50.
    recomputed = (nd["readiness"] - nd["vulnerability"] + 1) * 50
    assert np.allclose(recomputed, nd["ndgain_index"], atol=1e-6, equal_nan=True)
    afg = nd.set_index("iso3").loc["AFG"]
    assert afg["ndgain_index"] == pytest.approx(32.765017) and afg["ndgain_rank"] == 180


def test_fsi_long_with_totals(raw_file: RawFile) -> None:
    fsi = load_fsi(raw_file("fsi/fsi_2006_2023_long.csv"))
    assert set(fsi.columns) == {"iso3", "year", "code", "indicator", "value"}
    sdn = fsi[(fsi["iso3"] == "SDN") & (fsi["year"] == 2006)].set_index("code")["value"]
    assert sdn["C1"] == 9.8 and sdn["rank"] == 1.0 and sdn["total"] == 112.3
    twelve = sdn.drop(["total", "rank"])
    assert len(twelve) == 12
    assert twelve.sum() == pytest.approx(sdn["total"], abs=0.15)  # published to 1 decimal


def test_idmc_flows_and_stocks(raw_file: RawFile) -> None:
    flows = load_idmc(raw_file("idmc/idmc_flows.csv"), kind="flows")
    assert {"iso3", "year", "cause", "trigger", "new_displacements"} == set(flows.columns)
    assert set(flows["trigger"]) == {"conflict", "disaster"}
    assert ((flows["iso3"] == "AB9") & (flows["year"] == 2018)).any()  # Abyei kept
    stocks = load_idmc(raw_file("idmc/idmc_stocks.csv"), kind="stocks")
    row = stocks[(stocks["iso3"] == "AFG") & (stocks["sex"] == "female") & (stocks["age"] == "0-4")
                 & (stocks["cause"] == "conflict") & (stocks["year"] == 2024)]
    assert row["idps"].tolist() == [323973.0]


def test_emdat_owid_excludes_aggregates_and_lists_them(raw_file: RawFile) -> None:
    emdat = load_emdat_owid(raw_file("owid/natural_disasters_emdat_owid.csv"))
    assert emdat.attrs["excluded_aggregates"] == ["World"]
    assert emdat.attrs["unmatched"] == []
    assert "World" not in set(emdat["country"])
    assert emdat["iso3"].notna().all()
    afg = emdat[(emdat["iso3"] == "AFG") & (emdat["year"] == 1954)
                & (emdat["hazard"] == "all_disasters") & (emdat["measure"] == "deaths")]
    assert afg["value"].tolist() == [2000.0]
    assert emdat.attrs["n_missing_cells"] > 0
    assert {"earthquake", "flood", "drought", "mass_movement"} <= set(emdat["hazard"])


def test_emdat_unmatched_names(tmp_path: Path) -> None:
    path = tmp_path / "owid.csv"
    path.write_text("Entity,Year,deaths_flood\nKenya,2000,3\nAtlantis,2000,5\nWorld,2000,8\n")
    kept = load_emdat_owid(path)
    assert kept.attrs["unmatched"] == ["Atlantis"]
    assert kept.attrs["excluded_aggregates"] == ["World"]
    assert kept["iso3"].isna().sum() == 1
    with pytest.raises(CountryMatchError, match="Atlantis"):
        load_emdat_owid(path, unmatched="raise")


def test_missing_columns_are_named(tmp_path: Path) -> None:
    path = tmp_path / "ndgain.csv"
    path.write_text("ISO3,Name,index\nKEN,Kenya,40\n")
    with pytest.raises(ColumnError, match="readiness"):
        load_ndgain(path)


def test_unknown_code_in_idmc(tmp_path: Path) -> None:
    path = tmp_path / "flows.csv"
    path.write_text("geo,t,cause,n\nKEN,2020,flood,10\nQQQ,2020,flood,5\n")
    with pytest.raises(CountryMatchError, match="QQQ"):
        load_idmc(path)
