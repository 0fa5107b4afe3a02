"""The one spec layer: read every YAML (or JSON) specification and translate every pydantic
error into the humsec error hierarchy.

Specifications are data: small mappings a user copies and edits (index specs, deprivation
specs, shock scenarios, measures, programmes, frameworks, registries). Everything that turns
text into a validated spec object goes through this module:

* :func:`read_spec_mapping` reads a file: a missing path, a folder, a file over
  :data:`MAX_SPEC_BYTES`, non-UTF-8 bytes (with line and byte offset), broken YAML/JSON, and
  anything but a mapping are errors naming the file;
* :func:`load_yaml` parses text with PyYAML's safe loader, refusing nesting deeper than
  :data:`MAX_DEPTH` and alias expansion beyond :data:`MAX_NODES` (a "billion laughs" bomb)
  before anything is built;
* :func:`validate_spec` validates a mapping against a pydantic model and
  :func:`spec_problems` turns a :class:`pydantic.ValidationError` into one line per problem,
  all problems at once, naming the spec node (list items by their ``code``/``id``/``name``),
  listing the allowed keys of an unknown key and the allowed values of a wrong choice, with
  "did you mean", and writing fields under the names the user typed (``--lonely-psu``);
* :class:`SpecModel` is the base class of spec models that users build in Python: its
  constructor reports invalid arguments through the same translator.
"""

from __future__ import annotations

import json
import types
import typing
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar, TypeVar

from pydantic import BaseModel, ValidationError

from humsec.errors import HumsecError, SpecError, did_you_mean

__all__ = [
    "MAX_DEPTH",
    "MAX_NODES",
    "MAX_SPEC_BYTES",
    "SpecModel",
    "check_seed",
    "check_spec",
    "decode_spec_bytes",
    "format_problems",
    "load_spec_file",
    "load_yaml",
    "read_spec_mapping",
    "spec_problems",
    "validate_spec",
]

M = TypeVar("M", bound=BaseModel)
#: Deepest nesting of mappings and lists a spec may have (real specs stay below 10).
MAX_DEPTH = 100
#: Most YAML nodes a spec may expand to once aliases are followed.
MAX_NODES = 500_000
#: Largest spec file read (the bundled framework is about 100 kB).
MAX_SPEC_BYTES = 20_000_000
#: Problems listed in one message (the count says how many more).
SHOWN_PROBLEMS = 12


# --- reading --------------------------------------------------------------------------------
def read_spec_mapping(
    path: str | Path,
    *,
    kind: str,
    hint: str,
    error: type[HumsecError] = SpecError,
    allow_empty: bool = False,
) -> dict[str, Any]:
    """Return the YAML (or, for ``.json``, JSON) mapping in ``path``.

    ``kind`` names the specification in messages (e.g. ``"index spec"``); ``hint`` says where
    to start when the file is missing (a preset, a bundled example); ``error`` is the class
    raised (:class:`~humsec.errors.FrameworkError` for framework files). An empty file gives
    ``{}`` when ``allow_empty``, else an error.
    """
    where = str(path)
    data = load_spec_file(path, kind=kind, hint=hint, error=error)
    if data is None:
        if allow_empty:
            return {}
        raise error(f"the {kind} file is empty", location=where, hint=hint)
    if not isinstance(data, dict):
        raise error(
            f"a {kind} must be a YAML mapping (key: value pairs), not {_kind_of(data)}",
            location=where,
            hint=hint,
        )
    return data


def load_spec_file(
    path: str | Path, *, kind: str, hint: str = "check the path",
    error: type[HumsecError] = SpecError,
) -> Any:
    """Parse the YAML (or, for ``.json``, JSON) file ``path`` with every check of
    :func:`read_spec_mapping` except the one that the result is a mapping."""
    target = Path(path)
    where = str(target)
    if target.is_dir():
        raise error(f"this is a folder, not a {kind} file", location=where,
                    hint="name the YAML file inside it")  # fmt: skip
    if not target.is_file():
        raise error(f"{kind} file not found", location=where, hint=hint)
    size = target.stat().st_size
    if size > MAX_SPEC_BYTES:
        raise error(
            f"the file is {size / 1e6:.0f} MB; a {kind} is a small text file "
            f"(at most {MAX_SPEC_BYTES / 1e6:.0f} MB)",
            location=where,
            hint="check that this is the spec and not a data table",
        )
    try:
        raw = target.read_bytes()
    except OSError as failure:
        raise error(f"cannot read the file: {failure.strerror or failure}", location=where,
                    hint="check the file's permissions") from None  # fmt: skip
    text = decode_spec_bytes(raw, source=where, error=error)
    if target.suffix.lower() == ".json":
        return _load_json(text, source=where, error=error)
    return load_yaml(text, source=where, error=error)


