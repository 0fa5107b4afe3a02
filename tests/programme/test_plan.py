"""plan(): optimality against brute-force enumeration, and the planner's other outputs."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from humsec.errors import DataError
from humsec.programme import Budget, PlanInfeasibleError, atkinson, plan


def _candidates(seed: int = 4, n_areas: int = 5) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    areas = [chr(ord("a") + k) for k in range(n_areas)]
    rows = []
    for area in areas:
        for package, threat, mode, rr in [
            ("cash", "poverty", "empowerment", False),
            ("police", "crime", "protection", False),
        ]:
            rows.append(
                (
                    area,
                    package,
                    float(rng.integers(2, 9)),
                    float(rng.integers(1, 20)),
                    threat,
                    mode,
                    rr,
                )
            )
    rows.append(("a", "dykes", 4.0, 5.0, "disasters", "protection", True))
    return pd.DataFrame(
        rows, columns=["area", "package", "cost", "benefit", "threats", "mode", "risk_reduction"]
    )


def _subsets(n: int) -> list[np.ndarray]:
    return [np.array(bits, dtype=bool) for bits in itertools.product([False, True], repeat=n)]


def test_constrained_plain_sum_equals_brute_force() -> None:
    frame = _candidates()
    ids = (frame["area"] + ":" + frame["package"]).tolist()
    budgets = [Budget(12.0, areas=("a", "b"), name="earmarked"), Budget(14.0, name="core")]
    options = {
        "one_per_area": True,
        "cover_fear_and_want": True,
        "min_empowerment_share": 0.3,
        "high_risk_areas": ["a"],
        "area_caps": {"c": 5.0},
        "precedence": [("b:cash", "d:police")],
        "exclusive": [("c:cash", "e:cash")],
    }
    result = plan(frame, budgets, gap=0.0, **options)
    cost, benefit = frame["cost"].to_numpy(), frame["benefit"].to_numpy()
    area = frame["area"].to_numpy()
    fear = frame["threats"].isin(["crime", "disasters"]).to_numpy()
    empower = (frame["mode"] == "empowerment").to_numpy()
    rr = frame["risk_reduction"].to_numpy()
    best = -np.inf
    for chosen in _subsets(len(frame)):
        spend = cost[chosen].sum()
        only_core = cost[chosen & ~np.isin(area, ["a", "b"])].sum()
        feasible = (
            spend <= 26.0
            and only_core <= 14.0  # areas c-e can be paid by the core budget only (Hall)
            and all(chosen[area == a].sum() <= 1 for a in set(area))
            and chosen[fear].any()
            and chosen[~fear].any()
            and cost[chosen & empower].sum() >= 0.3 * spend
            and not (chosen[(area == "a") & ~rr].any() and not chosen[(area == "a") & rr].any())
            and cost[chosen & (area == "c")].sum() <= 5.0
            and (not chosen[ids.index("d:police")] or chosen[ids.index("b:cash")])
            and not (chosen[ids.index("c:cash")] and chosen[ids.index("e:cash")])
        )
        if feasible:
            best = max(best, benefit[chosen].sum())
    assert result.objective == pytest.approx(best)
    assert result.gap == pytest.approx(0.0, abs=1e-9)
    assert result.spend["earmarked"] <= 12.0 + 1e-9 and result.spend["core"] <= 14.0 + 1e-9
    paid = result.to_frame()
    np.testing.assert_allclose(paid["paid_by_earmarked"] + paid["paid_by_core"], paid["cost"])
    outside = ~paid["area"].isin(["a", "b"])
    assert (paid.loc[outside, "paid_by_earmarked"] == 0).all()


def _pwl(value: float, top: float, base: float, aversion: float, segments: int) -> float:
    points = np.linspace(0.0, top, segments + 1)
    values = atkinson(base + points, aversion) - atkinson(base, aversion)
    return float(np.interp(value, points, values))


@pytest.mark.parametrize("aversion", [0.5, 2.0])
def test_prioritarian_objective_equals_brute_force(aversion: float) -> None:
    frame = _candidates(seed=9, n_areas=4)
    baseline = {"a": 0.5, "b": 1.0, "c": 2.0, "d": 1.5}
    result = plan(frame, 15.0, aversion=aversion, baseline=baseline, segments=6, gap=0.0)
    benefit, cost = frame["benefit"].to_numpy(), frame["cost"].to_numpy()
    area = frame["area"].to_numpy()
    attainable = {a: benefit[area == a].sum() for a in baseline}
    scale = np.mean(list(attainable.values()))
    best = -np.inf
    for chosen in _subsets(len(frame)):
        if cost[chosen].sum() > 15.0:
            continue
        value = sum(
            _pwl(
                benefit[chosen & (area == a)].sum() / scale,
                attainable[a] / scale,
                baseline[a],
                aversion,
                6,
            )
            for a in baseline
        )
        best = max(best, value)
    assert result.objective == pytest.approx(best, rel=1e-7)


def test_aversion_zero_is_the_plain_sum_and_aversion_spreads_gains() -> None:
    frame = _candidates(seed=9, n_areas=4)
    plain = plan(frame, 15.0, gap=0.0)
    assert plain.objective == pytest.approx(plain.benefit)
    averse = plan(frame, 15.0, aversion=5.0, baseline={"a": 0.2}, gap=0.0)
    assert averse.benefit <= plain.benefit + 1e-9
    # with strong aversion the worst-off area a gets something
    assert (averse.chosen["area"] == "a").any()


def test_cvar_objective_equals_brute_force() -> None:
    frame = _candidates(seed=2, n_areas=3)
    ids = (frame["area"] + ":" + frame["package"]).tolist()
    rng = np.random.default_rng(5)
    years = 20
    reduction = rng.random((years, len(frame))) * (rng.random((years, len(frame))) < 0.3) * 8
    losses = pd.DataFrame(reduction, columns=ids)
    base = rng.random(years) * 10 + 5
    result = plan(
        frame,
        14.0,
        shock_losses=losses,
        baseline_loss=base,
        cvar_alpha=0.9,
        cvar_weight=0.7,
        gap=0.0,
    )
    benefit, cost = frame["benefit"].to_numpy(), frame["cost"].to_numpy()
    best = -np.inf
    for chosen in _subsets(len(frame)):
        if cost[chosen].sum() > 14.0:
            continue
        loss = base - reduction[:, chosen].sum(axis=1)
        cvar = np.sort(loss)[-2:].mean()  # (1 − 0.9) · 20 = 2 worst years
        best = max(best, benefit[chosen].sum() - 0.7 * cvar)
    assert result.objective == pytest.approx(best, rel=1e-7)
    assert result.cvar is not None


def test_alternatives_frontier_and_marginal_value() -> None:
    frame = pd.DataFrame(
        {
            "area": ["a", "b", "c"],
            "package": ["p", "p", "p"],
            "cost": [5.0, 5.0, 5.0],
            "benefit": [10.0, 8.0, 6.0],
        }
    )
    best = plan(frame, 10.0, gap=0.0)
    assert sorted(best.chosen["candidate"]) == ["a:p", "b:p"]
    assert best.marginal_values(step=5.0)["budget1"] == pytest.approx((24 - 18) / 5)
    frontier = best.frontier([5.0, 10.0, 15.0])
    assert frontier["objective"].tolist() == [10.0, 18.0, 24.0]
    alternatives = best.alternatives(k=3, min_difference=2)
    chosen = [frozenset(best.chosen["candidate"])] + [
        frozenset(p.chosen["candidate"]) for p in alternatives
    ]
    for one, other in itertools.combinations(chosen, 2):
        assert len(one ^ other) >= 2
    objectives = [p.objective for p in alternatives]
    assert objectives == sorted(objectives, reverse=True) and objectives[0] <= best.objective


def test_infeasible_plan_names_the_conflicting_constraints() -> None:
    frame = _candidates()
    with pytest.raises(PlanInfeasibleError) as caught:
        plan(frame, 30.0, cover_fear_and_want=True, min_empowerment_share=1.0, area_caps={"a": 1.0})
    message = str(caught.value)
    assert "cover fear" in message and "empowerment share" in message
    assert "budget" not in message.split("conflict:")[1]  # the budget is not part of it


def test_bad_input() -> None:
    frame = _candidates()
    negative = frame.copy()
    negative.loc[3, "cost"] = -1.0
    with pytest.raises(DataError, match=r"negative costs in rows \[4\]"):
        plan(negative, 10.0)
    with pytest.raises(DataError, match="no candidate fits budget 'north'"):
        plan(frame, [Budget(5.0, areas=("zz",), name="north")])
    with pytest.raises(DataError, match="no candidate fits the budgets"):
        plan(frame, 1.0)
    with pytest.raises(DataError, match=r"area\(s\) \['e'\] are not among the project's areas"):
        plan(frame, 10.0, areas=["a", "b", "c", "d"])
    with pytest.raises(DataError, match="positive"):
        Budget(-3.0)


def test_derived_benefits_by_hand() -> None:
    from humsec.programme import derive_benefits

    # A[a, b] = 0.5, A[b, a] = 0.2: M = (I − Aᵀ)⁻¹ = [[1, .2], [.5, 1]] / 0.9 (targets x sources)
    multiplier = pd.DataFrame([[1.0, 0.2], [0.5, 1.0]], index=["a", "b"], columns=["a", "b"]) / 0.9
    frame = pd.DataFrame(
        {
            "area": ["x", "y"],
            "package": ["p", "p"],
            "cost": [1.0, 1.0],
            "threats": ["a", "b, c"],
            "reduction": [1.0, 2.0],
            "people": [100.0, 10.0],
        }
    )
    out = derive_benefits(
        frame,
        multiplier=multiplier,
        equity_weights={"x": 2.0, "y": 1.0},
        erosion={"x": 0.25, "y": 0.0},
    )
    assert out.loc[0, "with_ripples"] == pytest.approx(1.5 / 0.9)
    assert out.loc[0, "benefit"] == pytest.approx(100 * 2.0 * 0.75 * 1.5 / 0.9)
    # b ripples into a (0.2/0.9 per unit); c is outside the network: no ripples
    assert out.loc[1, "with_ripples"] == pytest.approx(2.0 * 1.2 / 0.9 + 2.0)
    with pytest.raises(DataError, match="no value for area"):
        derive_benefits(frame, equity_weights={"x": 1.0})
