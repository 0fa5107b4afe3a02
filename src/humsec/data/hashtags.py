"""HXL (Humanitarian Exchange Language) hashtags: parse, match, detect and look columns up.

An HXL table is an ordinary table with one extra row of hashtags such as
``#country+code`` or ``#affected+f+children`` under (or instead of) the header row. Hashtags
follow the HXL 1.1 standard (https://hxlstandard.org/standard/1-1final/); patterns follow the
tag-pattern syntax of the HXL tools (libhxl, the HXL Proxy):

- hashtags and attributes are case-insensitive, and attribute order does not matter;
- a pattern matches a column when the hashtags are equal and every ``+attribute`` of the
  pattern is present on the column (so ``#affected`` matches ``#affected+f+children``);
- ``-attribute`` in a pattern excludes columns that carry it (``#affected-children``);
- a trailing ``!`` requires the attribute sets to be equal (``#affected+f!``).

No file I/O here: :mod:`humsec.data.hxl` reads and writes HXL files with these.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from humsec.errors import ColumnError, DataError, did_you_mean

if TYPE_CHECKING:
    import pandas as pd

_NAME = r"[A-Za-z][A-Za-z0-9_]*"
_TAG_RE = re.compile(rf"^\s*#({_NAME})((?:\s*\+\s*{_NAME})*)\s*$")
_PATTERN_RE = re.compile(rf"^\s*#({_NAME})((?:\s*[+-]\s*{_NAME})*)\s*(!?)\s*$")
_ATTR_RE = re.compile(rf"([+-])\s*({_NAME})")

#: Share of the non-empty cells in a row that must be hashtags for it to be the hashtag row.
HASHTAG_ROW_SHARE = 0.5
#: How many leading rows are searched for the hashtag row.
HASHTAG_ROW_SEARCH = 25


@dataclass(frozen=True)
class HxlTag:
    """A column hashtag: ``#tag+attr1+attr2`` (stored lower-case, attributes as a set)."""

    tag: str
    attributes: frozenset[str] = frozenset()

    @classmethod
    def parse(cls, text: str) -> HxlTag:
        """Parse ``"#Affected +F+children"`` into ``HxlTag("affected", {"f", "children"})``."""
        match = _TAG_RE.match(str(text))
        if match is None:
            raise DataError(
                f"{text!r} is not an HXL hashtag",
                hint="write '#tag' optionally followed by '+attribute' parts, e.g. "
                "'#affected+f+children'",
            )
        attrs = frozenset(a.lower() for _, a in _ATTR_RE.findall(match.group(2)))
        return cls(match.group(1).lower(), attrs)

    def __str__(self) -> str:
        return "#" + self.tag + "".join(f"+{a}" for a in sorted(self.attributes))


@dataclass(frozen=True)
class HxlPattern:
    """A tag pattern: ``#tag+required-excluded`` with an optional ``!`` for an exact match."""

    tag: str
    include: frozenset[str] = frozenset()
    exclude: frozenset[str] = frozenset()
    exact: bool = False

    @classmethod
    def parse(cls, text: str) -> HxlPattern:
        """Parse a pattern such as ``"#affected+f-children"`` or ``"#org+impl!"``."""
        match = _PATTERN_RE.match(str(text))
        if match is None:
            raise DataError(
                f"{text!r} is not an HXL tag pattern",
                hint="write '#tag', then '+attr' to require and '-attr' to exclude an "
                "attribute, and an optional final '!' for an exact match",
            )
        parts = _ATTR_RE.findall(match.group(2))
        include = frozenset(a.lower() for sign, a in parts if sign == "+")
        exclude = frozenset(a.lower() for sign, a in parts if sign == "-")
        return cls(match.group(1).lower(), include, exclude, bool(match.group(3)))

    def matches(self, tag: HxlTag | str) -> bool:
        """True when ``tag`` satisfies this pattern under the HXL matching rules."""
        column = tag if isinstance(tag, HxlTag) else HxlTag.parse(tag)
        if column.tag != self.tag:
            return False
        if self.exact:
            return column.attributes == self.include
        return self.include <= column.attributes and not (self.exclude & column.attributes)

    def __str__(self) -> str:
        text = "#" + self.tag + "".join(f"+{a}" for a in sorted(self.include))
        text += "".join(f"-{a}" for a in sorted(self.exclude))
        return text + ("!" if self.exact else "")


def is_hashtag(cell: Any) -> bool:
    """True when a cell holds one valid HXL hashtag with optional attributes."""
    return isinstance(cell, str) and _TAG_RE.match(cell) is not None


