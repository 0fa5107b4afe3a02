"""Country names and codes to ISO3, offline, and the bundled country metadata table.

Matching uses the country_converter (coco) classification table shipped with that package
(regular expressions for names in many spellings, ISO2/ISO3/ISO numeric codes; Stadler 2017,
Journal of Open Source Software 2(16), 332). coco is slow per call, so every distinct input
value is converted once and remembered for the whole session.
"""

from __future__ import annotations

import importlib.resources
import logging
import re
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from humsec.errors import CountryMatchError, DataError

if TYPE_CHECKING:
    import pandas as pd

# Variants that coco's regular expressions do not catch, seen in UN, OWID, IDMC and HDR files.
EXTRA_ALIASES: dict[str, str] = {
    "turkiye": "TUR",
    "türkiye": "TUR",
    "kosovo": "XKX",
    "abyei area": "AB9",
    "micronesia": "FSM",
    "timor": "TLS",
    "serbia-montenegro": "SCG",
    "serbia and montenegro": "SCG",
    "czechoslovakia": "CSK",
    "yugoslavia": "YUG",
    "soviet union": "SUN",
    "ussr": "SUN",
    "netherlands antilles": "ANT",
    "channel islands": "CHI",
}

# Codes that are not ISO 3166 but are used by the World Bank, IDMC or historical tables.
NON_ISO_CODES: dict[str, str] = {
    "XKX": "Kosovo",
    "AB9": "Abyei Area",
    "CHI": "Channel Islands",
    "ANT": "Netherlands Antilles",
    "SUN": "Soviet Union",
    "YUG": "Yugoslavia",
    "CSK": "Czechoslovakia",
    "SCG": "Serbia and Montenegro",
}

# Gleditsch–Ward codes coco does not map, assigned to the present-day successor state.
GW_OVERRIDES: dict[int, str] = {
    316: "CZE",  # Czech Republic (coco maps only 315 Czechoslovakia to CZE)
    345: "SRB",  # Yugoslavia / Serbia-Montenegro: Belgrade government, successor Serbia
    678: "YEM",  # Yemen Arab Republic / unified Yemen (coco maps 680 South Yemen to YEM)
    751: "IND",  # Hyderabad (1948), absorbed into India
    816: "VNM",  # (North) Vietnam, the present Vietnamese state (coco maps 817 to VNM)
}


@cache
def coco_table() -> pd.DataFrame:
    """coco's classification table read as plain strings (its own reader breaks on pandas 3)."""
    import pandas as pd

    path = importlib.resources.files("country_converter") / "country_data.tsv"
    with path.open("r", encoding="utf-8") as handle:
        table = pd.read_csv(handle, sep="\t", dtype=str, keep_default_na=False)
    return table