def decode_spec_bytes(raw: bytes, *, source: str, error: type[HumsecError] = SpecError) -> str:
    """UTF-8 text (a BOM is allowed); other bytes are an error naming line and byte offset."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as failure:
        line = raw[: failure.start].count(b"\n") + 1
        raise error(
            f"byte {failure.start} (line {line}) is not UTF-8 text",
            location=f"{source}:{line}",
            hint="save the file as UTF-8 (a spec is plain text; most editors offer it)",
        ) from None
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise error("the file holds NUL characters: it is not a text file",
                    location=f"{source}:{line}", hint="name the YAML spec file")  # fmt: skip
    return text


def load_yaml(text: str, *, source: str, error: type[HumsecError] = SpecError) -> Any:
    """Parse YAML with the safe loader, bounded in depth and in alias expansion."""
    import yaml

    loader = _BoundedLoader(text)
    loader.source, loader.error = source, error
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_expansion(node, source, error)
        return loader.construct_document(node)
    except yaml.YAMLError as failure:
        mark = getattr(failure, "problem_mark", None)
        where = f"{source}:{mark.line + 1}:{mark.column + 1}" if mark is not None else source
        problem = getattr(failure, "problem", None) or str(failure)
        raise error(f"not valid YAML: {problem}", location=where,
                    hint="check indentation and quoting at the line shown") from None  # fmt: skip
    except RecursionError:
        raise _too_deep(source, error) from None
    finally:
        loader.dispose()


def _load_json(text: str, *, source: str, error: type[HumsecError]) -> Any:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as failure:
        raise error(f"not valid JSON: {failure.msg}", location=f"{source}:{failure.lineno}",
                    hint="fix the syntax at that line (quotes, commas, brackets)") from None
    except RecursionError:
        raise _too_deep(source, error) from None
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise _too_deep(source, error)
        children = value.values() if isinstance(value, dict) else value
        if isinstance(value, dict | list):
            stack.extend((child, depth + 1) for child in children)
    return data


def _too_deep(source: str, error: type[HumsecError]) -> HumsecError:
    return error(
        f"the file nests mappings or lists more than {MAX_DEPTH} levels deep",
        location=source,
        hint="a spec is a few levels deep; check for runaway brackets or indentation",
    )


def _make_loader() -> type:
    import yaml

    class BoundedLoader(yaml.SafeLoader):
        """PyYAML's safe loader that counts nesting while it composes nodes."""

        source = ""
        error: type[HumsecError] = SpecError
        depth = 0

        def compose_node(self, parent: Any, index: Any) -> Any:
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise _too_deep(self.source, self.error)
            try:
                return super().compose_node(parent, index)
            finally:
                self.depth -= 1

    return BoundedLoader


class _LazyLoader:
    """Build the loader class on first use: importing yaml costs start-up time."""

    cls: type | None = None

    def __call__(self, text: str) -> Any:
        if self.cls is None:
            self.cls = _make_loader()
        return self.cls(text)


_BoundedLoader = _LazyLoader()


def _check_expansion(root: Any, source: str, error: type[HumsecError]) -> None:
    """Count the nodes the document expands to, following aliases (each counted in full)."""
    import yaml

    sizes: dict[int, int] = {}
    order: list[Any] = []
    stack = [root]
    seen: set[int] = set()
    while stack:  # post-order without recursion; aliases share node objects
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        order.append(node)
        stack.extend(_children(node, yaml))
    for node in reversed(order):
        size = 1 + sum(sizes.get(id(child), 1) for child in _children(node, yaml))
        sizes[id(node)] = size
        if size > MAX_NODES:
            raise error(
                f"the file expands to more than {MAX_NODES:,} values once its aliases (*name) "
                "are followed",
                location=source,
                hint="write the values out, or use fewer nested aliases (this looks like an "
                "alias bomb)",
            )


def _children(node: Any, yaml: Any) -> list[Any]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def _kind_of(value: Any) -> str:
    return {list: "a list", str: "a single text value", int: "a number", float: "a number",
            bool: "true/false"}.get(type(value), type(value).__name__)  # fmt: skip


