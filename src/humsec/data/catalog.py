"""The catalog of bundled datasets, with provenance, and ``load(name)``.

The bundled files under ``humsec/data/bundled/`` are built by ``scripts/build_bundled_data.py``
from the publishers' raw files; ``catalog.yaml`` records for each dataset where it came from
(source, URL, licence, version, attribution) and the sha256 of every raw file it was built from.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from humsec.errors import DataError, DatasetNotFoundError, did_you_mean

if TYPE_CHECKING:
    import pandas as pd

BUNDLED_DIR = Path(__file__).resolve().parent / "bundled"


def bundled_dir() -> Path:
    """Folder holding the bundled Parquet/GeoJSON files and ``catalog.yaml``."""
    return BUNDLED_DIR


class RawFile(BaseModel):
    """One raw input file of a bundled dataset, identified by its checksum."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    path: str = Field(description="path relative to the raw data folder (../shared/data)")
    sha256: str
    bytes: int


class DatasetEntry(BaseModel):
    """Provenance of one bundled dataset."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    title: str
    description: str
    file: str = Field(description="file name inside humsec/data/bundled/")
    source: str
    url: str
    licence: str
    version: str
    attribution: str
    raw_files: list[RawFile]
    rows: int
    columns: list[str]
    shape: Literal["long", "wide", "geojson"] = Field(
        description="long: (iso3, year, variable, value); wide: one column per variable; "
        "geojson: a FeatureCollection"
    )
    notes: list[str] = Field(default_factory=list)

    @property
    def path(self) -> Path:
        """Absolute path of the bundled file."""
        return bundled_dir() / self.file


class Catalog(BaseModel):
    """All bundled datasets, in the order the build script wrote them."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    schema_version: int
    built_with: str
    datasets: list[DatasetEntry]

    def names(self) -> list[str]:
        """Dataset names."""
        return [d.name for d in self.datasets]

    def get(self, name: str) -> DatasetEntry:
        """The entry called ``name``; unknown names raise with close matches."""
        if not isinstance(name, str):
            raise DatasetNotFoundError(
                f"a dataset name must be text, not {type(name).__name__}",
                hint=f"available: {', '.join(self.names())}",
            )
        for entry in self.datasets:
            if entry.name == name:
                return entry
        close = did_you_mean(name, self.names())
        raise DatasetNotFoundError(
            f"no bundled dataset called {name!r}",
            hint=(close + " " if close else "") + f"available: {', '.join(self.names())}",
        )


@cache
def _catalog() -> Catalog:
    path = bundled_dir() / "catalog.yaml"
    if not path.exists():
        raise DataError(
            "the bundled data catalog is missing",
            location=str(path),
            hint="rebuild it with `make data` "
            "(python scripts/build_bundled_data.py --raw ../shared/data)",
        )
    raw: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return Catalog.model_validate(raw)


def catalog() -> list[DatasetEntry]:
    """Every bundled dataset with its provenance (source, URL, licence, version, sha256)."""
    return list(_catalog().datasets)


def dataset(name: str) -> DatasetEntry:
    """The catalog entry of one bundled dataset (DatasetNotFoundError with close matches)."""
    return _catalog().get(name)


def attribution() -> list[str]:
    """Attribution lines for every bundled dataset, for reports and exports."""
    return [f"{d.title}: {d.attribution} Licence: {d.licence}." for d in _catalog().datasets]


@cache
def _read(name: str) -> pd.DataFrame:
    entry = dataset(name)
    if entry.shape == "geojson":
        raise DatasetNotFoundError(
            f"{name!r} is a map, not a table",
            hint="use humsec.data.world_geojson() for the country outlines",
        )
    import pandas as pd

    return pd.read_parquet(entry.path)


def load(name: str) -> pd.DataFrame:
    """Load a bundled dataset as a tidy DataFrame (a fresh copy; the file is read once).

    Names: see :func:`catalog` (``hdr``, ``hdr_aggregates``, ``inform2020``, ``inform2025``,
    ``wdi``, ``ucdp_country_year``, ``countries``).
    """
    return _read(name).copy()
