"""The report's focus country: validate what the user typed and name it."""

from __future__ import annotations

import math
from functools import lru_cache

from humsec.errors import HumsecError, did_you_mean

DEFAULT_COUNTRY = "KEN"
"""Country profiled when none is given: Kenya has full HDR, INFORM, WDI and UCDP coverage
and a recorded conflict history, so every part of the profile has something to show."""


@lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    from humsec.data import countries

    table = countries()
    return dict(zip(table["iso3"].astype(str), table["name"].astype(str), strict=True))


def resolve_country(value: str) -> str:
    """Return the ISO3 code of ``value`` (an ISO3/ISO2 code or a country name).

    Codes are matched case-insensitively against the bundled country table; anything else goes
    through :func:`humsec.data.to_iso3`. An unknown value raises :class:`HumsecError` naming
    close matches among codes and names.
    """
    if not isinstance(value, str) or not value.strip():
        raise HumsecError(
            "the focus country is empty",
            location="--country",
            hint="give an ISO3 code such as KEN or a country name such as Kenya",
        )
    text = value.strip()
    names = _country_names()
    if text.upper() in names:
        return text.upper()
    from humsec.data import to_iso3
    from humsec.errors import CountryMatchError

    try:
        matched = list(to_iso3([text], unmatched="keep"))
    except CountryMatchError:
        matched = []
    code = matched[0] if matched else None
    if isinstance(code, str) and code in names:
        return code
    if code is not None and not (isinstance(code, float) and math.isnan(code)):
        code = str(code)
        if code in names:
            return code
    suggestion = _suggest(text, names)
    raise HumsecError(
        f"unknown country {text!r}",
        location="--country",
        hint=(suggestion + " " if suggestion else "")
        + "use an ISO3 code (see `humsec data show countries`) or an English country name",
    )


def _suggest(text: str, names: dict[str, str]) -> str:
    """Codes one letter away from a three-letter input (KEM -> KEN, KHM), else close names."""
    if len(text) == 3 and text.isalpha():
        upper = text.upper()
        near = [c for c in names if sum(a != b for a, b in zip(c, upper, strict=True)) == 1]
        if near:
            shown = ", ".join(f"{c!r} ({names[c]})" for c in sorted(near)[:6])
            return f"did you mean {shown}?"
    by_name = {name: iso for iso, name in names.items()}
    close = did_you_mean(text, by_name)
    return close


def country_label(iso3: str) -> str:
    """``"Kenya (KEN)"`` for a known code, the code itself otherwise."""
    name = _country_names().get(iso3)
    return f"{name} ({iso3})" if name else iso3