def find_hashtag_row(rows: Sequence[Sequence[Any]]) -> int | None:
    """Index of the first row in which more than half of the non-empty cells are hashtags.

    Only the first :data:`HASHTAG_ROW_SEARCH` rows are searched (tools put the hashtags near
    the top); rows above the hashtag row are header text, rows below it are data.
    """
    for index, row in enumerate(rows[:HASHTAG_ROW_SEARCH]):
        cells = [c for c in row if c is not None and str(c).strip() != "" and not _is_nan(c)]
        if not cells:
            continue
        tags = sum(1 for c in cells if is_hashtag(str(c)))
        if tags / len(cells) > HASHTAG_ROW_SHARE:
            return index
    return None


def _is_nan(value: Any) -> bool:
    return isinstance(value, float) and value != value


def hxl_tags(frame: pd.DataFrame) -> dict[str, str]:
    """The ``{column: "#tag+attrs"}`` map stored by the readers in ``frame.attrs["hxl"]``."""
    tags = frame.attrs.get("hxl")
    if not tags:
        raise ColumnError(
            "this table carries no HXL hashtags",
            location=frame.attrs.get("source"),
            hint="read an HXL-tagged file with read_hxl() or read_table(), or pass tags explicitly",
        )
    return dict(tags)


def find_columns(frame: pd.DataFrame, pattern: str) -> list[str]:
    """Columns whose hashtag matches ``pattern``, in table order (possibly empty)."""
    compiled = HxlPattern.parse(pattern)
    tags = hxl_tags(frame)
    return [c for c in frame.columns if c in tags and compiled.matches(tags[c])]


def find_column(frame: pd.DataFrame, pattern: str) -> str:
    """The single column matching ``pattern``; none or several raise ColumnError."""
    found = find_columns(frame, pattern)
    if len(found) == 1:
        return found[0]
    tags = hxl_tags(frame)
    if not found:
        raise ColumnError(
            f"no column is tagged {pattern}",
            location=frame.attrs.get("source"),
            hint=f"tags present: {', '.join(sorted(set(tags.values())))}",
        )
    raise ColumnError(
        f"{len(found)} columns match {pattern}: " + ", ".join(f"{c!r} ({tags[c]})" for c in found),
        location=frame.attrs.get("source"),
        hint="add attributes to the pattern to pick one (e.g. '+f', '-children') or end it "
        "with '!' for an exact match",
    )


def select_tags(frame: pd.DataFrame, columns: Mapping[str, str]) -> pd.DataFrame:
    """Pick columns by hashtag pattern and give them your own names.

    ``select_tags(frame, {"iso3": "#country+code", "org": "#org", "reached": "#reached+f"})``
    returns a frame with exactly those three columns, whatever the file called them. Each
    pattern must match one column (see :func:`find_column`); all problems are reported at once.
    """
    chosen: dict[str, str] = {}
    problems: list[str] = []
    for name, pattern in columns.items():
        try:
            chosen[name] = find_column(frame, pattern)
        except ColumnError as error:
            problems.append(f"{name}: {error.message}")
    if problems:
        raise ColumnError(
            "cannot select columns by hashtag: " + "; ".join(problems),
            location=frame.attrs.get("source"),
            hint="make each pattern match one column: add attributes ('+f', '-children') or "
            "end it with '!' for an exact match",
        )
    tags = hxl_tags(frame)
    selected = frame.loc[:, list(chosen.values())].set_axis(list(chosen), axis=1)
    selected.attrs = {
        **{k: v for k, v in frame.attrs.items() if k != "hxl"},
        "hxl": {name: tags[column] for name, column in chosen.items()},
    }
    return selected


def require_tags(frame: pd.DataFrame, required: Iterable[str]) -> dict[str, list[str]]:
    """Check that every required pattern matches at least one column.

    Returns ``{pattern: [columns]}``. Missing patterns raise one ColumnError listing all of
    them and the tags that were found.
    """
    tags = frame.attrs.get("hxl") or {}
    patterns = [(p, HxlPattern.parse(p)) for p in required]
    found: dict[str, list[str]] = {}
    missing: list[str] = []
    for text, pattern in patterns:
        columns = [c for c in frame.columns if c in tags and pattern.matches(tags[c])]
        if columns:
            found[text] = columns
        else:
            missing.append(text)
    if missing:
        present = sorted(set(tags.values()))
        suggestions = [s for s in (did_you_mean(m, present) for m in missing) if s]
        raise ColumnError(
            f"missing HXL tag(s): {', '.join(missing)}; found: "
            + (", ".join(present) if present else "no hashtags at all"),
            location=frame.attrs.get("source"),
            hint=(" ".join(suggestions) + " " if suggestions else "")
            + "add the hashtags to the hashtag row under the header (e.g. '#country+code')",
        )
    return found


__all__ = [
    "HASHTAG_ROW_SEARCH",
    "HASHTAG_ROW_SHARE",
    "HxlPattern",
    "HxlTag",
    "find_column",
    "find_columns",
    "find_hashtag_row",
    "hxl_tags",
    "is_hashtag",
    "require_tags",
    "select_tags",
]
