"""Read the framework from its versioned data file, or from a user's file that extends it.

A user file is either a complete framework, or starts with ``extends: default`` and then

- adds entries with new ids to any section;
- overrides entries that share an id with the default, field by field (only the fields
  written in the user file change);
- overrides interlinkages that share ``(source, target)``;
- may drop entries with ``remove: {threats: [terrorism], interlinkages: ["a -> b"]}``.

The merged result is validated like a complete file, and every problem names the node in the
file where it was written (``threats[2].pillar`` for the user's file, ``default
interlinkages[0].target`` for an entry inherited from the bundled file).
"""

from __future__ import annotations

import os
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from humsec.errors import FrameworkError, did_you_mean
from humsec.framework.model import ID_SECTIONS, SECTIONS, Framework
from humsec.specs import load_yaml, read_spec_mapping

DEFAULT_FILE = "human_security.yaml"
_TOP_KEYS = ("version", "schema_version", "name", "extends", "remove", *SECTIONS)


def default_framework_text() -> str:
    """The text of the bundled framework file (YAML)."""
    return resources.files("humsec.framework").joinpath(DEFAULT_FILE).read_text("utf-8")


@lru_cache(maxsize=1)
def default_framework() -> Framework:
    """The bundled human-security framework (parsed once, then cached; models are frozen)."""
    data = load_yaml(default_framework_text(), source=f"humsec/framework/{DEFAULT_FILE}")
    return Framework.from_dict(data, location=f"humsec/framework/{DEFAULT_FILE}")


