"""Missing-value imputation for indicators (OECD/JRC Handbook 2008, section 4; COINr ``Impute``).

* ``latest`` (panel data): a missing value takes the unit's most recent earlier observation
  if it is at most ``lag`` years older (INFORM and most country indices carry the latest
  available value forward). Needs unit and year keys.
* ``mean`` / ``median``: the mean or median of the indicator over all units.
* ``group_mean`` / ``group_median``: the mean or median over units sharing the value of the
  ``by`` column (e.g. region or income group); units whose group has no observation stay
  missing.
* ``regression``: ordinary least squares of the indicator on ``predictors`` (other indicators)
  fitted on units where all are observed; units with all predictors observed get the fitted
  value.

Every function returns the filled values and a boolean mask of what was imputed, so the build
can report it; nothing is ever set to zero.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from humsec.errors import ColumnError


def impute_latest(
    panel: pd.DataFrame, columns: list[str], *, unit: str, time: str, lag: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Fill each missing ``(unit, year)`` cell with the unit's latest earlier value within ``lag``.

    ``panel`` has ``unit`` and ``time`` as columns. Returns the filled columns and a mask of
    imputed cells, both aligned to ``panel``'s index. Vectorised with a grouped forward fill
    of values and of the year each value was observed in.
    """
    original = panel.index
    positional = panel.reset_index(drop=True)
    order = positional.sort_values([unit, time], kind="stable").index
    frame = positional.loc[order, [unit, time, *columns]]
    years = pd.to_numeric(frame[time], errors="coerce").to_numpy(dtype=float)
    values = frame[columns].astype(float)
    seen_year = pd.DataFrame(
        np.where(values.notna().to_numpy(), years[:, None], np.nan),
        index=frame.index,
        columns=columns,
    )
    groups = frame[unit].to_numpy()
    filled = values.groupby(groups, sort=False).ffill()
    last_year = seen_year.groupby(groups, sort=False).ffill()
    too_old = (years[:, None] - last_year.to_numpy()) > lag
    filled = filled.mask(values.isna() & too_old)
    imputed = values.isna() & filled.notna()
    filled = filled.sort_index().set_axis(original)
    imputed = imputed.sort_index().set_axis(original)
    return filled, imputed


def impute_cross_section(
    values: pd.Series, method: str, *, groups: pd.Series | None = None
) -> tuple[pd.Series, pd.Series]:
    """Fill missing values with the overall or group mean/median (see module docstring)."""
    x = values.astype(float)
    missing = x.isna()
    if method in ("mean", "median"):
        fill = x.mean() if method == "mean" else x.median()
        out = x.fillna(fill)
    elif method in ("group_mean", "group_median"):
        assert groups is not None
        grouped = x.groupby(groups.to_numpy())
        out = x.fillna(grouped.transform("mean" if method == "group_mean" else "median"))
    else:
        raise AssertionError(method)
    return out, missing & out.notna()


def impute_regression(target: pd.Series, predictors: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """OLS imputation: ``y = b0 + X b`` fitted on complete rows, predicted where y is missing.

    Raises :class:`ColumnError` if fewer complete rows than coefficients are available.
    """
    y = target.astype(float).to_numpy()
    x = predictors.astype(float).to_numpy()
    design = np.column_stack([np.ones(len(y)), x])
    complete = ~np.isnan(design).any(axis=1)
    fit_rows = complete & ~np.isnan(y)
    if fit_rows.sum() <= design.shape[1]:
        raise ColumnError(
            f"regression imputation of {target.name!r} needs more than {design.shape[1]} "
            f"complete rows, found {int(fit_rows.sum())}",
            location=f"indicator {target.name!r}",
            hint="use fewer predictors or another imputation method",
        )
    beta, *_ = np.linalg.lstsq(design[fit_rows], y[fit_rows], rcond=None)
    predict = complete & np.isnan(y)
    out = y.copy()
    out[predict] = design[predict] @ beta
    return pd.Series(out, index=target.index, name=target.name), pd.Series(
        predict, index=target.index
    )
