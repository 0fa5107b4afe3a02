"""Custom aggregation expressions such as ``max(a, 0.7*b)``, parsed safely and vectorised.

The text is parsed with Python's :mod:`ast` and only a whitelist is accepted: names of the
node's children, numbers, ``+ - * / **``, unary minus, and the functions ``min``, ``max``,
``mean`` and ``abs``. Nothing is ever passed to ``eval``. The parsed tree is evaluated with
numpy on arrays of any shape, so one expression serves a single build (units,) and a batch of
uncertainty replications (replications, units) alike.

Missing values: ``min``, ``max`` and ``mean`` ignore a missing argument as long as one is
present (INFORM's human hazard ``max(current, 0.7 * projected)`` takes the available one);
arithmetic operators propagate missing values.

Bounds, so that a spec file cannot make the parser or the evaluation blow up: at most
``MAX_TEXT`` characters, ``MAX_TERMS`` syntax nodes and ``MAX_DEPTH`` levels of nesting;
number literals of at most ``MAX_LITERAL_DIGITS`` digits and magnitude ``MAX_LITERAL``; an
exponent (the right side of ``**``) must be a number expression with magnitude at most
``MAX_EXPONENT``. ``abs`` takes exactly one argument; ``min``, ``max`` and ``mean`` at least one.

Undefined results: :meth:`Expression.evaluate_checked` reports the positions where every
argument was a number but the result is not (a division by zero, ``0 ** -1``, a negative
number to a fractional power, an overflow), so that the build can raise an error or count
them as missing, as the node says.
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
# (minimum, maximum) number of arguments; None = no maximum
_ARITY: dict[str, tuple[int, int | None]] = {
    "abs": (1, 1), "min": (1, None), "max": (1, None), "mean": (1, None),
}
MAX_TEXT = 2000
MAX_TERMS = 500
MAX_DEPTH = 100
MAX_LITERAL_DIGITS = 20
MAX_LITERAL = 1e15
MAX_EXPONENT = 100.0
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
        """Evaluate with numpy; ``values`` maps each child code to an array (broadcastable).

        Undefined results (see :meth:`evaluate_checked`) are NaN."""
        result, _ = self.evaluate_checked(values)
        return result

    def evaluate_checked(
        self, values: Mapping[str, FloatArray | float]
    ) -> tuple[FloatArray, NDArray[np.bool_]]:
        """``(result, undefined)``: the value, and where it is undefined although the
        arguments it used were numbers (division by zero, overflow, ``(-1) ** 0.5``).
        Undefined positions are NaN in ``result``."""
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"), \
                warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN nanmean slices
            value, undefined = _evaluate(self.tree, values)
        result = np.asarray(value, dtype=float)
        flags = np.broadcast_to(np.asarray(undefined, dtype=bool), result.shape)
        return np.where(flags, np.nan, result), np.array(flags)


def parse_expression(text: str, allowed: Sequence[str], *, location: str) -> Expression:
    """Parse ``text`` and check it uses only whitelisted syntax and the ``allowed`` names.

    Raises :class:`SpecError` naming the offending piece of syntax.
    """
    shown = text if len(text) <= 80 else text[:77] + "..."
    if len(text) > MAX_TEXT:
        raise SpecError(
            f"expression {shown!r} has {len(text)} characters, more than {MAX_TEXT}",
            location=location,
            hint="split the formula over intermediate nodes",
        )
    try:
        tree = ast.parse(text, mode="eval").body
    except (SyntaxError, ValueError, RecursionError, MemoryError) as error:
        reason = error.msg if isinstance(error, SyntaxError) else "too large or too deeply nested"
        raise SpecError(
            f"expression {shown!r} is not valid: {reason}",
            location=location,
            hint="write e.g. max(a, 0.7*b) using child codes, numbers, + - * / ** and "
            "min/max/mean/abs",
        ) from None
    _check_size(tree, shown, location)
    names: list[str] = []
    for sub in ast.walk(tree):
        _check_node(sub, shown, allowed, names, location)
    return Expression(text=text, tree=tree, names=tuple(dict.fromkeys(names)))


def _check_size(tree: ast.expr, text: str, location: str) -> None:
    """Raise :class:`SpecError` for more than ``MAX_TERMS`` syntax nodes or nesting deeper
    than ``MAX_DEPTH`` (walked without recursion, so any input is safe)."""
    if sum(1 for _ in ast.walk(tree)) > MAX_TERMS:
        raise SpecError(
            f"expression {text!r} has more than {MAX_TERMS} terms",
            location=location,
            hint="split the formula over intermediate nodes",
        )
    stack: list[tuple[ast.AST, int]] = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise SpecError(
                f"expression {text!r} is nested more than {MAX_DEPTH} levels deep",
                location=location,
                hint="split the formula over intermediate nodes",
            )
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))


def _constant_value(node: ast.expr) -> float | None:
    """The value of a number-only expression (numbers, + - * / **, unary signs), else None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        return float(node.value)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        inner = _constant_value(node.operand)
        if inner is None:
            return None
        return -inner if isinstance(node.op, ast.USub) else inner
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        left, right = _constant_value(node.left), _constant_value(node.right)
        if left is None or right is None:
            return None
        if isinstance(node.op, ast.Pow) and abs(right) > MAX_EXPONENT:
            return None
        with np.errstate(all="ignore"):
            value = float(_BINARY[type(node.op)](np.array(left), np.array(right)))
        return value
    return None


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
    if isinstance(sub, ast.Constant) and (
        isinstance(sub.value, bool) or not isinstance(sub.value, int | float)
    ):
        raise SpecError(
            f"expression {text!r} contains the constant {sub.value!r}",
            location=location,
            hint="only numbers are allowed as constants",
        )
    if isinstance(sub, ast.Constant):
        _check_literal(sub, text, location)
    if isinstance(sub, ast.BinOp) and isinstance(sub.op, ast.Pow):
        exponent = _constant_value(sub.right)
        if exponent is None or not np.isfinite(exponent) or abs(exponent) > MAX_EXPONENT:
            raise SpecError(
                f"expression {text!r}: the exponent {ast.unparse(sub.right)!r} must be a "
                f"number between -{MAX_EXPONENT:g} and {MAX_EXPONENT:g}",
                location=location,
                hint="write powers with a fixed number, e.g. (a * b * c) ** (1/3)",
            )
    if isinstance(sub, ast.Call):
        if not isinstance(sub.func, ast.Name) or sub.func.id not in _FUNCTIONS:
            shown = ast.unparse(sub.func)
            raise SpecError(
                f"expression {text!r} calls {shown!r}, which is not allowed",
                location=location,
                hint=f"allowed functions: {', '.join(_FUNCTIONS)}",
            )
        if sub.keywords or any(isinstance(a, ast.Starred) for a in sub.args):
            raise SpecError(
                f"expression {text!r}: {sub.func.id}() takes positional arguments only",
                location=location,
            )
        low, high = _ARITY[sub.func.id]
        if len(sub.args) < low or (high is not None and len(sub.args) > high):
            expected = (
                f"exactly {low}" if low == high else f"at least {low}"
            ) + f" argument{'s' if (high or low) != 1 else ''}"
            raise SpecError(
                f"expression {text!r}: {sub.func.id}() takes {expected}, "
                f"got {len(sub.args)}",
                location=location,
                hint=f"e.g. {sub.func.id}(a)" if high == 1 else f"e.g. {sub.func.id}(a, b)",
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


def _check_literal(node: ast.Constant, text: str, location: str) -> None:
    value = node.value
    assert isinstance(value, int | float)  # checked by _check_node
    digits = len(str(value).replace(".", "").replace("-", "").split("e")[0])
    if isinstance(value, int) and digits > MAX_LITERAL_DIGITS:
        big = True
    else:
        big = not np.isfinite(float(value)) or abs(float(value)) > MAX_LITERAL
    if big:
        raise SpecError(
            f"expression {text!r} contains a number that is too large "
            f"(magnitude above {MAX_LITERAL:g})",
            location=location,
            hint="rescale the children instead of multiplying by a huge constant",
        )


Evaluated = tuple[FloatArray | float, NDArray[np.bool_] | bool]


def _evaluate(node: ast.expr, values: Mapping[str, FloatArray | float]) -> Evaluated:
    """(value, undefined) of a checked tree; ``undefined`` marks positions where the
    arguments were numbers and the result is not (see :meth:`Expression.evaluate_checked`)."""
    if isinstance(node, ast.Constant):
        assert isinstance(node.value, int | float)  # parse_expression allows numbers only
        return float(node.value), False
    if isinstance(node, ast.Name):
        return values[node.id], False
    if isinstance(node, ast.UnaryOp):
        operand, undefined = _evaluate(node.operand, values)
        return (-operand if isinstance(node.op, ast.USub) else operand), undefined
    if isinstance(node, ast.BinOp):
        left, bad_left = _evaluate(node.left, values)
        right, bad_right = _evaluate(node.right, values)
        a, b = np.asarray(left, dtype=float), np.asarray(right, dtype=float)
        out = _BINARY[type(node.op)](a, b)
        new = np.isfinite(a) & np.isfinite(b) & ~np.isfinite(out)
        return out, new | bad_left | bad_right
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        pairs = [_evaluate(a, values) for a in node.args]
        args = [np.asarray(v, dtype=float) for v, _ in pairs]
        flags: NDArray[np.bool_] | bool = False
        for _, bad in pairs:
            flags = flags | bad
        name = node.func.id
        if name == "abs":
            return np.abs(args[0]), flags
        stacked = np.stack(np.broadcast_arrays(*args), axis=0)
        if name == "min":
            out = np.nanmin(stacked, axis=0)
        elif name == "max":
            out = np.nanmax(stacked, axis=0)
        else:
            out = np.nanmean(stacked, axis=0)
        finite = np.isfinite(stacked) | np.isnan(stacked)
        new = finite.all(axis=0) & np.isfinite(stacked).any(axis=0) & ~np.isfinite(out)
        return out, new | flags
    raise AssertionError(f"unchecked syntax {ast.dump(node)}")  # parse_expression forbids it
