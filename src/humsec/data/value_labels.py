"""Value labels of Stata and SPSS columns, and categories written as labels or as codes.

A Stata or SPSS file stores codes (``1``, ``2``) and a label for each (``1 = "piped"``,
``2 = "river"``). :func:`humsec.data.read_table` keeps the codes and puts the labels in
``frame.attrs["value_labels"]`` as ``{column: {code: label}}``. A user who writes a rule on
such a column, a deprivation cutoff ``cutoff: [river, pond]``, a subgroup ``sex: female`` or
a vulnerable-group definition, may name either the labels they see in Stata or the codes.
:func:`resolve_categories` turns what they wrote into the stored codes, in one place for every
engine, and refuses a category that is neither (it would otherwise match no row and silently
count nobody).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from humsec.errors import SpecError

__all__ = ["column_labels", "resolve_categories"]


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


def resolve_categories(
    categories: Iterable[Any],
    labels: Mapping[Any, str] | None,
    *,
    column: str,
    where: str,
) -> list[Any]:
    """The stored codes meant by ``categories``, each written as a code or as its label.

    With ``labels`` (``{code: label}`` of ``column``) each category is, in this order:

    1. a code: equal as a number (``"2"``, ``2`` and ``2.0`` are code 2) or as text;
    2. a label: every code with that label, compared exactly, then ignoring case and
       surrounding spaces (``"River"`` finds ``"river"``);

    a category that is a code and also the label of another code is ambiguous, and one that
    matches neither is an error; both are :class:`~humsec.errors.SpecError` at ``where`` (the
    spec node or option that wrote it), listing the column's codes and labels. Without
    ``labels`` (a CSV or Parquet column) the categories are returned as written. The order of
    the result follows the categories; codes are not repeated.
    """
    wanted = list(categories)
    if not labels:
        return wanted
    codes = list(labels)
    out: list[Any] = []
    for category in wanted:
        by_code = [code for code in codes if _same_code(category, code)]
        by_label = _codes_labelled(category, labels)
        clash = [code for code in by_label if code not in by_code]
        if by_code and clash:
            raise SpecError(
                f"category {category!r} of column {column!r} is both code {by_code[0]!r} and "
                f"the label of code {clash[0]!r}",
                location=where,
                hint=f"write the code, e.g. {clash[0]!r} or {by_code[0]!r}; valid: "
                + _valid(labels),
            )
        matched = by_code or by_label
        if not matched:
            raise SpecError(
                f"category {category!r} is neither a value label nor a code of column {column!r}",
                location=where,
                hint="valid labels (codes): " + _valid(labels),
            )
        out += [code for code in matched if code not in out]
    return out


def _same_code(category: Any, code: Any) -> bool:
    if isinstance(category, bool) or isinstance(code, bool):
        return category is code
    left, right = _number(category), _number(code)
    if left is not None and right is not None:
        return left == right
    return str(category).strip() == str(code).strip()


def _number(value: Any) -> float | None:
    if isinstance(value, int | float):
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


def _valid(labels: Mapping[Any, str], limit: int = 20) -> str:
    items = [f"{label!r} ({code!r})" for code, label in list(labels.items())[:limit]]
    more = f" and {len(labels) - limit} more" if len(labels) > limit else ""
    return ", ".join(items) + more
