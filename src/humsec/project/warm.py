"""The warm path: answer ``project run`` and ``project report`` for an unchanged project from
its store, without loading (and validating) the project again.

A full run (:func:`humsec.project.run.run_project`) identifies each analysis by the content
hashes of its inputs, its settings, the humsec version and the seed. When none of the
project's files has changed since that run, every analysis would be reused, so the answer is
known before the project is loaded. :func:`remember_run` keeps, after a complete run, a small
manifest (``.humsec/warm.json``) with the project's fingerprint and each analysis's input hash;
:func:`warm_run` recomputes the fingerprint and, when it matches, asks the store for the same
runs (recording the reuses in the history, as a full run does). Anything unusual (no
manifest, another fingerprint, a run missing from the store, a PostgreSQL store) answers
``None`` and the caller takes the full path.

A report is reused the same way: its key (:func:`report_key`) is the fingerprint, the stored
runs it shows, the humsec version and the report options; :func:`cached_report` finds a report
built for that key, which is copied instead of rebuilt.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from humsec import __version__

MANIFEST_FORMAT = 1
PROJECT_FILE = "humsec.yaml"
WARM_DIR = ".humsec"
MANIFEST = "warm.json"
REPORTS = "reports"


@dataclass(frozen=True)
class WarmRun:
    """What a warm run answered: one summary row per analysis (as
    :meth:`humsec.project.run.ProjectRun.summary`), and the stored run each reused."""

    fingerprint: str
    rows: list[dict[str, str]]
    source_runs: dict[str, str]
    store: Path


def _named_files(root: Path, config: Path) -> list[Path]:
    """``humsec.yaml`` and every file a string in it names (datasets, boundaries, specs, the
    framework), and in turn every file a string in a named YAML file names: the project's
    inputs. Outputs (the store, reports, exported tables) are never named, so they never
    count."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present
    found: dict[Path, None] = {config: None}
    queue = [config]
    while queue:
        current = queue.pop()
        if current.suffix.lower() not in (".yaml", ".yml"):
            continue
        try:
            document = yaml.load(current.read_text(encoding="utf-8"), Loader=loader)
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            continue
        names = {t for t in _strings(document) if _looks_like_a_file(t)}
        for text in sorted(names):
            for base in (root, current.parent):
                joined = os.path.join(base, text)
                if os.path.isfile(joined):
                    candidate = Path(joined).resolve()
                    if candidate not in found:
                        found[candidate] = None
                        queue.append(candidate)
    return sorted(found)


def _looks_like_a_file(text: str) -> bool:
    """A string that may name a file: short, one line, with a suffix (``data/x.csv``)."""
    return len(text) <= 400 and "\n" not in text and "." in text.rsplit("/", 1)[-1]


def _strings(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(key)
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)


