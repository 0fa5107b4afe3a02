"""A synthetic household survey for demos, tests and benchmarks.

The survey imitates a two-stage stratified cluster sample (a DHS/MICS-like design):

* strata are region x urban/rural;
* primary sampling units (PSUs, "clusters") are nested in strata and each lies in one area;
* households are drawn within PSUs and every member of a sampled household is listed, so there is
  one row per individual sharing ``hh_id``;
* design weights vary between strata (over-sampling of small strata) and slightly within PSUs
  (non-response adjustment), and are constant within a household.

Deprivations follow the ten indicators of the global Multidimensional Poverty Index (Alkire,
Kanagaratnam and Suppa, OPHI MPI methodological notes). The global MPI defines every one of them at
household level (a household is deprived in nutrition if any member is undernourished, and so on),
so they are constant within a household here too.

Realism comes from one latent household deprivation propensity

    eta_h = b0 + b_remote*remote + b_rural*(1 - urban) + b_minority*minority
            + b_displaced*[displaced] + b_disability*[any member disabled] + u_psu + e_h

(``u_psu`` a cluster effect, ``e_h`` household noise). Each deprivation j is Bernoulli with
probability logistic(alpha_j + beta_j*eta_h); fear exposures share a second latent that is
correlated with ``eta_h`` (so fear and want go together, the human-security "interlock"), and
consumption falls with ``eta_h``. Everything is vectorised numpy driven by one
``np.random.default_rng(seed)``, so the same seed always gives the same survey.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from humsec.errors import SpecError
from humsec.specs import check_seed
from humsec.workload import check_workload

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["FEAR_EXPOSURES", "MPI_DEPRIVATIONS", "synthetic_survey"]

#: The ten global-MPI deprivation columns, in the order of the OPHI tables.
MPI_DEPRIVATIONS: tuple[str, ...] = (
    "d_nutr",
    "d_cm",
    "d_satt",
    "d_educ",
    "d_elct",
    "d_sani",
    "d_wtr",
    "d_hsg",
    "d_ckfl",
    "d_asst",
)

#: The fear-exposure columns (violence, forced displacement, disaster impact, serious illness,
#: income shock).
FEAR_EXPOSURES: tuple[str, ...] = (
    "f_violence",
    "f_displaced",
    "f_disaster",
    "f_illness",
    "f_income_shock",
)

_REGION_NAMES = ("North", "South", "East", "West", "Centre", "Highlands", "Coast", "Delta")

# Intercepts on the logit scale give national rates roughly like a low-income country's
# (cooking fuel and sanitation common, child mortality rare); slopes say how strongly each
# indicator follows the household's latent deprivation.
_WANT_ALPHA = np.array([-1.6, -2.6, -1.9, -1.4, -0.6, 0.0, -0.9, -0.3, 0.9, -0.7])
_WANT_BETA = np.array([0.8, 0.6, 0.9, 1.0, 1.3, 1.1, 1.0, 1.1, 1.2, 1.1])
_FEAR_ALPHA = np.array([-2.3, -3.5, -1.9, -2.4, -1.6])
_FEAR_BETA = np.array([0.9, 0.5, 0.8, 0.6, 0.8])


def _logistic(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def synthetic_survey(
    n_households: int = 10_000,
    seed: int = 1,
    *,
    n_regions: int = 5,
    areas_per_region: int = 4,
    households_per_psu: int = 20,
    want_shift: float = 0.0,
    missing_share: float = 0.0,
) -> pd.DataFrame:
    """Simulate a stratified two-stage household survey, one row per individual.

    Parameters
    ----------
    n_households:
        Number of sampled households (individuals are about 4.5 times as many).
    seed:
        Seed for ``np.random.default_rng``; the same seed gives the same survey.
    n_regions, areas_per_region:
        Geography: strata are region x urban, and each PSU lies in one area of its region.
    households_per_psu:
        Households sampled per PSU (cluster take); the number of PSUs is
        ``ceil(n_households / households_per_psu)``.
    want_shift:
        Added to every household's latent deprivation propensity: negative values give a less
        deprived population (useful to simulate a later survey round that improved).
    missing_share:
        Share of households whose values of each MPI deprivation are set missing (independently
        per indicator), to exercise missing-data handling. 0 gives a complete survey.

    Returns
    -------
    pandas.DataFrame
        Columns ``hh_id, person_id, stratum, psu, weight, area, region, urban, remote, sex, age,
        disability, minority, displacement``, the ten MPI deprivations ``d_*`` (0/1, household
        level), the fear exposures ``f_*`` (0/1) and household economics ``consumption``
        (per capita per year, 2021 PPP $), ``income``, ``assets``, ``savings`` (household, PPP $)
        and ``livelihood``. With ``missing_share > 0`` the ``d_*`` columns are float with NaN.

    Notes
    -----
    The latent model is described in the module docstring. Weights are
    ``w = (stratum population share / stratum sample share) * nonresponse factor`` scaled so that
    they sum to the number of individuals in a notional population of 20 million.
    """
    import pandas as pd

    if not isinstance(n_households, int | np.integer) or n_households < 1:
        raise SpecError(
            f"n_households must be a positive integer, got {n_households!r}",
            location="synthetic_survey(n_households=...)",
            hint="pass e.g. n_households=10_000",
        )
    if n_regions < 1 or n_regions > len(_REGION_NAMES):
        raise SpecError(
            f"n_regions must be between 1 and {len(_REGION_NAMES)}, got {n_regions}",
            location="synthetic_survey(n_regions=...)",
        )
    if areas_per_region < 1 or households_per_psu < 1:
        raise SpecError(
            "areas_per_region and households_per_psu must be at least 1",
            location="synthetic_survey(...)",
        )
    if not 0.0 <= missing_share < 1.0:
        raise SpecError(
            f"missing_share must be in [0, 1), got {missing_share}",
            location="synthetic_survey(missing_share=...)",
        )
    rng = np.random.default_rng(check_seed(seed))
    n_hh = int(n_households)
    # about 4.5 persons per household, ~35 columns, and pandas' intermediate copies
    check_workload(
        f"a synthetic survey of {n_hh:,} households", n_hh * 4.5 * 35 * 3,
        location="n_households", fix="use fewer households (20,000 gives SEs like a DHS)",
    )  # fmt: skip

    # --- Stage 1: PSUs in strata (region x urban). ---------------------------------------------
    n_psu = -(-n_hh // households_per_psu)
    n_strata = 2 * n_regions
    # Unequal stratum sample sizes: rural strata hold more PSUs, as in most national surveys.
    stratum_alloc = np.tile([0.6, 0.4], n_regions) * rng.uniform(0.7, 1.3, n_strata)
    stratum_alloc /= stratum_alloc.sum()
    # Every stratum gets at least two PSUs when there are enough PSUs, so variances exist.
    psu_stratum = np.sort(rng.choice(n_strata, size=n_psu, p=stratum_alloc))
    if n_psu >= 2 * n_strata:
        psu_stratum[: 2 * n_strata] = np.repeat(np.arange(n_strata), 2)
        psu_stratum = np.sort(psu_stratum)
    psu_region = psu_stratum // 2
    psu_urban = (psu_stratum % 2 == 1).astype(np.int8)
    psu_area = rng.integers(0, areas_per_region, n_psu)
    # Remote clusters are mostly rural.
    psu_remote = (rng.random(n_psu) < np.where(psu_urban == 1, 0.04, 0.35)).astype(np.int8)
    psu_effect = rng.normal(0.0, 0.45, n_psu)
    psu_minority_rate = np.clip(rng.beta(0.6, 3.0, n_psu) + 0.15 * psu_remote, 0.0, 1.0)
    psu_hazard = rng.normal(0.0, 0.6, n_psu)  # local conflict / hazard exposure for fear
    # Population share of each stratum differs from its sample share -> unequal design weights.
    stratum_pop = np.tile([0.55, 0.45], n_regions) * rng.uniform(0.5, 1.5, n_strata)
    stratum_pop /= stratum_pop.sum()
    stratum_sample = np.bincount(psu_stratum, minlength=n_strata) / n_psu
    base_weight = np.divide(
        stratum_pop, stratum_sample, out=np.zeros(n_strata), where=stratum_sample > 0
    )

    # --- Stage 2: households within PSUs. -------------------------------------------------------
    # A fixed cluster take: every PSU holds households_per_psu households (the last may hold fewer).
    hh_psu = np.arange(n_hh) // households_per_psu
    hh_urban = psu_urban[hh_psu]
    hh_remote = psu_remote[hh_psu]
    hh_size = 1 + rng.poisson(np.where(hh_urban == 1, 3.0, 3.8))
    hh_minority = (rng.random(n_hh) < psu_minority_rate[hh_psu]).astype(np.int8)
    disp_draw = rng.random(n_hh)
    disp_p = np.array([0.03, 0.05, 0.03])  # refugee, idp, returnee
    disp_p_hh = disp_p[None, :] * (1.0 + 1.5 * (psu_hazard[hh_psu] > 0.6))[:, None]
    cum = np.cumsum(disp_p_hh, axis=1)
    hh_disp = (disp_draw[:, None] >= cum).sum(axis=1)  # 0..3; 3 = none
    hh_disp_code = np.where(hh_disp == 3, 0, hh_disp + 1)  # 0 none, 1 refugee, 2 idp, 3 returnee

    # --- Individuals. ---------------------------------------------------------------------------
    n_ind = int(hh_size.sum())
    ind_hh = np.repeat(np.arange(n_hh), hh_size)
    first = np.zeros(n_ind, dtype=bool)
    starts = np.concatenate(([0], np.cumsum(hh_size)[:-1]))
    first[starts] = True
    member_no = np.arange(n_ind) - np.repeat(starts, hh_size)
    # Head (member 0) is an adult; others are a mix of children, adults and elders.
    age_other = np.where(
        rng.random(n_ind) < 0.5,
        rng.integers(0, 18, n_ind),
        np.where(
            rng.random(n_ind) < 0.85, rng.integers(18, 60, n_ind), rng.integers(60, 90, n_ind)
        ),
    )
    age = np.where(first, rng.integers(18, 80, n_ind), age_other).astype(np.int16)
    female = rng.random(n_ind) < np.where(first, 0.3, 0.51)
    disability = (rng.random(n_ind) < np.where(age >= 60, 0.18, 0.04)).astype(np.int8)
    hh_any_disabled = np.bincount(ind_hh, weights=disability, minlength=n_hh) > 0

    # --- Latent deprivation propensity and want deprivations (household level). ----------------
    eta = (
        -0.6
        + 0.9 * hh_remote
        + 0.7 * (1 - hh_urban)
        + 0.6 * hh_minority
        + 0.8 * (hh_disp_code > 0)
        + 0.4 * hh_any_disabled
        + psu_effect[hh_psu]
        + rng.normal(0.0, 0.7, n_hh)
        + want_shift
    )
    want = (rng.random((n_hh, 10)) < _logistic(_WANT_ALPHA + _WANT_BETA * eta[:, None])).astype(
        np.int8
    )
    # Fear latent: shares eta (fear and want interlock) plus a local hazard and own noise.
    fear_latent = 0.6 * eta + psu_hazard[hh_psu] + rng.normal(0.0, 0.6, n_hh)
    fear = (
        rng.random((n_hh, 5)) < _logistic(_FEAR_ALPHA + _FEAR_BETA * fear_latent[:, None])
    ).astype(np.int8)
    fear[:, 1] = np.maximum(fear[:, 1], (hh_disp_code > 0).astype(np.int8))  # displaced households
    # Serious illness is individual; raised by household exposure and age.
    ind_illness = (
        rng.random(n_ind)
        < np.where(fear[ind_hh, 3] == 1, 0.55, 0.04) + 0.05 * (age >= 60) + 0.04 * disability
    ).astype(np.int8)

    # --- Household economics. -------------------------------------------------------------------
    log_cons = 7.6 + 0.5 * hh_urban - 0.55 * eta + rng.normal(0.0, 0.45, n_hh)
    consumption = np.exp(log_cons)  # per capita per year, 2021 PPP $
    income = consumption * hh_size * np.exp(rng.normal(0.05, 0.25, n_hh))
    assets = income * np.exp(rng.normal(0.6, 0.6, n_hh)) * (1.0 + hh_urban)
    savings = np.maximum(0.0, income - consumption * hh_size) + income * rng.beta(1.0, 12.0, n_hh)
    rural_liv = np.where(rng.random(n_hh) < 0.7, 0, 1)  # farming or pastoral
    urban_liv = np.where(rng.random(n_hh) < 0.6, 2, 3)  # wage or trade
    livelihood = np.where(hh_urban == 1, urban_liv, rural_liv)

    # --- Weights. -------------------------------------------------------------------------------
    hh_weight = base_weight[psu_stratum[hh_psu]] * rng.uniform(0.85, 1.15, n_hh)
    scale = 20_000_000 / float((hh_weight * hh_size).sum())
    hh_weight = hh_weight * scale

    # --- Assemble one row per individual. -------------------------------------------------------
    regions = np.array(_REGION_NAMES[:n_regions], dtype=object)
    area_codes = np.array(
        [f"{r[:2].upper()}{a + 1:02d}" for r in regions for a in range(areas_per_region)],
        dtype=object,
    )
    hh_region = psu_region[hh_psu]
    hh_area = hh_region * areas_per_region + psu_area[hh_psu]
    displacement_labels = np.array(["none", "refugee", "idp", "returnee"], dtype=object)
    livelihood_labels = np.array(["farming", "pastoral", "wage", "trade"], dtype=object)
    sex_labels = np.array(["male", "female"], dtype=object)

    columns: dict[str, object] = {
        "hh_id": (ind_hh + 1).astype(np.int64),
        "person_id": (ind_hh + 1).astype(np.int64) * 100 + member_no + 1,
        "stratum": (psu_stratum[hh_psu] + 1)[ind_hh].astype(np.int64),
        "psu": (hh_psu + 1)[ind_hh].astype(np.int64),
        "weight": hh_weight[ind_hh],
        "area": pd.array(area_codes[hh_area][ind_hh], dtype="str"),
        "region": pd.array(regions[hh_region][ind_hh], dtype="str"),
        "urban": hh_urban[ind_hh],
        "remote": hh_remote[ind_hh],
        "sex": pd.array(sex_labels[female.astype(np.int8)], dtype="str"),
        "age": age,
        "disability": disability,
        "minority": hh_minority[ind_hh],
        "displacement": pd.array(displacement_labels[hh_disp_code][ind_hh], dtype="str"),
    }
    for j, name in enumerate(MPI_DEPRIVATIONS):
        col = want[:, j]
        if missing_share > 0:
            missing = rng.random(n_hh) < missing_share
            columns[name] = np.where(missing, np.nan, col.astype(np.float64))[ind_hh]
        else:
            columns[name] = col[ind_hh]
    fear_ind = fear[ind_hh]
    columns["f_violence"] = fear_ind[:, 0]
    columns["f_displaced"] = fear_ind[:, 1]
    columns["f_disaster"] = fear_ind[:, 2]
    columns["f_illness"] = ind_illness
    columns["f_income_shock"] = fear_ind[:, 4]
    columns["consumption"] = consumption[ind_hh]
    columns["income"] = income[ind_hh]
    columns["assets"] = assets[ind_hh]
    columns["savings"] = savings[ind_hh]
    columns["livelihood"] = pd.array(livelihood_labels[livelihood][ind_hh], dtype="str")
    return pd.DataFrame(columns)
