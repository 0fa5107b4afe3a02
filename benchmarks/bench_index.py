"""Uncertainty analysis of a composite index: humsec.index.uncertainty at scale.

Workload (issue 3): 200 units x 40 indicators, a 3-level tree (40 indicators -> 8 components
-> 3 pillars -> index), about 2 % missing values, min-max normalisation onto [1, 100].
Replications vary Dirichlet weights at every node, the normalisation (spec / min-max /
percentile ranks) and the aggregation (spec / arithmetic / geometric), and produce per-unit
rank medians and 5-95 % intervals. Runs: 1,000 and 10,000 replications without Sobol, and the
Sobol step (SALib Saltelli design, N = 1,024 base samples -> 5,120 runs) on its own. Each run
happens in a fresh process so that its peak RSS (resource.getrusage) is its own; the baseline
RSS of the imports is recorded too. Best of 3 wall times per run.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import platform
import resource
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

RESULT = Path(__file__).parent / "results" / "index.json"
UNITS, INDICATORS, COMPONENTS = 200, 40, 8
REPEATS = 3


def workload(seed: int = 11) -> tuple[Any, pd.DataFrame]:
    """The benchmark index spec and its synthetic data (lognormal and normal indicators)."""
    from humsec.index import IndexSpec

    rng = np.random.default_rng(seed)
    latent = rng.normal(size=(UNITS, 1))
    raw = latent + rng.normal(scale=1.0, size=(UNITS, INDICATORS))
    raw[:, ::3] = np.exp(raw[:, ::3])  # some skewed indicators
    raw[rng.random(raw.shape) < 0.02] = np.nan
    codes = [f"i{j:02d}" for j in range(INDICATORS)]
    data = pd.DataFrame(raw, columns=codes, index=[f"U{u:03d}" for u in range(UNITS)])
    indicators = [
        {
            "code": c,
            "direction": "higher_is_worse" if j % 4 else "higher_is_better",
            "normalisation": {"method": "minmax", "range": [1, 100]},
        }
        for j, c in enumerate(codes)
    ]
    per = INDICATORS // COMPONENTS
    components = [
        {"code": f"c{k}", "children": codes[k * per : (k + 1) * per]} for k in range(COMPONENTS)
    ]
    pillars = [
        {"code": "p0", "children": ["c0", "c1", "c2"]},
        {"code": "p1", "children": ["c3", "c4", "c5"]},
        {"code": "p2", "children": ["c6", "c7"]},
    ]
    root = {"code": "index", "children": ["p0", "p1", "p2"], "method": "geometric"}
    spec = IndexSpec.from_dict(
        {
            "code": "bench",
            "root": "index",
            "orientation": "higher_is_worse",
            "scale": [0, 100],
            "indicators": indicators,
            "nodes": [root, *pillars, *components],
        }
    )
    return spec, data


def _run(case: dict[str, Any]) -> dict[str, Any]:
    from humsec.index.uncertainty import UncertaintySettings, _sobol, uncertainty

    spec, data = workload()
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    vary = ["weights", "normalisation", "aggregation"]
    times = []
    extra: dict[str, Any] = {}
    for _ in range(REPEATS):
        if case["kind"] == "mc":
            start = time.perf_counter()
            result = uncertainty(spec, data, n=case["n"], seed=1, vary=vary, sobol=False)
            summary = result.summary()
            times.append(time.perf_counter() - start)
            extra = {
                "median_rank_interval_width": float(
                    (summary["rank_p95"] - summary["rank_p05"]).median()
                )
            }
        else:
            settings = UncertaintySettings(sobol_n=case["n"])
            result = uncertainty(spec, data, n=2, seed=1, vary=vary, sobol=False, settings=settings)
            start = time.perf_counter()
            table, runs = _sobol(
                _model_for(spec, data, vary, settings), vary, result.nominal_ranks, settings, 1
            )
            times.append(time.perf_counter() - start)
            extra = {"runs": runs, "ST": table["ST"].round(3).to_dict()}
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        **case,
        "wall_s_best": round(min(times), 3),
        "wall_s_all": [round(t, 3) for t in times],
        "peak_rss_mb": round(peak, 1),
        "baseline_rss_mb": round(baseline, 1),
        **extra,
    }


def _model_for(spec: Any, data: pd.DataFrame, vary: list[str], settings: Any) -> Any:
    """Build the precomputed model exactly as ``uncertainty`` does (for timing Sobol alone)."""
    from humsec.index.build import prepare_indicators
    from humsec.index.uncertainty import _alternative_normalisation, _Model, _weight_banks

    matrices = [
        prepare_indicators(_alternative_normalisation(spec, norm), data)
        .normalised[spec.indicator_codes]
        .to_numpy(dtype=float)
        for norm in settings.normalisations
    ]
    rng = np.random.default_rng(1)
    banks, nominal = _weight_banks(spec, settings, 1024, rng, "weights" in vary)
    return _Model(
        spec=spec,
        x=np.stack(matrices),
        n_norm=len(settings.normalisations),
        codes=spec.indicator_codes,
        weight_banks=banks,
        nominal_weights=nominal,
        aggregations=list(settings.aggregations),
        scale_max=spec.scale[1],
    )


def main() -> None:
    """Run every case in a fresh process and write benchmarks/results/index.json."""
    cases = [
        {"kind": "mc", "n": 1_000},
        {"kind": "mc", "n": 10_000},
        {"kind": "sobol", "n": 1_024},
    ]
    ctx = mp.get_context("spawn")
    rows = []
    for case in cases:
        with ctx.Pool(1) as pool:
            row = pool.apply(_run, (case,))
        print(json.dumps(row), flush=True)
        rows.append(row)
    out = {
        "benchmark": "index uncertainty",
        "workload": f"{UNITS} units x {INDICATORS} indicators, 3 levels; vary weights "
        "(Dirichlet), normalisation, aggregation; rank medians and 5-95% intervals",
        "targets": {"wall_s_10000": 3.0, "peak_rss_mb_10000": 1024},
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "results": rows,
    }
    RESULT.parent.mkdir(parents=True, exist_ok=True)
    RESULT.write_text(json.dumps(out, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
