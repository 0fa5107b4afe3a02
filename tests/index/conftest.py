"""Shared fixtures for the index tests: small public-data extracts in tests/fixtures/index."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "index"


@pytest.fixture(scope="session")
def hdr2022() -> pd.DataFrame:
    return pd.read_csv(FIXTURES / "hdr2022.csv").set_index("iso3")


@pytest.fixture(scope="session")
def inform2020() -> pd.DataFrame:
    return pd.read_csv(FIXTURES / "inform2020.csv").set_index("iso3")


@pytest.fixture(scope="session")
def ndgain2025() -> pd.DataFrame:
    return pd.read_csv(FIXTURES / "ndgain2025.csv").set_index("iso3")