# --- validating -----------------------------------------------------------------------------
NodeNamer = Callable[[tuple[int | str, ...]], str]


def validate_spec(
    model: type[M],
    data: Any,
    *,
    kind: str,
    location: str | None = None,
    hint: str | None = None,
    error: type[HumsecError] = SpecError,
    option_names: Mapping[str, str] | None = None,
    context: dict[str, Any] | None = None,
    node_name: NodeNamer | None = None,
    more_problems: Callable[[], list[tuple[str, str]]] | None = None,
) -> M:
    """Validate ``data`` (a mapping) as ``model``; every problem is reported at once as
    ``error`` (a :class:`~humsec.errors.SpecError` by default).

    ``node_name`` names nodes instead of :func:`spec_problems`' default; ``more_problems``
    adds checks that pydantic could not reach (reported for nodes not already listed).
    """
    if isinstance(data, model):
        return data
    if not isinstance(data, Mapping):
        raise error(f"a {kind} must be a mapping of fields, not {_kind_of(data)}",
                    location=location, hint=hint)  # fmt: skip
    try:
        return model.model_validate(dict(data), context=context)
    except ValidationError as failure:
        problems = spec_problems(failure, model, data, option_names=option_names,
                                 node_name=node_name)  # fmt: skip
        if more_problems is not None:
            reported = {node for node, _ in problems}
            problems += [p for p in more_problems() if p[0] not in reported]
        raise error(format_problems(problems, kind), location=location, hint=hint) from None


def spec_problems(
    failure: ValidationError,
    model: type[BaseModel],
    data: Any = None,
    *,
    option_names: Mapping[str, str] | None = None,
    node_name: NodeNamer | None = None,
) -> list[tuple[str, str]]:
    """``(spec node, message)`` for every error in ``failure``.

    Nodes read ``indicators['gdp'].weight``: list items are named by their ``code``, ``id`` or
    ``name`` when ``data`` holds them. ``option_names`` maps top-level fields to what the user
    typed (``{"lonely_psu": "--lonely-psu"}``); ``node_name`` replaces the node naming.
    """
    problems: list[tuple[str, str]] = []
    items = failure.errors()
    # A list whose items failed may also report itself as too short: keep the item errors.
    deeper = {tuple(e["loc"][:n]) for e in items for n in range(1, len(e["loc"]))}
    for item in items:
        loc = tuple(item.get("loc", ()))
        if item.get("type") == "too_short" and loc in deeper:
            continue
        if node_name is not None:
            node = node_name(loc)
        elif option_names and loc and str(loc[0]) in option_names:
            node = option_names[str(loc[0])] + _path(data.get(loc[0]) if isinstance(
                data, Mapping) else None, loc[1:])  # fmt: skip
        else:
            node = _path(data, loc)
        problems.append((node or "(top level)", _message(item, model, loc, option_names)))
    return problems


def check_spec(
    model: type[M], data: Mapping[str, Any], *, context: dict[str, Any] | None = None
) -> tuple[M | None, list[tuple[str, str]]]:
    """Validate without raising: ``(spec, [])`` or ``(None, problems)``, for callers that
    collect problems from several files before reporting them together."""
    try:
        return model.model_validate(dict(data), context=context), []
    except ValidationError as failure:
        return None, spec_problems(failure, model, data)


def format_problems(problems: Sequence[tuple[str, str]], kind: str) -> str:
    """``N problem(s) in the <kind>:`` and one indented line per problem (at most 12)."""
    count = "1 problem" if len(problems) == 1 else f"{len(problems)} problem(s)"
    lines = [f"{count} in the {kind}:"]
    lines += [f"  {node}: {message}" for node, message in problems[:SHOWN_PROBLEMS]]
    if len(problems) > SHOWN_PROBLEMS:
        lines.append(f"  ... and {len(problems) - SHOWN_PROBLEMS} more")
    return "\n".join(lines)


def _path(data: Any, loc: Sequence[int | str]) -> str:
    parts: list[str] = []
    current = data
    for key in loc:
        if isinstance(key, int):
            item = current[key] if isinstance(current, list) and key < len(current) else None
            label = next((item[k] for k in ("code", "id", "name")
                          if isinstance(item, Mapping) and isinstance(item.get(k), str)), None)
            parts.append(f"[{label!r}]" if label else f"[{key}]")
            current = item
        else:
            parts.append(f".{key}")
            current = current.get(key) if isinstance(current, Mapping) else None
    return "".join(parts).lstrip(".")


