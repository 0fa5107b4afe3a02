"""Categories written as value labels or as codes: one resolution for every rule that names them.

A Stata or SPSS file stores codes (``1``, ``2``) and a label for each (``1 = "piped"``,
``2 = "river"``). :func:`humsec.data.read_table` keeps the codes and puts the labels in
``frame.attrs["value_labels"]`` as ``{column: {code: label}}``. A user who writes a rule on such
a column -- a deprivation cutoff ``cutoff: [river, pond]``, a subgroup ``sex: female``, a
vulnerable-group rule ``where: {sex: [female, f]}`` -- may name either the labels they see in
Stata or the codes. Every engine turns what was written into stored codes here, so that a
cutoff and a group rule can never disagree about what ``"river"`` means.

A category ``c`` on a column with labels ``{code: label}`` means, in this order:

1. the code equal to ``c`` as a number (``"2"``, ``2``, ``2.0`` and ``True`` = 1 are code 2/1)
   or as text;
2. every code whose label equals ``c``, compared exactly, then ignoring case and surrounding
   spaces (``"River"`` finds ``"river"``).

A category that is a code and also the label of another code is ambiguous, and one that is
neither is an error listing the column's valid labels with a "did you mean"; a rule therefore
never silently matches nobody (issue 8: a label-written cutoff gave 0 % deprived, and
``women`` 0 % when ``sex`` is coded 1/2).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from humsec.errors import ColumnError, HumsecError, SpecError, did_you_mean

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "codes_meant",
    "column_labels",
    "match_categories",
    "resolve_categories",
    "valid_categories",
]


def column_labels(data: Any) -> dict[str, dict[Any, str]]:
    """The value labels that travel with ``data``: ``{column: {code: label}}``.

    Frames read from Stata/SPSS by :func:`humsec.data.read_table` carry them in
    ``attrs["value_labels"]``; other frames (and lazy engines, which have no attrs) give ``{}``.
    """
    attrs = getattr(data, "attrs", None)
    if not isinstance(attrs, Mapping):
        return {}
    labels = attrs.get("value_labels") or {}
    return {str(col): dict(mapping) for col, mapping in labels.items() if mapping}


def codes_meant(category: Any, labels: Mapping[Any, str], *, column: str,
                where: str) -> list[Any]:
    """The codes ``category`` stands for on a labelled column (rules 1-2 of the module
    docstring), ``[]`` when it is neither a code nor a label; :class:`SpecError` at ``where``
    when it is a code and also another code's label."""
    by_code = [code for code in labels if _same_code(category, code)]
    by_label = _codes_labelled(category, labels)
    clash = [code for code in by_label if code not in by_code]
    if by_code and clash:
        raise SpecError(
            f"category {category!r} of column {column!r} is both code {by_code[0]!r} and "
            f"the label of code {clash[0]!r}",
            location=where,
            hint=f"write the code, e.g. {clash[0]!r} or {by_code[0]!r}; valid labels (codes): "
            + valid_categories(labels),
        )
    return by_code or by_label


def resolve_categories(
    categories: Iterable[Any],
    labels: Mapping[Any, str] | None,
    *,
    column: str,
    where: str,
    alternatives: bool = False,
    error: type[HumsecError] = SpecError,
    hint: str | None = None,
) -> list[Any]:
    """The stored codes meant by ``categories``, each written as a code or as its label.

    Resolution: module docstring (:func:`codes_meant`). Every category must match, unless
    ``alternatives`` (the categories are alternative spellings such as ``female, f``; those
    that match nothing are skipped, and only when none matches is it an error). The error is
    ``error`` at ``where``, listing the valid labels with a "did you mean"; ``hint`` says what
    to change. Without ``labels`` (a CSV or Parquet column) the categories are returned as
    written. The order of the result follows the categories; codes are not repeated.
    """
    wanted = list(categories)
    if not labels:
        return wanted
    out: list[Any] = []
    unknown: list[Any] = []
    for category in wanted:
        matched = codes_meant(category, labels, column=column, where=where)
        if not matched:
            unknown.append(category)
        out += [code for code in matched if code not in out]
    if unknown and (not alternatives or not out):
        raise error(_neither_message(unknown, labels, column), location=where,
                    hint=hint or "write one of the column's value labels or codes")
    return out