@cache
def _converter() -> Any:
    import country_converter as coco

    logging.getLogger("country_converter").setLevel(logging.CRITICAL)
    logging.getLogger("country_converter.country_converter").setLevel(logging.CRITICAL)
    data = coco_table().replace("", None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return coco.CountryConverter(country_data=data)


def iso2_code(pattern: str) -> str:
    """The ISO2 code in a coco ISO2 cell (``"^GR$|^EL$"`` -> ``"GR"``), or ``""``."""
    codes = re.findall(r"[A-Z]{2}", pattern or "")
    return codes[0] if codes else ""


@cache
def _code_maps() -> tuple[set[str], dict[str, str], dict[str, str]]:
    table = coco_table()
    iso3 = set(table["ISO3"]) | set(NON_ISO_CODES)
    numeric = {
        str(int(v)): c for v, c in zip(table["ISOnumeric"], table["ISO3"], strict=True) if v
    }
    iso2: dict[str, str] = {}
    for pattern, code in zip(table["ISO2"], table["ISO3"], strict=True):
        # coco stores alternatives as a pattern ("^GR$|^EL$", "^GB$|^UK$"): take each code.
        for value in re.findall(r"[A-Z]{2}", pattern):
            iso2.setdefault(value, code)
    return iso3, numeric, iso2


_MATCHED: dict[str, str | None] = {}
_NOT_FOUND = "__humsec_not_found__"


def _match_unique(values: list[str]) -> dict[str, str | None]:
    """Resolve distinct strings to ISO3 (``None`` if unmatched), using and filling the cache."""
    iso3, numeric, iso2 = _code_maps()
    todo: list[str] = []
    for value in values:
        if value in _MATCHED:
            continue
        text = value.strip()
        upper = text.upper()
        if re.fullmatch(r"[A-Za-z][A-Za-z0-9]{2}", text) and upper in iso3:
            _MATCHED[value] = upper
        elif re.fullmatch(r"\d{1,3}(\.0)?", text):
            _MATCHED[value] = numeric.get(str(int(float(text))))
        elif re.fullmatch(r"[A-Za-z]{2}", text) and upper in iso2:
            _MATCHED[value] = iso2[upper]
        elif text.casefold() in EXTRA_ALIASES:
            _MATCHED[value] = EXTRA_ALIASES[text.casefold()]
        elif not text:
            _MATCHED[value] = None
        else:
            todo.append(value)
    if todo:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = _converter().convert(
                [v.strip() for v in todo], src="regex", to="ISO3", not_found=_NOT_FOUND
            )
        if isinstance(result, str):
            result = [result]
        for value, code in zip(todo, result, strict=True):
            # coco returns a list when a name matches several countries: treat as unmatched.
            _MATCHED[value] = code if isinstance(code, str) and code != _NOT_FOUND else None
    return {v: _MATCHED[v] for v in values}


@dataclass(frozen=True)
class CountryMatch:
    """Result of matching country names/codes: ISO3 per input, and what did not match."""

    iso3: pd.Series
    unmatched: list[str] = field(default_factory=list)

    @property
    def n_unmatched_rows(self) -> int:
        """Rows left without an ISO3 code: unmatched names and missing inputs (not distinct)."""
        return int(self.iso3.isna().sum())


def match_countries(values: Iterable[Any] | pd.Series) -> CountryMatch:
    """Match names, ISO2/ISO3/ISO-numeric codes and common variants to ISO3.

    Missing inputs (NaN/None) stay missing and are not reported as unmatched names. Each
    distinct value is converted once (cached across calls), then mapped back to every row.
    """
    import pandas as pd

    if isinstance(values, pd.DataFrame):
        raise DataError(
            "country matching takes one column, not a table",
            hint="pass the column holding country names or codes, e.g. frame['country']",
        )
    series = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
    # Work on distinct values only: factorize is O(n) in C, names are matched once each.
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    texts = [_as_text(u) for u in uniques]
    lookup = _match_unique(sorted(set(texts)))
    per_unique = np.array([lookup[t] for t in texts] + [None], dtype=object)  # -1 -> None
    out = pd.Series(per_unique[codes], index=series.index, dtype=object).astype("str")
    unmatched = sorted({t for t in texts if lookup[t] is None})
    return CountryMatch(iso3=out, unmatched=unmatched)


def _as_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def to_iso3(
    values: Iterable[Any] | pd.Series | str,
    *,
    unmatched: Literal["raise", "keep"] = "raise",
    location: str | None = None,
) -> pd.Series | str:
    """Convert country names or codes to ISO3 codes, offline.

    Accepts ISO3 ("KEN"), ISO2 ("KE"), ISO numeric (404) and names in common spellings
    ("Kenya", "Côte d'Ivoire", "Ivory Coast", "Korea, Rep.", "Congo, Dem. Rep.").
    With ``unmatched="raise"`` any name that cannot be matched raises
    :class:`~humsec.errors.CountryMatchError` listing all of them; with ``"keep"`` they become
    missing and are listed in ``result.attrs["unmatched"]``. A single string returns a string.
    """
    if unmatched not in ("raise", "keep"):
        raise DataError(
            f"unmatched must be 'raise' or 'keep', not {unmatched!r}", location=location
        )
    if isinstance(values, str):
        match = match_countries([values])
        if match.unmatched:
            raise CountryMatchError(match.unmatched, location=location)
        return str(match.iso3.iloc[0])
    match = match_countries(values)
    if match.unmatched and unmatched == "raise":
        raise CountryMatchError(match.unmatched, location=location)
    result = match.iso3
    result.attrs["unmatched"] = list(match.unmatched)
    return result


@cache
def _gw_map() -> dict[int, str]:
    table = coco_table()
    mapping = {int(g): c for g, c in zip(table["GWcode"], table["ISO3"], strict=True) if g}
    mapping.update(GW_OVERRIDES)
    return mapping


def gw_to_iso3(codes: pd.Series) -> pd.Series:
    """Map Gleditsch–Ward state codes to ISO3 (coco's GWcode plus documented successor fixes).

    Raises :class:`~humsec.errors.DataError` listing codes that have no mapping, so that no
    conflict party is silently lost.
    """
    import pandas as pd

    mapping = _gw_map()
    as_int = pd.to_numeric(codes, errors="coerce")
    unknown = sorted({int(c) for c in as_int.dropna() if int(c) not in mapping})
    if unknown:
        raise DataError(
            f"Gleditsch–Ward codes without an ISO3 mapping: {unknown}",
            hint="add them to humsec.data.countries.GW_OVERRIDES with their successor state",
        )
    return as_int.map(lambda c: mapping.get(int(c)) if pd.notna(c) else None).astype("str")


def countries() -> pd.DataFrame:
    """The bundled country table: iso3, iso2, iso_numeric, name, official_name, continent,
    un_region, hdr_region, hdr_group; one row per code used anywhere in the bundled data."""
    from humsec.data.catalog import load

    return load("countries")
