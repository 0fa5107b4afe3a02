"""The bad-input corpus: one compact table of cases, run through the CLI (in-process) and the
Python API, each classified by outcome.

Every case must end with: exit code 2 (API: a :class:`humsec.errors.HumsecError`), a message
that names where (the case's ``where`` token) and what to do (a hint, or click's usage help),
no traceback, and the workspace exactly as it was (no file changed, replaced or left behind).

Outcomes, in the order they are checked: ``traceback`` (an exception other than the humsec
errors escaped), ``file clobbered``, ``wrong exit`` (any exit code but 2, or no error),
``unclear message`` (``where`` or the hint missing), ``ok``.

``python tests/badinput/corpus.py`` prints each case's outcome and the tally (used for
docs/errors.md; run it with ``PYTHONPATH=<other checkout>/src`` to tally another version).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import stat
import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

OUTCOMES = ("traceback", "file clobbered", "wrong exit", "unclear message", "ok")


@dataclass(frozen=True)
class Case:
    """One bad input: ``args`` for ``humsec`` (``{name}`` placeholders are workspace files) or
    ``call`` (a Python API call on the workspace), and the token the message must show.
    ``limits`` lowers :mod:`humsec.workload` limits for the case (a user who sets
    ``HUMSEC_MAX_MEMORY_BYTES`` / ``HUMSEC_MAX_SECONDS`` for a small machine), so that a
    request absurd for that machine is tried without building one absurd for this one."""

    id: str
    where: str
    args: tuple[str, ...] = ()
    call: Callable[[Path], Any] | None = None
    limits: tuple[tuple[str, float], ...] = ()


# --- the workspace of bad files ---------------------------------------------------------------
BOMB = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{n}: &{n} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
    for p, n in zip("abcdefgh", "bcdefghi", strict=True)
)
TABLES: dict[str, bytes] = {
    "empty.csv": b"",
    "blank.csv": b"\n  \n\n",
    "header.csv": b"a,b,c\n",
    "ragged.csv": b"a,b,c\n1,2,3\n4,5\n6,7,8\n",
    "truncated.csv": b"a,b,c\n1,2,3\n4,5,6\n7,",
    "nul.csv": b"a,b\n1,2\n3,\x004\n",
    "garbage.csv": bytes((i * 97 + 13) % 256 for i in range(4000)),
    "dupes.csv": b"a,a,b\n1,2,3\n",
    "book.csv": b"PK\x03\x04" + bytes(range(256)) * 4,
    "quote.csv": b'a,b\n1,"unclosed\n2,3\n',
    "broken.parquet": b"PAR1 not really parquet",
    "table.xyz": b"a,b\n1,2\n",
}
SPECS: dict[str, bytes] = {
    "latin.yaml": b"name: test\ndescription: caf\xe9\n",
    "deep.yaml": b"a: " + b"[" * 20_000 + b"]" * 20_000 + b"\n",
    "bomb.yaml": BOMB.encode(),
    "list.yaml": b"- a\n- b\n",
    "broken.yaml": b"name: [1, 2\n",
    "empty.yaml": b"",
    "nul.yaml": b"name: a\x00b\n",
    "scalar.yaml": b"just text\n",
}
MULTI_DEPRIVATION = b"""name: x
indicators:
  - {name: a, colum: d_nutr}
kk: 0.3
missing: listwse
"""
INDEX_UNKNOWN_KEY = b"""code: x
root: x
wieghts: 1
indicators:
  - {code: a, direction: higher_is_worse}
nodes:
  - {code: x, children: [a]}
"""
INDEX_METADATA_BOMB = (
    "code: x\nroot: x\nindicators:\n  - {code: a}\nnodes:\n  - {code: x, children: [a]}\n"
    "metadata:\n  " + BOMB.replace("\n", "\n  ") + "\n"
).encode()
FRAMEWORK_UNKNOWN = b"extends: default\nthreatz:\n  - {id: x}\n"
SCENARIO_RATE = b"""name: rates
hazards:
  area_hazards:
    - name: flood
      threat: disasters
      rate: 1000000000
      intensity: {distribution: exponential, scale: 1.0}
impact_functions:
  - {hazard: flood, intensity: [0, 1], asset_loss: [0, 0.5]}
