"""Saltelli design, Sobol' estimators and average ranks in numpy, against SALib and scipy."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from humsec.index.normalisation import average_ranks
from humsec.index.sensitivity import saltelli_design, sobol_indices
from humsec.index.sobol_sequence import scrambled_sobol


@pytest.mark.parametrize("d", [1, 2, 6, 10])
@pytest.mark.parametrize("seed", [0, 1, 12345])
def test_scrambled_sobol_points_are_scipys(d: int, seed: int) -> None:
    from scipy.stats import qmc

    for n in (1, 2, 64, 512):
        expected = qmc.Sobol(d, scramble=True, seed=seed).random(n)
        np.testing.assert_array_equal(scrambled_sobol(d, n, seed), expected)


def test_unscrambled_first_dimensions_are_the_textbook_sequence() -> None:
    # Without the scramble the first two dimensions are 0, 1/2, 3/4, 1/4, 3/8, ... and
    # 0, 1/2, 1/4, 3/4, 3/8, ... (Bratley & Fox 1988, table 1 in Gray-code order).
    from humsec.index import sobol_sequence as sq

    v = sq._direction_numbers(2)
    k = np.arange(5, dtype=np.uint64)
    gray = k ^ (k >> np.uint64(1))
    points = np.zeros((5, 2), dtype=np.uint64)
    for c in range(sq.BITS):
        on = ((gray >> np.uint64(c)) & np.uint64(1)).astype(bool)
        points[on] ^= v[:, c]
    np.testing.assert_array_equal(points / 2.0**sq.BITS,
                                  [[0, 0], [0.5, 0.5], [0.75, 0.25], [0.25, 0.75],
                                   [0.375, 0.375]])


def test_direction_numbers_are_scipys_joe_kuo_table() -> None:
    from importlib.util import find_spec
    from pathlib import Path

    from humsec.index import sobol_sequence as sq

    spec = find_spec("scipy")
    assert spec is not None and spec.submodule_search_locations
    table = np.load(Path(spec.submodule_search_locations[0]) / "stats"
                    / "_sobol_direction_numbers.npz")
    for i, (poly, initial) in enumerate(sq._DIRECTIONS):
        assert poly == table["poly"][i]
        assert list(initial) == table["vinit"][i, : len(initial)].tolist()
        assert not table["vinit"][i, len(initial):].any()


def _model(x: np.ndarray) -> np.ndarray:
    # Ishigami (1990) plus an interaction, a standard sensitivity test function
    return (np.sin(2 * np.pi * x[:, 0]) + 7 * np.sin(2 * np.pi * x[:, 1]) ** 2
            + 0.1 * (2 * np.pi * x[:, -1]) ** 4 * np.sin(2 * np.pi * x[:, 0]))


@pytest.mark.parametrize("d", [1, 3, 5])
@pytest.mark.parametrize("seed", [1, 7])
def test_design_and_indices_are_salibs(d: int, seed: int) -> None:
    from SALib.analyze import sobol as analyze
    from SALib.sample import sobol as sample

    problem = {"num_vars": d, "names": [f"x{i}" for i in range(d)], "bounds": [[0.0, 1.0]] * d}
    design = saltelli_design(d, 256, seed)
    np.testing.assert_array_equal(design, sample.sample(problem, 256, calc_second_order=False,
                                                        seed=seed))
    y = _model(design) if d > 1 else np.sin(6 * design[:, 0])
    ours = sobol_indices(y, d, seed)
    theirs = analyze.analyze(problem, y, calc_second_order=False, seed=seed)
    for name, values in (("S1", ours.s1), ("S1_conf", ours.s1_conf), ("ST", ours.st),
                         ("ST_conf", ours.st_conf)):
        np.testing.assert_allclose(values, theirs[name], rtol=0, atol=1e-12)


def test_indices_of_an_additive_model_are_the_variance_shares() -> None:
    # y = x1 + 2 x2 on the unit square: V1 = 1/12, V2 = 4/12, so S1 = ST = (0.2, 0.8)
    design = saltelli_design(2, 4096, 3)
    ours = sobol_indices(design[:, 0] + 2 * design[:, 1], 2, 3)
    np.testing.assert_allclose(ours.s1, [0.2, 0.8], atol=0.02)
    np.testing.assert_allclose(ours.st, [0.2, 0.8], atol=0.02)


def test_seed_zero_is_reproducible() -> None:
    design = saltelli_design(3, 64, 0)
    y = _model(design)
    a, b = sobol_indices(y, 3, 0), sobol_indices(y, 3, 0)
    np.testing.assert_array_equal(a.s1_conf, b.s1_conf)


def test_outputs_that_are_not_a_design_are_refused() -> None:
    with pytest.raises(ValueError, match="multiple of 5"):
        sobol_indices(np.arange(7.0), 3, 1)


def test_average_ranks_are_scipys() -> None:
    from scipy.stats import rankdata

    rng = np.random.default_rng(4)
    for _ in range(50):
        x = rng.integers(0, rng.integers(1, 20), size=rng.integers(1, 40)).astype(float)
        np.testing.assert_array_equal(average_ranks(x), rankdata(x, method="average"))
    np.testing.assert_array_equal(average_ranks(np.array([3.0, 1.0, 3.0, 2.0])),
                                  [3.5, 1.0, 3.5, 2.0])


_PROBE = """
import sys
import pandas as pd
from humsec.index import load_preset, uncertainty
data = pd.read_csv(sys.argv[1]).set_index("iso3").dropna()
uncertainty(load_preset("hdi"), data, n=20, seed=1, sobol=True)
print("loaded:" + ",".join(sorted(m for m in ("scipy.stats", "SALib") if m in sys.modules)))
"""


def test_uncertainty_with_sobol_imports_neither_scipy_stats_nor_salib() -> None:
    # the HDI's alternatives include percentile normalisation (average ranks) and the Sobol
    # step; neither may pull in scipy.stats (about a second of start-up)
    from pathlib import Path

    csv = Path(__file__).resolve().parents[1] / "fixtures" / "index" / "hdr2022.csv"
    out = subprocess.run([sys.executable, "-c", _PROBE, str(csv)], check=True,
                         capture_output=True, text=True).stdout
    assert out.strip().splitlines()[-1] == "loaded:"
