"""The plain-Python Student t quantile equals scipy's stdtrit (and R's qt) to 1e-12."""

from __future__ import annotations

import itertools
import math
import subprocess
import sys

import pytest

from humsec.deprivation.student_t import LARGE_DF, t_quantile, t_tail

special = pytest.importorskip("scipy.special")

DFS = [0.5, 1, 1.5, 2, 3, 4, 5, 7, 10, 13.7, 30, 100, 1_000, 4_950, 99_999, LARGE_DF, 1e6, 1e9]
TAILS = [1e-12, 1e-8, 1e-4, 1e-3, 0.005, 0.025, 0.05, 0.1, 0.25, 0.4]
PS = TAILS + [1 - q for q in TAILS]


def test_quantile_equals_scipy_over_a_grid_of_df_and_p() -> None:
    worst = max(
        (abs(t_quantile(p, df) - special.stdtrit(df, p)) / abs(special.stdtrit(df, p)), df, p)
        for df, p in itertools.product(DFS, PS)
    )
    assert worst[0] <= 1e-12, worst


def test_tail_equals_scipy() -> None:
    for df, t in itertools.product([1, 2.5, 30, 4_950], [0.01, 0.5, 1.96, 5.0, 40.0]):
        assert t_tail(t, df) == pytest.approx(special.stdtr(df, -t), rel=1e-12)
        assert t_tail(-t, df) == pytest.approx(special.stdtr(df, t), rel=1e-13)


def test_closed_forms_by_hand() -> None:
    for q in (1e-9, 0.025, 0.3):
        # Lower tail p = q (1 - q is rounded in float): Cauchy (df = 1) t = -1/tan(pi q);
        # df = 2: t = -(1 - 2q)/sqrt(2 q (1 - q)).
        assert t_quantile(q, 1) == pytest.approx(-1 / math.tan(math.pi * q), rel=1e-13)
        assert t_quantile(q, 2) == pytest.approx(-(1 - 2 * q) / math.sqrt(2 * q * (1 - q)),
                                                 rel=1e-13)  # fmt: skip
    assert t_quantile(0.975, 30) == pytest.approx(2.042272456301238, rel=1e-14)  # R: qt(.975, 30)
    assert t_quantile(0.5, 7) == 0.0
    assert t_quantile(1.0, 7) == math.inf


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="outside"):
        t_quantile(1.5, 3)
    with pytest.raises(ValueError, match="positive"):
        t_quantile(0.9, 0)


def test_an_estimate_does_not_import_scipy() -> None:
    script = (
        "import sys, pandas as pd\n"
        "from humsec.deprivation import DeprivationSpec, SurveyDesign, estimate\n"
        "d = pd.DataFrame({'a': [1, 0, 1, 0], 'b': [1, 1, 0, 0], 'st': [1, 1, 2, 2],"
        " 'psu': [1, 2, 3, 4], 'w': [1.0, 2.0, 1.0, 2.0]})\n"
        "r = estimate(d, DeprivationSpec(indicators={'a': 0.5, 'b': 0.5}, k=0.5),"
        " SurveyDesign(weight='w', strata='st', psu='psu'))\n"
        "assert r.table['ci_low'].notna().all()\n"
        "print(sorted({m.split('.')[0] for m in sys.modules if m.startswith('scipy')}))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True, timeout=120)  # fmt: skip
    assert out.stdout.strip() == "[]"
