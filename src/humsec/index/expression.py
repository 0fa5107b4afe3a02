"""Custom aggregation expressions such as ``max(a, 0.7*b)``, parsed safely and vectorised.

The text is parsed with Python's :mod:`ast` and only a whitelist is accepted: names of the
node's children, numbers, ``+ - * / **``, unary minus, and the functions ``min``, ``max``,
``mean`` and ``abs``. Nothing is ever passed to ``eval``. The parsed tree is evaluated with
numpy on arrays of any shape, so one expression serves a single build (units,) and a batch of
uncertainty replications (replications, units) alike.

Missing values: ``min``, ``max`` and ``mean`` ignore a missing argument as long as one is
present (INFORM's human hazard ``max(current, 0.7 * projected)`` takes the available one);
arithmetic operators propagate missing values.
"""

from __future__ import annotations

import ast
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from humsec.errors import SpecError, did_you_mean

FloatArray = NDArray[np.float64]

_FUNCTIONS = ("min", "max", "mean", "abs")
_BINARY: dict[type[ast.operator], Callable[[FloatArray, FloatArray], FloatArray]] = {
    ast.Add: np.add,
    ast.Sub: np.subtract,
    ast.Mult: np.multiply,
    ast.Div: np.divide,
    ast.Pow: np.power,
}


@dataclass(frozen=True)
class Expression:
    """A validated expression over named children."""

    text: str
    tree: ast.expr
    names: tuple[str, ...]

    def evaluate(self, values: Mapping[str, FloatArray | float]) -> FloatArray:
        """Evaluate with numpy; ``values`` maps each child code to an array (broadcastable)."""
        with np.errstate(divide="ignore", invalid="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN nanmean slices
            return np.asarray(_evaluate(self.tree, values), dtype=float)


def parse_expression(text: str, allowed: Sequence[str], *, location: str) -> Expression:
    """Parse ``text`` and check it uses only whitelisted syntax and the ``allowed`` names.

    Raises :class:`SpecError` naming the offending piece of syntax.
    """
    try:
        tree = ast.parse(text, mode="eval").body
    except SyntaxError as error:
        raise SpecError(
            f"expression {text!r} is not valid: {error.msg}",
            location=location,
            hint="write e.g. max(a, 0.7*b) using child codes, numbers, + - * / ** and "
            "min/max/mean/abs",
        ) from None
    names: list[str] = []
    for sub in ast.walk(tree):
        _check_node(sub, text, allowed, names, location)
    return Expression(text=text, tree=tree, names=tuple(dict.fromkeys(names)))


def _check_node(
    sub: ast.AST, text: str, allowed: Sequence[str], names: list[str], location: str
) -> None:
    ok_types = (
        ast.Expression,
        ast.BinOp,
        ast.UnaryOp,
        ast.Call,
        ast.Name,
        ast.Constant,
        ast.Load,
        ast.USub,
        ast.UAdd,
        *_BINARY,
    )
    if not isinstance(sub, ok_types):
        raise SpecError(
            f"expression {text!r} uses {type(sub).__name__}, which is not allowed",
            location=location,
            hint="only child codes, numbers, + - * / **, min, max, mean and abs are allowed",
        )
    if isinstance(sub, ast.Constant) and not isinstance(sub.value, int | float):
        raise SpecError(
            f"expression {text!r} contains the constant {sub.value!r}",
            location=location,
            hint="only numbers are allowed as constants",
        )
    if isinstance(sub, ast.Call):
        if not isinstance(sub.func, ast.Name) or sub.func.id not in _FUNCTIONS:
            shown = ast.unparse(sub.func)
            raise SpecError(
                f"expression {text!r} calls {shown!r}, which is not allowed",
                location=location,
                hint=f"allowed functions: {', '.join(_FUNCTIONS)}",
            )
        if sub.keywords or not sub.args:
            raise SpecError(
                f"expression {text!r}: {sub.func.id}() needs positional arguments only",
                location=location,
            )
    if isinstance(sub, ast.Name):
        parent_is_call = False  # function names are checked above; skip them here
        if sub.id in _FUNCTIONS:
            parent_is_call = True
        if not parent_is_call and sub.id not in allowed:
            raise SpecError(
                f"expression {text!r} names {sub.id!r}, which is not a child of this node",
                location=location,
                hint=did_you_mean(sub.id, allowed) or f"children: {', '.join(allowed)}",
            )
        if not parent_is_call:
            names.append(sub.id)


def _evaluate(node: ast.expr, values: Mapping[str, FloatArray | float]) -> FloatArray | float:
    if isinstance(node, ast.Constant):
        assert isinstance(node.value, int | float)  # parse_expression allows numbers only
        return float(node.value)
    if isinstance(node, ast.Name):
        return values[node.id]
    if isinstance(node, ast.UnaryOp):
        operand = _evaluate(node.operand, values)
        return -operand if isinstance(node.op, ast.USub) else operand
    if isinstance(node, ast.BinOp):
        return _BINARY[type(node.op)](
            np.asarray(_evaluate(node.left, values)), np.asarray(_evaluate(node.right, values))
        )
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        args = [np.asarray(_evaluate(a, values), dtype=float) for a in node.args]
        name = node.func.id
        if name == "abs":
            return np.abs(args[0])
        stacked = np.stack(np.broadcast_arrays(*args), axis=0)
        if name == "min":
            return np.nanmin(stacked, axis=0) if stacked.size else stacked
        if name == "max":
            return np.nanmax(stacked, axis=0) if stacked.size else stacked
        return np.nanmean(stacked, axis=0)
    raise AssertionError(f"unchecked syntax {ast.dump(node)}")  # parse_expression forbids it