"""
SCENARIO_UNKNOWN = b"name: s\nhazardz: {}\n"


def build_workspace(root: Path) -> dict[str, bool]:
    """Write the bad files into ``root``; returns which special files could be made."""
    for name, content in {**TABLES, **SPECS}.items():
        (root / name).write_bytes(content)
    extra = {
        "multi.yaml": MULTI_DEPRIVATION,
        "index_unknown.yaml": INDEX_UNKNOWN_KEY,
        "index_bomb.yaml": INDEX_METADATA_BOMB,
        "framework_unknown.yaml": FRAMEWORK_UNKNOWN,
        "deep.json": b'{"a": ' + b"[" * 20_000 + b"]" * 20_000 + b"}",
        "scenario_rate.yaml": SCENARIO_RATE,
        "scenario_unknown.yaml": SCENARIO_UNKNOWN,
        "keep.csv": b"previous result\n",
        "cost_inf.csv": b"area,package,cost,benefit\nnorth,wash,inf,3\nsouth,food,100,2\n",
        "cost_text.csv": b"area,package,cost,benefit\nnorth,wash,lots,3\nsouth,food,100,2\n",
        "cost_empty.csv": b"area,package,cost,benefit\nnorth,wash,,3\nsouth,food,100,2\n",
        "benefit_huge.csv": b"area,package,cost,benefit\nnorth,wash,5,1e999\n",
        "weight_inf.csv": b"food,w\n3,1\n4,inf\n",
        "weight_negative.csv": b"food,w\n3,1\n4,-2\n",
        "weight_text.csv": b"food,w\n3,1\n4,many\n",
        "table.csv": b"country,value\nKenya,1\nGhana,2\n",
    }
    for name, content in extra.items():
        (root / name).write_bytes(content)
    import pandas as pd

    pd.DataFrame({"a": pd.Series([], dtype=float)}).to_parquet(root / "empty.parquet")
    (root / "folder.csv").mkdir()
    (root / "folder.yaml").mkdir()
    (root / "outdir").mkdir()
    (root / "link.csv").symlink_to("keep.csv")
    os.mkfifo(root / "fifo.csv")
    made = {"device": True}
    try:  # a private null device: writing "over" it must fail, never replace it
        os.mknod(root / "null", stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except (PermissionError, OSError):
        made["device"] = False
    return made


def snapshot(root: Path) -> dict[str, tuple[Any, ...]]:
    """Every entry under ``root``: kind and content hash (files), link target, device id."""
    seen: dict[str, tuple[Any, ...]] = {}
    for path in sorted(root.rglob("*")):
        info = path.lstat()
        name = str(path.relative_to(root))
        if stat.S_ISLNK(info.st_mode):
            seen[name] = ("link", os.readlink(path))
        elif stat.S_ISREG(info.st_mode):
            seen[name] = ("file", hashlib.sha256(path.read_bytes()).hexdigest())
        else:
            seen[name] = (stat.S_IFMT(info.st_mode), info.st_rdev)
    return seen


# --- the cases --------------------------------------------------------------------------------
BAD_TABLES = sorted({*TABLES, "empty.parquet", "folder.csv", "missing.csv"})
TABLE_COMMANDS: dict[str, tuple[str, ...]] = {
    "import": ("data", "import", "{f}"),
    "estimate": ("deprivation", "estimate", "--data", "{f}"),
    "compound": ("deprivation", "compound", "--data", "{f}"),
    "change": ("deprivation", "change", "--data", "{f}"),
    "severity": ("deprivation", "severity", "--data", "{f}", "--sectors", "a"),
    "index": ("index", "build", "hdi", "--data", "{f}"),
    "shocks": ("shocks", "simulate", "--exposure", "{f}", "--years", "5"),
}
BAD_SPECS = sorted({*SPECS, "folder.yaml", "missing.yaml"})
SPEC_COMMANDS: dict[str, tuple[str, ...]] = {
    "index": ("index", "build", "{f}"),
    "deprivation": ("deprivation", "estimate", "--demo", "--households", "200", "--spec", "{f}"),
    "shocks": ("shocks", "simulate", "--events", "{f}", "--years", "5", "--households", "100"),
    "framework-validate": ("framework", "validate", "{f}"),
    "framework-show": ("framework", "show", "--file", "{f}"),
}
OUT_TARGETS = {
    "device": "null",
    "symlink": "link.csv",
    "folder": "outdir",
    "fifo": "fifo.csv",
    "file-as-folder": "keep.csv/out.csv",
}
OUT_COMMANDS: dict[str, tuple[str, ...]] = {
    "framework-export": ("framework", "export", "--out", "{f}"),
    "panel": ("data", "panel", "--indicators", "hdi", "--years", "2020", "--out", "{f}"),
    "index-build": ("index", "build", "hdi", "--out", "{f}"),
    "report": ("report", "--sections", "attribution", "--out", "{f}"),
}
# Commands whose --out was only checked when the result was written: now before any work.
# "unwritable" is a folder nobody may create files in (even root: /sys).
EARLY_OUT_TARGETS = {"device": "null", "symlink": "link.csv", "folder": "outdir",
                     "unwritable": "/sys/humsec-out.csv"}
EARLY_OUT_COMMANDS: dict[str, tuple[str, ...]] = {
    "threats": ("threats", "estimate", "--bootstrap", "0", "--out", "{f}"),
    "threats-edges": ("threats", "estimate", "--bootstrap", "0", "--out", "net.json",
                      "--edges", "{f}"),
    "actors-read": ("actors", "read", "keep.csv", "--out", "{f}"),
    "actors-coverage": ("actors", "coverage", "keep.csv", "--needs", "table.csv",
                        "--out", "{f}"),
    "programme-appraise": ("programme", "appraise", "keep.csv", "--out", "{f}"),
    "programme-iati": ("programme", "import-iati", "keep.csv", "--out", "{f}"),
    "plan": ("programme", "plan", "table.csv", "--budget", "5e6", "--out", "{f}"),
    "project-report": ("project", "report", "demo", "--out", "{f}"),
    "project-history": ("project", "history", "demo", "--out", "{f}"),
    "project-compare": ("project", "compare", "demo", "a", "b", "--out", "{f}"),
}
OPTION_CASES: list[Case] = [
    Case("by-markup", "[/]", ("deprivation", "estimate", "--demo", "--households", "200",
                              "--by", "[/]")),
    Case("by-unknown", "--by", ("shocks", "simulate", "--by", "[bold]x", "--years", "5")),
    Case("missing-areas", "--missing-areas", ("shocks", "simulate", "--missing-areas", "dorp")),
    Case("shocks-backend", "--backend", ("shocks", "simulate", "--backend", "gpu")),
    Case("deprivation-backend", "--backend", ("deprivation", "estimate", "--demo",
                                              "--backend", "gpu")),
    Case("lonely-psu", "--lonely-psu", ("deprivation", "estimate", "--demo", "--lonely-psu",
                                        "avg")),
    Case("weights", "--weights", ("index", "uncertainty", "hdi", "--n", "5", "--weights",
                                  "dirichelt", "--no-sobol")),
    Case("aggregations", "--aggregations", ("index", "uncertainty", "hdi", "--n", "5",
                                            "--aggregations", "spec,geometrix", "--no-sobol")),
    Case("seed-negative-index", "--seed", ("index", "uncertainty", "hdi", "--n", "5",
                                           "--seed", "-1", "--no-sobol")),
    Case("seed-negative-shocks", "--seed", ("shocks", "simulate", "--years", "5",
                                            "--households", "100", "--seed", "-1")),
    Case("seed-negative-demo", "--seed", ("deprivation", "estimate", "--demo", "--households",
                                          "200", "--seed", "-7")),
    Case("seed-huge", "--seed", ("shocks", "simulate", "--years", "5", "--households", "100",
                                 "--seed", str(2**64))),
    Case("seed-fraction", "--seed", ("shocks", "simulate", "--seed", "1.5")),
    Case("households-1e8", "households", ("deprivation", "estimate", "--demo", "--households",
                                          "100000000")),
    Case("households-1e8-shocks", "households", ("shocks", "simulate", "--households",
                                                 "100000000", "--years", "5")),
    Case("years-1e12", "--years", ("shocks", "simulate", "--years", "1000000000000",
                                   "--households", "100")),
    Case("n-1e6", "--n", ("index", "uncertainty", "hdi", "--n", "100000000", "--no-sobol")),
    Case("n-one", "--n", ("index", "uncertainty", "hdi", "--n", "1", "--no-sobol")),
    Case("hazard-rate-1e9", "scenario_rate.yaml", ("shocks", "simulate", "--events",
                                                   "scenario_rate.yaml", "--years", "100",
                                                   "--households", "100")),
    # a small machine (limits lowered): --by on an id column; years x areas results
    Case("by-person-id", "--by", ("deprivation", "estimate", "--demo", "--households", "200",
                                  "--lonely-psu", "adjust", "--by", "person_id"),
         limits=(("MAX_SECONDS", 0.02),)),
    Case("by-two-ids", "--by", ("deprivation", "estimate", "--demo", "--households", "200",
                                "--lonely-psu", "adjust", "--by", "hh_id,person_id"),
         limits=(("MAX_SECONDS", 0.02),)),
    Case("shocks-years-by-areas", "--years", ("shocks", "simulate", "--years", "5000000",
                                              "--households", "100"),
         limits=(("MAX_MEMORY_BYTES", 1.5e9),)),
    Case("k-150", "--k", ("deprivation", "estimate", "--demo", "--households", "200",
                          "--k", "150")),
    Case("k-text", "--k", ("deprivation", "estimate", "--demo", "--households", "200",
                           "--k", "third")),
    Case("return-periods", "--return-periods", ("shocks", "simulate", "--return-periods",
                                                "ten")),
    Case("unit-unknown", "ZZZ", ("index", "explain", "hdi", "--unit", "ZZZ")),
    Case("preset-unknown", "infrom", ("index", "build", "infrom")),
    Case("preset-show-unknown", "infrom", ("index", "presets", "--show", "infrom")),
    Case("cascade-unknown", "disastres", ("framework", "cascade", "disastres")),
    Case("dataset-unknown", "wrld", ("data", "show", "wrld")),
    Case("threat-unknown", "disastres", ("data", "indicators", "--threat", "disastres")),
    Case("years-text", "--years", ("data", "panel", "--years", "twenty")),
    Case("sections-unknown", "profil", ("report", "--sections", "profil", "--out", "r.html")),
    Case("panel-suffix", ".txt", ("data", "panel", "--indicators", "hdi", "--years", "2020",
                                  "--out", "panel.txt")),
    Case("multi-mistakes", "did you mean 'column'", ("deprivation", "estimate", "--demo",
                                                      "--households", "200", "--spec",
                                                      "multi.yaml")),
    Case("index-unknown-key", "allowed keys", ("index", "build", "index_unknown.yaml")),
    Case("index-metadata-bomb", "alias", ("index", "build", "index_bomb.yaml")),
    Case("framework-unknown-key", "threatz", ("framework", "validate",
                                              "framework_unknown.yaml")),
    Case("framework-deep-json", "deep.json", ("framework", "validate", "deep.json")),
    Case("scenario-unknown-key", "hazardz", ("shocks", "simulate", "--events",
                                             "scenario_unknown.yaml", "--years", "5")),
    Case("demo-and-data", "--data", ("deprivation", "estimate", "--demo", "--data",
                                     "keep.csv")),
    Case("import-country-column", "cuntry", ("data", "import", "table.csv",
                                             "--country-column", "cuntry")),
    # non-finite and text numbers through the shared validator (humsec.data.require_numeric):
    # the file line and how to fix it
    *(Case(f"plan-{name.removesuffix('.csv')}", "line 2", ("programme", "plan", name,
                                                           "--budget", "500"))
      for name in ("cost_inf.csv", "cost_text.csv", "cost_empty.csv", "benefit_huge.csv")),
    *(Case(f"severity-{name.removesuffix('.csv')}", "line 3", ("deprivation", "severity",
                                                               "--data", name, "--sectors",
                                                               "food", "--weight", "w"))
      for name in ("weight_inf.csv", "weight_negative.csv", "weight_text.csv")),
    # too many levels in a --by variable (the cap lowered as a user's HUMSEC_MAX_GROUPS)
    *(Case(f"max-groups-{command}", "'hh_id' has 200 levels", ("deprivation", command,
                                                               "--demo", "--households", "200",
                                                               "--lonely-psu", "adjust",
                                                               "--by", "hh_id"),
           limits=(("MAX_GROUPS", 100),))
      for command in ("estimate", "compound", "change")),
    Case("max-groups-option", "'region' has", ("deprivation", "estimate", "--demo",
                                               "--households", "200", "--lonely-psu", "adjust",
                                               "--by", "region", "--max-groups", "2")),
    Case("max-groups-zero", "--max-groups", ("deprivation", "estimate", "--demo",
                                             "--households", "200", "--max-groups", "0")),
]


def _api_cases() -> list[Case]:
    def read(name: str) -> Callable[[Path], Any]:
        def call(root: Path) -> Any:
            from humsec.data import read_table

            return read_table(root / name)

        return call

    def scan(name: str) -> Callable[[Path], Any]:
        def call(root: Path) -> Any:
            from humsec.data import scan_microdata

            return scan_microdata(root / name)

        return call

    def spec(kind: str, name: str) -> Callable[[Path], Any]:
        def call(root: Path) -> Any:
            if kind == "index":
                from humsec.index import IndexSpec

                return IndexSpec.from_yaml(root / name)
            if kind == "deprivation":
                from humsec.deprivation import DeprivationSpec

                return DeprivationSpec.from_yaml(root / name)
            from humsec.framework import load_framework

            return load_framework(root / name)

        return call

    def write(target: str) -> Callable[[Path], Any]:
        def call(root: Path) -> Any:
            import pandas as pd

            from humsec.data.output import write_table

            return write_table(pd.DataFrame({"a": [1]}), root / target)

        return call

    def survey(**kwargs: Any) -> Callable[[Path], Any]:
        def call(root: Path) -> Any:
            from humsec.data import synthetic_survey

            return synthetic_survey(**{"n_households": 200, "seed": 1, **kwargs})

        return call

    def design(**kwargs: Any) -> Callable[[Path], Any]:
        def call(root: Path) -> Any:
            from humsec.deprivation import SurveyDesign

            return SurveyDesign(**kwargs)

        return call

    cases = [Case(f"api-read-{n}", n, call=read(n)) for n in BAD_TABLES]
    cases += [Case(f"api-scan-{n}", n, call=scan(n)) for n in BAD_TABLES]
    cases += [Case(f"api-{k}-{n}", n, call=spec(k, n)) for k in ("index", "deprivation",
                                                                  "framework") for n in BAD_SPECS]
    cases += [Case(f"api-write-{k}", t.split("/")[0], call=write(t))
              for k, t in OUT_TARGETS.items()]
    cases += [
        Case("api-seed-negative", "seed", call=survey(seed=-1)),
        Case("api-seed-huge", "seed", call=survey(seed=2**64)),
        Case("api-seed-fraction", "seed", call=survey(seed=1.5)),
        Case("api-households-1e8", "households", call=survey(n_households=100_000_000)),
        Case("api-design-lonely", "lonely_psu", call=design(lonely_psu="avg")),
        Case("api-design-unknown", "wieght", call=design(wieght="w")),
        Case("api-deprivation-multi", "kk", call=spec("deprivation", "multi.yaml")),
        Case("api-index-metadata-bomb", "alias", call=spec("index", "index_bomb.yaml")),
    ]
    return cases


def cases() -> list[Case]:
    """The whole corpus."""
    found: list[Case] = []
    for name in BAD_TABLES:
        for command, args in TABLE_COMMANDS.items():
            found.append(Case(f"table-{command}-{name}", name,
                              tuple(a.replace("{f}", name) for a in args)))  # fmt: skip
    for name in BAD_SPECS:
        for command, args in SPEC_COMMANDS.items():
            found.append(Case(f"spec-{command}-{name}", name,
                              tuple(a.replace("{f}", name) for a in args)))  # fmt: skip
    for kind, target in OUT_TARGETS.items():
        for command, args in OUT_COMMANDS.items():
            if command != "framework-export" and kind not in ("device", "symlink", "folder"):
                continue
            found.append(Case(f"out-{command}-{kind}", target.split("/")[0],
                              tuple(a.replace("{f}", target) for a in args)))  # fmt: skip
    for kind, target in EARLY_OUT_TARGETS.items():
        for command, args in EARLY_OUT_COMMANDS.items():
            found.append(Case(f"early-out-{command}-{kind}", target,
                              tuple(a.replace("{f}", target) for a in args)))  # fmt: skip
    found += OPTION_CASES
    found += _api_cases()
    return found


# --- running ----------------------------------------------------------------------------------
@contextlib.contextmanager
def _inside(root: Path) -> Iterator[None]:
    previous = Path.cwd()
    os.chdir(root)
    try:
        yield
    finally:
        os.chdir(previous)


@contextlib.contextmanager
def _limits(limits: tuple[tuple[str, float], ...]) -> Iterator[None]:
    from humsec import workload

    # (a limit an older version lacks is set and removed again, so it can be tallied too)
    previous = {name: getattr(workload, name, None) for name, _ in limits}
    for name, value in limits:
        setattr(workload, name, value)
    try:
        yield
    finally:
        for name, value in previous.items():
            if value is None:
                delattr(workload, name)
            else:
                setattr(workload, name, value)


def _clear_message(text: str, where: str) -> bool:
    flat = " ".join(text.replace("│", " ").split())
    if where not in text and where not in flat:
        return False
    return "hint:" in text or ("Try '" in flat and "for help" in flat)


def run(case: Case, root: Path) -> tuple[str, str]:
    """Run one case in workspace ``root``; return ``(outcome, what was printed or raised)``."""
    before = snapshot(root)
    with _inside(root), _limits(case.limits):
        if case.call is None:
            from typer.testing import CliRunner

            from humsec.cli import app

            result = CliRunner().invoke(app, list(case.args))
            text = result.output
            escaped = result.exception is not None and not isinstance(
                result.exception, SystemExit
            )
            if escaped:
                assert result.exc_info is not None
                text += "".join(traceback.format_exception(*result.exc_info))
            code: int | None = result.exit_code
        else:
            from humsec.errors import HumsecError

            escaped, code = False, 0
            try:
                case.call(root)
                text = "(no error raised)"
            except HumsecError as error:
                code = 2
                text = str(error) + ("" if error.hint is None else "\n  hint: " + error.hint)
            except Exception:
                escaped, text = True, traceback.format_exc()
    after = snapshot(root)
    for leftover in set(after) - set(before):  # restore the workspace for the next case
        _remove(root / leftover)
    if escaped or "Traceback (most recent call last)" in text:
        return "traceback", text
    if before != after:
        return "file clobbered", text
    if code != 2:
        return "wrong exit", text
    if not _clear_message(text, case.where):
        return "unclear message", text
    return "ok", text


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        if path.is_dir() and not path.is_symlink():
            import shutil

            shutil.rmtree(path)
        else:
            path.unlink()


class _TooSlow(Exception):
    """A case ran longer than the tally allows (counted as a traceback: the user sees none)."""


def main() -> None:
    """Print the outcome of every case and the tally; memory is capped at 4 GB and each case
    at 120 s, so that an old version's alias bomb or endless loop counts instead of hanging."""
    import resource
    import signal
    import tempfile

    resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))

    def too_slow(signum: int, frame: Any) -> None:
        raise _TooSlow

    signal.signal(signal.SIGALRM, too_slow)
    counts: Counter[str] = Counter()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "workspace"
        pristine: dict[str, tuple[Any, ...]] | None = None
        for case in cases():
            if pristine is None or snapshot(root) != pristine:
                import shutil

                shutil.rmtree(root, ignore_errors=True)
                root.mkdir(parents=True)
                build_workspace(root)
                pristine = snapshot(root)
            signal.alarm(120)
            try:
                with contextlib.redirect_stderr(io.StringIO()):
                    outcome, _ = run(case, root)
            except (_TooSlow, MemoryError):
                outcome = "traceback"
            finally:
                signal.alarm(0)
            counts[outcome] += 1
            print(f"{outcome:16} {case.id}", flush=True)
    total = sum(counts.values())
    print(f"{total} cases: " + ", ".join(f"{o} {counts.get(o, 0)}" for o in OUTCOMES))


if __name__ == "__main__":
    main()
