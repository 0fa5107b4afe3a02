"""Fixtures shared by every test package.

``raw_data_dir``: the folder of raw public files (``shared/data``: HDR, INFORM, WDI, UCDP,
ND-GAIN, microdata/syn_cdta.csv, ...). It is never copied into the repository, and CI runs on
a clean clone in an arbitrary directory, so it is looked up in one place, in this order:

1. the environment variable ``HUMSEC_RAW_DATA`` (if set, it must name a folder: a typo
   fails the test instead of silently skipping it);
2. ``<repo>/../shared/data`` (the layout of the development machine);
3. ``/work/shared/data``.

Tests that request the fixture are skipped, with the places searched in the reason, only when
none of these exists.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
RAW_DATA_ENV = "HUMSEC_RAW_DATA"


@pytest.fixture(scope="session")
def raw_data_dir() -> Path:
    """The raw-data folder (see the module docstring for the search order)."""
    configured = os.environ.get(RAW_DATA_ENV)
    if configured:
        path = Path(configured).expanduser()
        if not path.is_dir():
            pytest.fail(f"{RAW_DATA_ENV}={configured} is not a folder; fix or unset it")
        return path
    candidates = [REPO.parent / "shared" / "data", Path("/work/shared/data")]
    for path in candidates:
        if path.is_dir():
            return path
    pytest.skip(
        "raw data folder not found: set "
        f"{RAW_DATA_ENV}, or place it at {' or '.join(str(p) for p in candidates)}"
    )


@pytest.fixture(scope="session", autouse=True)
def _report_cache_in_a_temporary_folder(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[None]:
    """``humsec report`` keeps rendered sections in ``$HUMSEC_CACHE_DIR`` (humsec.report.cache):
    during the tests that is a fresh folder of the session, never the user's ~/.cache."""
    previous = os.environ.get("HUMSEC_CACHE_DIR")
    os.environ["HUMSEC_CACHE_DIR"] = str(tmp_path_factory.mktemp("humsec-cache"))
    yield
    if previous is None:
        os.environ.pop("HUMSEC_CACHE_DIR", None)
    else:
        os.environ["HUMSEC_CACHE_DIR"] = previous