def package_identity() -> str:
    """sha256 over the path, size and modification time of every file of the installed humsec
    package (code, templates, bundled specs and data): a project names bundled specs and the
    report uses bundled data and code, so any change to them (an upgrade, an edit in a
    development checkout) changes every fingerprint. File stats, not contents, keep this at a
    few milliseconds."""
    digest = hashlib.sha256()
    package = Path(str(resources.files("humsec")))
    for path in sorted(package.rglob("*")):
        relative = path.relative_to(package)
        if "__pycache__" in relative.parts or relative.parts[:2] == ("project", "demo"):
            continue
        if path.is_file():
            stat = path.stat()
            digest.update(f"{relative.as_posix()}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
    return digest.hexdigest()


def project_fingerprint(root: Path) -> str:
    """sha256 of the humsec version and package (:func:`package_identity`) and the project's
    input files (path relative to the project and content; see :func:`_named_files`): equal
    fingerprints mean equal inputs for every analysis and the same code to report them."""
    root = root.resolve()
    digest = hashlib.sha256(f"humsec {__version__}\n{package_identity()}\n".encode())
    for path in _named_files(root, root / PROJECT_FILE):
        name = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
        digest.update(name.encode() + b"\0")
        with path.open("rb") as handle:
            digest.update(hashlib.file_digest(handle, "sha256").digest())
    return digest.hexdigest()


def _manifest_path(root: Path) -> Path:
    return root / WARM_DIR / MANIFEST


def _read_manifest(root: Path) -> dict[str, Any] | None:
    try:
        manifest = json.loads(_manifest_path(root).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    ok = isinstance(manifest, dict) and manifest.get("format") == MANIFEST_FORMAT
    return manifest if ok and manifest.get("humsec_version") == __version__ else None


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(text)
    os.replace(temporary, path)


def remember_run(
    root: Path,
    fingerprint: str,
    store: Path,
    rows: Sequence[Mapping[str, str]],
    input_hashes: Mapping[str, str],
) -> None:
    """After a complete run on a DuckDB store inside the project, keep what a warm run needs:
    the fingerprint taken before the run, the summary rows and each analysis's input hash."""
    root = root.resolve()
    store = store.resolve()
    if not store.is_relative_to(root):
        return
    manifest = {
        "format": MANIFEST_FORMAT,
        "humsec_version": __version__,
        "fingerprint": fingerprint,
        "store": store.relative_to(root).as_posix(),
        "rows": [dict(r) for r in rows],
        "input_hashes": dict(input_hashes),
    }
    _write_atomic(_manifest_path(root), json.dumps(manifest, indent=1, sort_keys=True))


def store_of(root: Path) -> Path | None:
    """The DuckDB store a previous complete run recorded in the manifest, if any."""
    manifest = _read_manifest(root)
    return None if manifest is None else root / str(manifest["store"])


def warm_run(root: Path, *, note_reuse: bool = True) -> WarmRun | None:
    """The answer of ``project run`` for an unchanged project, from its store; None when the
    project (or humsec, or a bundled spec) changed, or the store lacks a run: take the full
    path then. With ``note_reuse`` each reuse is recorded in the store's history, as a full
    run records it; without, the store is only read."""
    from humsec.project.store import open_store

    root = root.resolve()
    manifest = _read_manifest(root)
    if manifest is None:
        return None
    store_path = root / str(manifest["store"])
    if not store_path.is_file():
        return None
    fingerprint = project_fingerprint(root)
    if fingerprint != manifest["fingerprint"]:
        return None
    hashes: dict[str, str] = manifest["input_hashes"]
    with open_store(store_path, read_only=not note_reuse, root=root) as store:
        if any(store.find(a, h, note_reuse=False) is None for a, h in hashes.items()):
            return None
        source_runs: dict[str, str] = {}
        for analysis, key in hashes.items():
            record = store.find(analysis, key, note_reuse=note_reuse)
            assert record is not None
            source_runs[analysis] = record.source_run_id
    rows = [
        {**row, "run_id": source_runs.get(row["analysis"], row["run_id"])}
        for row in manifest["rows"]
    ]
    return WarmRun(fingerprint, rows, source_runs, store_path)


def report_key(fingerprint: str, source_runs: Mapping[str, str], options: Mapping[str, Any]) -> str:
    """sha256 of what a project report shows: the project's fingerprint, the stored runs
    (``{analysis: run id}``), the humsec version and the report options."""
    payload = {
        "fingerprint": fingerprint,
        "runs": dict(sorted(source_runs.items())),
        "humsec_version": __version__,
        "options": dict(options),
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def _report_path(root: Path, key: str) -> Path:
    return root.resolve() / WARM_DIR / REPORTS / f"{key}.html"


def cached_report(root: Path, key: str) -> Path | None:
    """The report built earlier for ``key``, if the project keeps one."""
    path = _report_path(root, key)
    return path if path.is_file() else None


def keep_report(root: Path, key: str, report: Path) -> None:
    """Keep a copy of a freshly built report under its key (replacing older copies: a
    project keeps only the report of its latest inputs)."""
    target = _report_path(root, key)
    target.parent.mkdir(parents=True, exist_ok=True)
    for old in target.parent.glob("*.html"):
        if old != target:
            old.unlink(missing_ok=True)
    _copy_atomic(report, target)


def _copy_atomic(source: Path, target: Path) -> None:
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    os.close(handle)
    try:
        shutil.copyfile(source, temporary)
        os.chmod(temporary, 0o644)  # mkstemp's 0600 would hide the report from the team
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def copyable_target(target: Path) -> bool:
    """Whether a kept report may be copied to ``target``: a regular file or a new name in an
    existing folder (anything else takes the full path, whose output check names the
    problem)."""
    if target.is_symlink() or (target.exists() and not target.is_file()):
        return False
    return target.parent.is_dir()


def copy_report(cached: Path, target: Path) -> bool:
    """Copy a kept report to ``target`` atomically; False (nothing written) when the target is
    not :func:`copyable_target` or the copy fails (a read-only folder, a full disk)."""
    if not copyable_target(target):
        return False
    try:
        _copy_atomic(cached, target)
    except OSError:
        return False
    return True
