"""Rebuild humsec's partial plotly.js bundle (src/humsec/report/assets/plotly-humsec.min.js).

    python scripts/build_plotly_bundle.py [--version 4.1.1] [--keep DIR]

The full plotly.min.js that the Python ``plotly`` package ships is 4.8 MB and registers every
trace type (3-D, WebGL, maps, finance, ...). The report and the dashboard draw only the
trace types in ``TRACES``; this script bundles plotly.js's ``lib/core`` with just those,
which is about a third of the size and renders the same figures.

Steps (needs node and npm, and the npm registry once; nothing at run time):
1. read the plotly.js version the installed Python ``plotly`` package embeds (the banner of its
   ``package_data/plotly.min.js``), unless ``--version`` is given;
2. ``npm install`` that exact ``plotly.js`` and a pinned ``esbuild`` into a temporary folder
   (``--ignore-scripts``: no install scripts run);
3. bundle an entry that calls ``Plotly.register`` with the traces below, with plotly.js's own
   esbuild settings (IIFE exposing the global ``Plotly``, ES2016, ``global`` as ``window``);
   CSS imports are dropped, as the only one is MapLibre's, for the map traces left out;
4. write the bundle with a banner naming the version and traces, plotly.js's MIT licence, and
   ``PROVENANCE.md`` with the SHA-256 of the bundle.

When a figure needs a new trace type, add it to ``humsec.report.figures.PLOTLY_TRACES`` and
rerun; the browser tests
(tests/report/test_browser.py, tests/web/test_browser.py) fail on a trace type the bundle lacks.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
import subprocess
import tempfile
from importlib import resources
from pathlib import Path

from humsec.report.figures import PLOTLY_BUNDLE, PLOTLY_TRACES

TRACES = PLOTLY_TRACES
"""plotly.js trace modules registered (``plotly.js/lib/<name>``); scatter is always in core."""
ESBUILD = "0.25.12"
ASSETS = Path(__file__).resolve().parents[1] / "src" / "humsec" / "report" / "assets"
BUNDLE = PLOTLY_BUNDLE
_BANNER = re.compile(r"plotly\.js v(\d+\.\d+\.\d+)")


def embedded_version() -> str:
    """The plotly.js version inside the installed Python plotly package."""
    path = resources.files("plotly") / "package_data" / "plotly.min.js"
    with path.open("r", encoding="utf-8") as handle:
        head = handle.read(400)
    match = _BANNER.search(head)
    if match is None:
        raise SystemExit(f"no 'plotly.js vX.Y.Z' banner at the top of {path}")
    return match.group(1)


def entry_source(traces: tuple[str, ...]) -> str:
    """The bundle's entry module: plotly.js core plus the given trace modules."""
    lines = ",\n".join(f"    require('plotly.js/lib/{t}')" for t in traces if t != "scatter")
    return (
        "'use strict';\n"
        "var Plotly = require('plotly.js/lib/core');\n"
        f"Plotly.register([\n{lines}\n]);\n"
        "module.exports = Plotly;\n"
    )


def build(version: str, work: Path) -> tuple[Path, Path]:
    """Install plotly.js ``version`` into ``work`` and bundle it; return (bundle, licence)."""
    package = {
        "name": "humsec-plotly-bundle",
        "private": True,
        "version": "0.0.0",
        "dependencies": {"plotly.js": version, "esbuild": ESBUILD},
    }
    (work / "package.json").write_text(json.dumps(package, indent=2), encoding="utf-8")
    subprocess.run(
        ["npm", "install", "--no-audit", "--no-fund", "--ignore-scripts"],
        cwd=work,
        check=True,
    )
    (work / "entry.js").write_text(entry_source(TRACES), encoding="utf-8")
    banner = (
        f"/*! plotly.js v{version} | humsec partial bundle, traces: {', '.join(TRACES)} | "
        "(c) Plotly Technologies Inc. | MIT License (plotly.LICENSE.txt) */"
    )
    out = work / BUNDLE
    subprocess.run(
        [
            str(work / "node_modules" / ".bin" / "esbuild"),
            "entry.js",
            "--bundle",
            "--minify",
            "--format=iife",
            "--global-name=Plotly",
            "--target=es2016",
            "--define:global=window",
            "--define:define.amd=false",
            "--alias:stream=stream-browserify",
            "--loader:.css=empty",
            "--legal-comments=eof",
            f"--banner:js={banner}",
            f"--outfile={out.name}",
        ],
        cwd=work,
        check=True,
    )
    return out, work / "node_modules" / "plotly.js" / "LICENSE"


def provenance(version: str, bundle: Path) -> str:
    """PROVENANCE.md text: source, version, traces, command and checksum."""
    digest = hashlib.sha256(bundle.read_bytes()).hexdigest()
    return (
        "# Vendored browser assets of the report and the dashboard\n\n"
        f"## {BUNDLE}\n\n"
        f"- Source: the npm package `plotly.js` {version} (https://github.com/plotly/plotly.js),"
        " the version the locked Python `plotly` package embeds.\n"
        "- Licence: MIT, Copyright (c) Plotly Technologies Inc.; see `plotly.LICENSE.txt`. "
        "The bundled third-party modules keep their licence notices at the end of the file.\n"
        f"- Content: plotly.js core with the trace types {', '.join(TRACES)} only "
        "(a partial bundle, built with esbuild " + ESBUILD + ").\n"
        "- Rebuild: `python scripts/build_plotly_bundle.py` (needs node and npm).\n"
        f"- Size: {bundle.stat().st_size:,} bytes; SHA-256 `{digest}`.\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--version", help="plotly.js version (default: the embedded one)")
    parser.add_argument("--keep", type=Path, help="build in this folder and keep it")
    args = parser.parse_args()
    version = args.version or embedded_version()
    for tool in ("node", "npm"):
        if shutil.which(tool) is None:
            raise SystemExit(f"{tool} is not installed; the bundle build needs node and npm")
    with tempfile.TemporaryDirectory(prefix="humsec-plotly-") as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        bundle, licence = build(version, work)
        ASSETS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(bundle, ASSETS / BUNDLE)
        shutil.copyfile(licence, ASSETS / "plotly.LICENSE.txt")
        (ASSETS / "PROVENANCE.md").write_text(provenance(version, bundle), encoding="utf-8")
    print(f"wrote {ASSETS / BUNDLE} (plotly.js {version}, {', '.join(TRACES)})")


if __name__ == "__main__":
    main()