def read_framework_file(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Parse a framework file (``.yaml``, ``.yml`` or ``.json``) into a plain dict."""
    return read_spec_mapping(
        Path(path),
        kind="framework",
        hint="check the path, or write `extends: default` to start from the bundled "
        "framework; `humsec framework export --format yaml --out FILE` writes a full one",
        error=FrameworkError,
    )


def load_framework(path: str | os.PathLike[str] | None = None) -> Framework:
    """Load a framework file; ``None`` gives the bundled default.

    The file may be complete or say ``extends: default`` (see the module docstring).
    Problems raise :class:`~humsec.errors.FrameworkError` naming each node.
    """
    if path is None:
        return default_framework()
    data = read_framework_file(path)
    return framework_from_dict(data, source=str(path))


def framework_from_dict(data: dict[str, Any], *, source: str = "<dict>") -> Framework:
    """Build a framework from a plain dict that is complete or says ``extends: default``."""
    for key in data:
        if key not in _TOP_KEYS:
            hint = did_you_mean(str(key), _TOP_KEYS) or f"allowed keys: {', '.join(_TOP_KEYS)}"
            raise FrameworkError(f"unknown top-level key {key!r}", location=source, hint=hint)
    extends = data.get("extends")
    if extends is None:
        if "remove" in data:
            raise FrameworkError(
                "'remove' only makes sense together with 'extends: default'",
                location=f"{source} remove",
                hint="add `extends: default` or delete the remove: section",
            )
        _check_lists(data, source)
        origins = {s: [f"{s}[{i}]" for i in range(len(data.get(s) or []))] for s in SECTIONS}
        return Framework.from_dict(data, location=source, origins=origins)
    if extends != "default":
        raise FrameworkError(
            f"cannot extend {extends!r}",
            location=f"{source} extends",
            hint="only `extends: default` (the bundled framework) is supported",
        )
    merged, origins = _merge(default_framework().to_dict(), data, source)
    return Framework.from_dict(merged, location=source, origins=origins)


def _check_lists(data: dict[str, Any], source: str) -> None:
    for section in SECTIONS:
        value = data.get(section)
        if value is not None and not isinstance(value, list):
            raise FrameworkError(
                f"section {section!r} must be a list of entries, got {type(value).__name__}",
                location=f"{source} {section}",
                hint="write each entry as a list item starting with '- '",
            )


def _entry_key(section: str, entry: Any) -> Any:
    """The id (or source/target pair) an entry is merged by; ``None`` when it has none
    usable, in which case the entry is simply appended and validation reports it."""
    if not isinstance(entry, dict):
        return None
    if section == "interlinkages":
        source, target = entry.get("source"), entry.get("target")
        return (source, target) if isinstance(source, str) and isinstance(target, str) else None
    key = entry.get("id")
    return key if isinstance(key, str) else None


def _merge(
    base: dict[str, Any], extension: dict[str, Any], source: str
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Merge ``extension`` into ``base`` by id, remembering where every merged entry came from."""
    _check_lists(extension, source)
    merged: dict[str, Any] = {
        "version": str(extension.get("version", f"{base['version']}+{Path(source).stem}")),
        "schema_version": extension.get("schema_version", base["schema_version"]),
        "name": extension.get("name", base["name"]),
    }
    removals = _removals(extension.get("remove"), source)
    origins: dict[str, list[str]] = {}
    for section in SECTIONS:
        entries: list[Any] = []
        where: list[str] = []
        index_of: dict[Any, int] = {}
        for i, entry in enumerate(base.get(section, [])):
            key = _entry_key(section, entry)
            if key in removals.get(section, set()):
                continue
            index_of[key] = len(entries)
            entries.append(dict(entry))
            where.append(f"default {section}[{i}]")
        user_seen: dict[Any, int] = {}
        for i, entry in enumerate(extension.get(section) or []):
            node = f"{section}[{i}]"
            key = _entry_key(section, entry)
            if key is not None and key in user_seen:
                raise FrameworkError(
                    f"duplicate entry {_key_text(key)} in {section} "
                    f"(first at {section}[{user_seen[key]}])",
                    location=f"{source} {node}",
                    hint="give each entry its own id, or merge the two entries",
                )
            user_seen[key] = i
            if key is not None and key in index_of and isinstance(entry, dict):
                position = index_of[key]
                entries[position] = {**entries[position], **entry}
                where[position] = node
            else:
                index_of[key] = len(entries)
                entries.append(entry)
                where.append(node)
        merged[section] = entries
        origins[section] = where
    return merged, origins


def _removals(value: Any, source: str) -> dict[str, set[Any]]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise FrameworkError(
            "remove: must map section names to lists of ids",
            location=f"{source} remove",
            hint="e.g. remove: {threats: [terrorism], interlinkages: ['poverty -> crime']}",
        )
    base = default_framework()
    out: dict[str, set[Any]] = {}
    for section, ids in value.items():
        if section not in SECTIONS:
            raise FrameworkError(
                f"unknown section {section!r} under remove",
                location=f"{source} remove",
                hint=did_you_mean(str(section), SECTIONS) or f"sections: {', '.join(SECTIONS)}",
            )
        if ids is not None and not isinstance(ids, list):
            raise FrameworkError(
                f"remove.{section} must be a list, got {type(ids).__name__}",
                location=f"{source} remove.{section}",
                hint=f"e.g. remove: {{{section}: [an_id]}}",
            )
        keys: set[Any] = set()
        for j, item in enumerate(ids or []):
            node = f"{source} remove.{section}[{j}]"
            if section == "interlinkages":
                parts = [p.strip() for p in str(item).split("->")]
                if len(parts) != 2:
                    raise FrameworkError(
                        f"cannot read link {item!r}", location=node, hint="write 'source -> target'"
                    )
                key: Any = (parts[0], parts[1])
                known = [f"{a} -> {b}" for a, b in (lk.key for lk in base.interlinkages)]
                present = key in {lk.key for lk in base.interlinkages}
            else:
                key = str(item)
                known = [e.id for e in getattr(base, section)]
                present = key in known
            if not present:
                raise FrameworkError(
                    f"cannot remove {_key_text(key)}: the default framework has no such entry "
                    f"in {section}",
                    location=node,
                    hint=did_you_mean(_key_text(key).strip("'"), known)
                    or f"known: {', '.join(known)}",
                )
            keys.add(key)
        out[section] = keys
    return out


def _key_text(key: Any) -> str:
    if isinstance(key, tuple):
        return f"'{key[0]} -> {key[1]}'"
    return repr(key)


__all__ = [
    "ID_SECTIONS",
    "default_framework",
    "default_framework_text",
    "framework_from_dict",
    "load_framework",
    "read_framework_file",
]
