"""The code lists a programme is checked against: OECD DAC purpose codes, IATI organisation
types and roles, activity status, transaction types, policy markers and ISO 4217 currencies.

They ship as one JSON file (``iati_codelists.json``) extracted from the IATI Standard codelists
(https://iatistandard.org/en/iati-standard/203/codelists/); the Sector list is the OECD DAC CRS
purpose-code list. The sector-to-threat reading (``sector_threats.yaml``) is humsec's own.
"""

from __future__ import annotations

import json
import os
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from humsec.errors import SpecError

CODELIST_SOURCE = (
    "IATI Standard codelists (iatistandard.org/en/iati-standard/203/codelists/); Sector and "
    "SectorCategory are the OECD DAC CRS purpose codes"
)


@cache
def _codelists() -> dict[str, Any]:
    text = resources.files("humsec.programme").joinpath("iati_codelists.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@cache
def codelist_keys(name: str) -> frozenset[str]:
    """The codes of one code list, as a set (cached)."""
    return frozenset(codelist(name))


def codelist(name: str) -> dict[str, str]:
    """One code list as ``{code: name}``: ``sector``, ``sector_category``,
    ``organisation_type``, ``organisation_role``, ``activity_status``, ``transaction_type``,
    ``policy_marker`` or ``currency``."""
    lists = _codelists()
    if name.startswith("_") or name not in lists:
        known = [k for k in lists if not k.startswith("_")]
        raise SpecError(f"unknown code list {name!r}", hint=f"code lists: {', '.join(known)}")
    return dict(lists[name])


def sector_name(code: str) -> str:
    """The DAC purpose-code name (``"43060"`` -> ``"Disaster Risk Reduction"``), or ``""``."""
    return codelist("sector").get(str(code), "")


def sector_category(code: str) -> str:
    """The DAC 3-digit sector category of a 5-digit purpose code (``"43060"`` -> ``"430"``)."""
    return str(code)[:3]


class SectorThreats:
    """Which framework threats each DAC purpose code works against (5-digit overrides 3-digit)."""

    def __init__(
        self,
        categories: dict[str, list[str]],
        codes: dict[str, list[str]],
        *,
        version: str,
        source: str,
    ) -> None:
        self.categories = {str(k): tuple(v) for k, v in categories.items()}
        self.codes = {str(k): tuple(v) for k, v in codes.items()}
        self.version = version
        self.source = source

    def threats(self, code: str) -> tuple[str, ...]:
        """Threat ids for a purpose code; ``()`` when the code's category is not mapped."""
        code = str(code)
        if code in self.codes:
            return self.codes[code]
        return self.categories.get(sector_category(code), ())

    def sectors_for(self, threat: str) -> list[str]:
        """DAC 3-digit categories whose mapping names ``threat`` (for recommendations)."""
        return [c for c, ids in self.categories.items() if threat in ids]


def load_sector_threats(path: str | os.PathLike[str] | None = None) -> SectorThreats:
    """The bundled sector-to-threat mapping, or a user's edited copy of it."""
    return _bundled_sector_threats() if path is None else _sector_threats(path)


@cache
def _bundled_sector_threats() -> SectorThreats:
    return _sector_threats(None)


def _sector_threats(path: str | os.PathLike[str] | None) -> SectorThreats:
    if path is None:
        text = (
            resources.files("humsec.programme").joinpath("sector_threats.yaml").read_text("utf-8")
        )
        source = "humsec/programme/sector_threats.yaml"
    else:
        file = Path(path)
        if not file.is_file():
            raise SpecError(
                "sector-threat mapping not found",
                location=str(file),
                hint="copy humsec/programme/sector_threats.yaml and edit it",
            )
        text, source = file.read_text("utf-8"), str(file)
    data = yaml.safe_load(text) or {}
    if not isinstance(data, dict) or not isinstance(data.get("categories"), dict):
        raise SpecError(
            "the sector-threat mapping needs a 'categories:' mapping",
            location=source,
            hint="see humsec/programme/sector_threats.yaml",
        )
    return SectorThreats(
        data["categories"],
        data.get("codes") or {},
        version=str(data.get("version", "")),
        source=source,
    )


__all__ = [
    "CODELIST_SOURCE",
    "SectorThreats",
    "codelist",
    "load_sector_threats",
    "sector_category",
    "sector_name",
]