def match_categories(column: pd.Series, categories: Sequence[Any], *,
                     labels: Mapping[Any, str] | None = None, location: str,
                     hint: str | None = None) -> np.ndarray:
    """Boolean mask: cells of ``column`` equal to one of ``categories`` (alternative spellings).

    On a labelled column (``labels`` = ``{code: label}``) the categories are resolved to codes
    (:func:`resolve_categories` with ``alternatives``); on a column already converted to its
    labels (text or categorical) a category matches its label or code text ignoring case. A
    category that is valid but absent from the data matches nobody. When none can match -- text
    against numeric codes without labels, or no category of a categorical column -- it is a
    :class:`~humsec.errors.ColumnError` at ``location`` naming what the column holds. Missing
    cells are ``False``; callers mark them missing.
    """
    import pandas as pd

    labels = dict(labels or {})
    name = str(column.name)
    codes = resolve_categories(categories, labels, column=name, where=location,
                               alternatives=True, error=ColumnError, hint=hint)
    numeric = pd.api.types.is_numeric_dtype(column.dtype) and not pd.api.types.is_bool_dtype(
        column.dtype)
    if numeric:
        numbers = [n for n in (_number(c) for c in codes) if n is not None]
        if not numbers:
            observed = sorted(map(str, pd.unique(column.dropna())))[:12]
            raise ColumnError(f"column {name!r} holds numeric codes {observed} without value "
                              f"labels, so {list(categories)} can match nothing",
                              location=location, hint=hint)
        cells = column.to_numpy(dtype=float, na_value=np.nan)
        return np.isin(cells, numbers)
    # a label-converted column (read_table(labels="labels")) holds the labels as text
    wanted = {str(c).strip().casefold() for c in [*categories, *codes]}
    wanted |= {str(labels[c]).strip().casefold() for c in codes if c in labels}
    if isinstance(column.dtype, pd.CategoricalDtype):
        present = {str(c).strip().casefold() for c in column.cat.categories}
        if not wanted & present:
            observed = sorted(map(str, column.cat.categories))[:12]
            raise ColumnError(f"column {name!r}: {list(categories)} are not among its "
                              f"categories {observed}" + _guess(categories, observed),
                              location=location, hint=hint)
    text = column.astype("string").str.strip().str.casefold()
    return text.isin(wanted).fillna(False).to_numpy(dtype=bool)


def valid_categories(labels: Mapping[Any, str], limit: int = 20) -> str:
    """``'piped' (1), 'river' (2), ...``: a column's labels and codes, the first ``limit``."""
    items = [f"{label!r} ({code!r})" for code, label in list(labels.items())[:limit]]
    more = f" and {len(labels) - limit} more" if len(labels) > limit else ""
    return ", ".join(items) + more


def _neither_message(unknown: Sequence[Any], labels: Mapping[Any, str], column: str) -> str:
    what = (f"category {unknown[0]!r} is" if len(unknown) == 1
            else f"categories {list(unknown)} are")
    return (f"{what} neither a value label nor a code of column {column!r}; valid labels "
            f"(codes): {valid_categories(labels)}"
            + _guess(unknown, [str(v) for v in labels.values()]))


def _guess(unknown: Sequence[Any], candidates: Sequence[str]) -> str:
    guess = did_you_mean(str(unknown[0]), candidates)
    return f" ({guess})" if guess else ""


def _same_code(category: Any, code: Any) -> bool:
    left, right = _number(category), _number(code)
    if left is not None and right is not None:
        return left == right
    return str(category).strip() == str(code).strip()


def _number(value: Any) -> float | None:
    if isinstance(value, bool | int | float | np.number):
        return float(value)
    try:
        return float(str(value).strip())
    except ValueError:
        return None


def _codes_labelled(category: Any, labels: Mapping[Any, str]) -> list[Any]:
    text = str(category)
    exact = [code for code, label in labels.items() if str(label) == text]
    if exact:
        return exact
    folded = text.strip().casefold()
    return [code for code, label in labels.items() if str(label).strip().casefold() == folded]