def _message(item: Any, model: type[BaseModel], loc: tuple[Any, ...],
             option_names: Mapping[str, str] | None) -> str:
    kind = item.get("type", "")
    value = item.get("input")
    if kind == "extra_forbidden":
        name = str(loc[-1]) if loc else ""
        allowed = _allowed_keys(model, loc[:-1])
        shown = [option_names.get(a, a) for a in allowed] if option_names and len(loc) == 1 \
            else allowed
        tip = did_you_mean(name, allowed)
        return f"unknown key {name!r}" + (f" ({tip})" if tip else "") + (
            f"; allowed keys: {', '.join(shown)}" if shown else "")
    if kind in ("literal_error", "enum"):
        expected = str(item.get("ctx", {}).get("expected", ""))
        options = [o.strip(" '\"") for o in expected.replace(" or ", ",").split(",")]
        options = [o for o in options if o]
        tip = did_you_mean(str(value), options) if isinstance(value, str) else ""
        return f"{value!r} is not one of {', '.join(map(repr, options))}" + (
            f"; {tip}" if tip else "")
    if kind == "missing":
        return "required field is missing"
    message = str(item.get("msg", "invalid value"))
    for prefix in ("Value error, ", "Assertion failed, "):
        message = message.removeprefix(prefix)
    if kind not in ("value_error", "assertion_error") and not isinstance(value, dict | list):
        message = f"{message} (got {value!r})" if value is not None else message
    return message


def _allowed_keys(model: type[BaseModel], loc: Sequence[int | str]) -> list[str]:
    """Field names of the model found by walking ``loc`` from ``model``."""
    current: Any = model
    for key in loc:
        if isinstance(key, int) or not _is_model(current):
            current = _inner_model(current) if not _is_model(current) else current
            if isinstance(key, int):
                continue
        if not _is_model(current):
            return []
        field = current.model_fields.get(str(key))
        if field is None:
            return []
        current = _inner_model(field.annotation)
    if not _is_model(current):
        current = _inner_model(current)
    if not _is_model(current):
        return []
    return [f.alias or name for name, f in current.model_fields.items()]


def _is_model(value: Any) -> bool:
    return isinstance(value, type) and issubclass(value, BaseModel)


def _inner_model(annotation: Any) -> Any:
    """The pydantic model inside ``list[X]``, ``X | None``, ``dict[str, X]``, ``Annotated``."""
    if _is_model(annotation):
        return annotation
    origin = typing.get_origin(annotation)
    if origin is None and not isinstance(annotation, types.UnionType):
        return None
    for arg in typing.get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


class SpecModel(BaseModel):
    """Base of spec models users build in Python: an invalid argument raises the humsec error
    (every problem listed), never a raw pydantic error.

    Subclasses set ``spec_kind`` (``"deprivation spec"``) and may set ``spec_hint`` and
    ``option_names`` (field -> what a CLI user types).
    """

    spec_kind: ClassVar[str] = "spec"
    spec_hint: ClassVar[str | None] = None
    option_names: ClassVar[dict[str, str]] = {}

    def __init__(self, **data: Any) -> None:
        try:
            super().__init__(**data)
        except ValidationError as failure:
            problems = spec_problems(failure, type(self), data)
            raise SpecError(format_problems(problems, self.spec_kind),
                            hint=self.spec_hint) from None  # fmt: skip


#: Seeds are whole numbers in [0, 2**63): what every backend and numpy's SeedSequence accept
#: alike, and what a 64-bit integer column in a store can hold.
MAX_SEED = 2**63 - 1


def check_seed(seed: object, *, location: str = "seed") -> int:
    """Return ``seed`` as an ``int`` if it is a whole number in ``[0, 2**63)``.

    ``True``/``False``, fractions (``1.5``), text, negative numbers and numbers beyond
    ``2**63 - 1`` raise :class:`~humsec.errors.SpecError` (numpy would raise a bare
    ``ValueError``/``TypeError``, or silently accept a float's truncation).
    """
    import numbers

    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        if isinstance(seed, float) and seed.is_integer():
            seed = int(seed)
        else:
            raise SpecError(f"the seed must be a whole number, got {seed!r}", location=location,
                            hint="use e.g. seed=1; the same seed gives the same numbers")
    value = int(seed)
    if not 0 <= value <= MAX_SEED:
        raise SpecError(f"the seed must be between 0 and 2**63 - 1, got {value}",
                        location=location, hint="use e.g. seed=1")  # fmt: skip
    return value
