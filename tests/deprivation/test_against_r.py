"""The engine against R's survey package itself, on random designs generated at test time.

One Rscript run (``survey_reference.R`` beside this file) computes, for every design and every
option of ``survey.lonely.psu`` (fail, certainty, remove, adjust, average), the Alkire-Foster
measures with R's own functions: ``svymean`` and ``svyciprop(method = "logit", df =
degf(design))`` for M0, H, hd and hdk, ``svyratio`` and ``svyciprop`` on the poor for A, and
``svyby`` over two subgroup variables for the domains. The designs are stratified cluster
samples with single-PSU strata, a subgroup that cuts across PSUs and one that is absent from
some strata (so that ``average`` scales a domain by its own strata, as ``svyby`` does), PSU ids
reused across strata (``nest = TRUE``) and one design without PSUs. Every estimate, SE and CI
bound must agree to 1e-8. The tests skip, saying why, where Rscript or the survey package is
absent (CI installs both: Debian r-base-core and r-cran-survey).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from humsec.deprivation import DeprivationSpec, SurveyDesign, estimate
from humsec.errors import SpecError

R_SCRIPT = Path(__file__).with_name("survey_reference.R")
WEIGHTS = {"a": 0.4, "b": 0.3, "c": 0.2, "d": 0.1}
OPTIONS = ("fail", "certainty", "remove", "adjust", "average")
COLUMNS = ("value", "se", "ci_low", "ci_high")
SUBGROUP_LEVELS = {0: ["x", "y"], 1: ["y", "z"], 2: ["x", "z"]}


def _design(
    rng: np.random.Generator,
    case: int,
    n_strata: int,
    lonely: int,
    *,
    nest: bool = False,
    srs: bool = False,
    k: float = 0.3,
) -> pd.DataFrame:
    """A stratified cluster sample: the first ``lonely`` strata hold one PSU (one row when
    ``srs``), the others 2-4 PSUs of 2-6 people. ``grp`` is drawn per person (it cuts across
    PSUs); ``area`` takes two of three levels per stratum, so each level misses some strata."""
    rows, psu_id = [], 0
    for h in range(n_strata):
        n_psu = 1 if h < lonely else int(rng.integers(2, 5))
        for j in range(n_psu):
            psu_id += 1
            size = 1 if srs and h < lonely else int(rng.integers(2, 7))
            rows += [(h, j + 1 if nest else psu_id)] * size
    frame = pd.DataFrame(rows, columns=["st", "psu"])
    n = len(frame)
    p = rng.uniform(0.2, 0.7, n_strata)[frame["st"]]
    for name in WEIGHTS:
        frame[name] = (rng.random(n) < p * rng.uniform(0.6, 1.4)).astype(np.int64)
    frame["w"] = rng.uniform(0.2, 3.0, n)
    frame["grp"] = rng.choice(["u", "v", "w"], n)
    frame["area"] = [rng.choice(SUBGROUP_LEVELS[h % 3]) for h in frame["st"]]
    return frame.assign(case=case, k=k, nest=nest, srs=srs)


def _designs() -> pd.DataFrame:
    rng = np.random.default_rng(8)
    return pd.concat(
        [
            _design(rng, 1, 6, 2),
            _design(rng, 2, 8, 3, k=0.5),
            _design(rng, 3, 5, 0),  # no single-PSU stratum: 'fail' gives numbers
            _design(rng, 4, 6, 1, nest=True, k=0.45),  # PSU ids 1.. again in every stratum
            _design(rng, 5, 5, 1, srs=True),  # no PSU column; one stratum of one person
        ],
        ignore_index=True,
    )


CASES = (1, 2, 3, 4, 5)


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The designs and R's estimates for all of them (one Rscript call)."""
    rscript = shutil.which("Rscript")
    if rscript is None:
        pytest.skip(
            "Rscript not found: these tests compare with R's survey package; install R and "
            "the package (Debian: r-base-core r-cran-survey), as CI does"
        )
    data = _designs()
    folder = tmp_path_factory.mktemp("r_survey")
    data.to_csv(folder / "designs.csv", index=False)
    weights = ",".join(f"{k}={v}" for k, v in WEIGHTS.items())
    out = folder / "reference.csv"
    proc = subprocess.run(
        [rscript, "--vanilla", str(R_SCRIPT), str(folder / "designs.csv"), weights, str(out)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if proc.returncode == 3:
        pytest.skip("the R package 'survey' is not installed (Debian: r-cran-survey; CI has it)")
    assert proc.returncode == 0, proc.stderr
    ref = pd.read_csv(out, dtype={"level": str, "subgroup": str})
    return data, ref


@pytest.mark.parametrize("option", OPTIONS)
@pytest.mark.parametrize("case", CASES)
def test_measures_match_r_survey(
    reference: tuple[pd.DataFrame, pd.DataFrame], case: int, option: str
) -> None:
    data, ref = reference
    rows = ref[(ref["case"] == case) & (ref["option"] == option)]
    frame = data[data["case"] == case].drop(columns=["case", "k", "nest", "srs"])
    first = data[data["case"] == case].iloc[0]
    spec = DeprivationSpec(indicators=WEIGHTS, k=float(first["k"]))
    design = SurveyDesign(
        weight="w",
        strata="st",
        psu=None if first["srs"] else "psu",
        lonely_psu=option,  # type: ignore[arg-type]
        nest=bool(first["nest"]),
    )
    if (rows["source"] == "error").any():
        # R stops on a single-PSU stratum under 'fail'; so must humsec.
        assert "only one PSU" in rows["measure"].iloc[0]
        with pytest.raises(SpecError, match="single PSU"):
            estimate(frame, spec, design, by=["grp", "area"])
        return
    result = estimate(frame, spec, design, by=["grp", "area"])
    compared = 0
    for r in rows.to_dict("records"):
        if r["source"].endswith("svyratio") and option == "average":
            # Under 'average' svyratio's strata are those of all the domain's rows, while A,
            # a mean among the poor in mpitb, counts the strata holding poor rows: its SE is
            # checked against svyciprop on subset(design, poor == 1) instead.
            continue
        indicator = "a" if r["measure"] in ("hd", "hdk") else ""
        for column in COLUMNS:
            expected = float(r[column])
            if column.startswith("ci") and "svyciprop" not in r["source"]:
                continue  # svymean / svyratio rows carry no interval
            got = result.value(
                r["measure"], subgroup=r["subgroup"], level=r["level"], indicator=indicator,
                column=column,
            )  # fmt: skip
            assert got == pytest.approx(expected, abs=1e-8, nan_ok=True), (
                f"{r['source']} {r['subgroup']}={r['level']} {r['measure']} {column}"
            )
            compared += 1
    assert compared >= 100
