"""Read 3W/4W/5W tables ("who does what where") into one long table.

HXL-tagged tables are read by their hashtags (HXL 1.1, and the legacy 0.x tags such as
``#adm1_id``, ``#reached_num``); untagged tables get tags inferred from common headers, and the
result says which. The output has one row per organisation and role of each input row:

``row``        the input row (1-based file line or spreadsheet row) it came from
``org``        canonical organisation name (:func:`humsec.actors.normalise_names`)
``org_raw``    the name as written
``org_type``   in the programme format's words (government, local_government,
               international_org, ngo, community, private, academia) or missing
``local``      True for national and local actors (localisation), False for international
``org_role``   donor, programme partner or implementing
``sector``, ``adm1``, ``adm2`` (p-codes), ``activity``, ``date``, ``targeted``, ``reached``
``level``      ``adm2`` when the row names an admin-2 code, else ``adm1`` (kept and counted)
``chain``      donor -> programme partner -> implementer of the input row
``org_iati_ref``, ``org_iati_confidence``, ``org_iati_matched_by``
               the organisation's IATI identifier, when a list of IATI organisations is
               given (:func:`link_iati`; missing otherwise or when not linked)

Cells naming several organisations ("A + B", "A / B", "A, B") are split into one row each;
their targeted and reached figures stay on every split row and are flagged in ``shared``
(so sums over organisations count a shared figure more than once, and say so).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from humsec.actors.iati_orgs import link_iati_orgs
from humsec.actors.names import normalise_names
from humsec.errors import ColumnError, DataError

ROLES = ("donor", "programme partner", "implementing")
#: The fields :func:`read_3w` reads; ``columns=`` maps them (and ``org``) to headers.
THREEW_FIELDS = ("donor", "partner", "implementing", "org_type", "sector", "adm1", "adm2",
                 "activity", "date", "targeted", "reached")
THREEW_COLUMNS = ("row", "org", "org_raw", "org_type", "local", "org_role", "sector", "adm1",
                  "adm2", "activity", "date", "targeted", "reached", "level", "chain",
                  "shared", "org_iati_ref", "org_iati_confidence", "org_iati_matched_by")
IATI_LINK_COLUMNS = ("org", "iati_ref", "iati_name", "matched_by", "confidence", "via",
                     "candidates")
# HXL patterns for each field, in order of preference.
_PATTERNS: dict[str, tuple[str, ...]] = {
    "donor": ("#org+funder", "#org+donor"),
    "partner": ("#org+prog", "#org+partner"),
    "implementing": ("#org+impl", "#org+implementing", "#org+name", "#org"),
    "org_type": ("#org+type",),
    "sector": ("#sector+name", "#sector+cluster", "#sector"),
    "adm1": ("#adm1+code", "#adm1"),
    "adm2": ("#adm2+code", "#adm2"),
    "activity": ("#activity+name", "#activity"),
    "date": ("#date",),
    "targeted": ("#targeted",),
    "reached": ("#reached",),
}
# Legacy HXL 0.x hashtags -> HXL 1.1.
LEGACY_TAGS = {"#adm1_id": "#adm1+code", "#adm2_id": "#adm2+code", "#adm1_name": "#adm1+name",
               "#adm2_name": "#adm2+name", "#reached_num": "#reached", "#targeted_num":
               "#targeted", "#date_reported": "#date", "#org_id": "#org+code",
               "#sector_id": "#sector+code", "#org_type": "#org+type",
               "#impl_org": "#org+impl", "#funder": "#org+funder"}
# Common 3W headers (normalised: lower case, single spaces, no punctuation) -> HXL 1.1.
HEADER_TAGS: dict[str, str] = {
    "organisation": "#org+impl", "organization": "#org+impl", "org": "#org+impl",
    "agency": "#org+impl", "implementing partner": "#org+impl",
    "implementing organisation": "#org+impl", "implementing organization": "#org+impl",
    "implementing agency": "#org+impl", "implementer": "#org+impl", "who": "#org+impl",
    "donor": "#org+funder", "funder": "#org+funder", "funding organisation": "#org+funder",
    "funding organization": "#org+funder", "source of funding": "#org+funder",
    "partner": "#org+prog", "programme partner": "#org+prog", "program partner": "#org+prog",
    "appealing organisation": "#org+prog", "lead organisation": "#org+prog",
    "organisation type": "#org+type", "organization type": "#org+type", "org type": "#org+type",
    "type of organisation": "#org+type", "type of organization": "#org+type",
    "sector": "#sector", "cluster": "#sector", "what": "#sector",
    "admin1 pcode": "#adm1+code", "admin 1 pcode": "#adm1+code", "adm1 pcode": "#adm1+code",
    "adm1 code": "#adm1+code", "admin1 code": "#adm1+code", "county code": "#adm1+code",
    "region pcode": "#adm1+code", "province pcode": "#adm1+code", "adm1": "#adm1+code",
    "admin2 pcode": "#adm2+code", "admin 2 pcode": "#adm2+code", "adm2 pcode": "#adm2+code",
    "adm2 code": "#adm2+code", "admin2 code": "#adm2+code", "district pcode": "#adm2+code",
    "subcounty code": "#adm2+code", "sub county code": "#adm2+code", "adm2": "#adm2+code",
    "activity": "#activity", "activities": "#activity", "date": "#date",
    "reporting date": "#date", "start date": "#date", "month": "#date",
    "targeted": "#targeted", "target": "#targeted", "people targeted": "#targeted",
    "beneficiaries targeted": "#targeted", "reached": "#reached", "people reached": "#reached",
    "beneficiaries reached": "#reached", "beneficiaries": "#reached",
}
_SPLIT = re.compile(r"\s+\+\s+|\s*/\s*|\s*,\s+|\s*;\s*")
_TYPE_WORDS: tuple[tuple[tuple[str, ...], str, bool | None], ...] = (
    (("local government", "county government", "district", "municipal", "local authority"),
     "local_government", True),
    (("government", "ministry", "national authority", "public"), "government", True),
    (("un agency", "un ", "united nations", "international organisation",
      "international organization", "multilateral", "ifrc", "icrc", "red cross movement",
      "development bank", "intergovernmental", "regional organisation", "regional body"),
     "international_org", False),
    (("ingo", "international ngo", "international non"), "ngo", False),
    (("nngo", "national ngo", "local ngo", "national non", "national society"), "ngo", True),
    (("cbo", "community", "faith", "women's group", "youth group", "cooperative"),
     "community", True),
    (("ngo", "non-governmental", "non governmental", "civil society", "red cross",
      "foundation"), "ngo", None),
    (("private", "company", "business", "ltd", "enterprise"), "private", None),
    (("academ", "university", "research", "institute"), "academia", None),
)
_LEGACY_TYPES = {"government", "local_government", "international_org", "ngo", "community",
                 "private", "academia"}


@dataclass(frozen=True)
class ThreeW:
    """A 3W table read into the long form (module docstring), with what was inferred."""

    table: pd.DataFrame
    source: str
    tags: dict[str, str]
    inferred: dict[str, str]
    names: pd.DataFrame
    counts: dict[str, int]
    notes: tuple[str, ...] = field(default=())
    iati: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=list(IATI_LINK_COLUMNS)))
    """One row per organisation linked (or not) to an IATI ref by :func:`link_iati`."""
    mapped: dict[str, str] = field(default_factory=dict)
    """The fields read from columns named by the caller (``columns`` of :func:`read_3w`)."""

    def to_frame(self) -> pd.DataFrame:
        """The long table."""
        return self.table.copy()


def org_type(text: Any) -> tuple[str | None, bool | None]:
    """Map a 3W organisation-type cell to the programme format's actor type, and whether the
    actor is national or local (``None``: cannot tell)."""
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return None, None
    low = " " + " ".join(str(text).lower().replace("_", " ").split()) + " "
    if low.strip() in _LEGACY_TYPES or low.strip().replace(" ", "_") in _LEGACY_TYPES:
        kind = low.strip().replace(" ", "_")
        return kind, {"international_org": False, "ngo": None, "private": None,
                      "academia": None}.get(kind, True)
    for words, kind, local in _TYPE_WORDS:
        if any(f" {w.strip()}" in low or low.strip().startswith(w.strip()) for w in words):
            return kind, local
    return None, None


def _norm_header(text: str) -> str:
    text = re.sub(r"[^\w\s]", " ", str(text).lower().replace("p-code", "pcode")
                  .replace("_", " "))
    return " ".join(text.split())


def read_3w(path: str | os.PathLike[str], *, sheet: str | int | None = None,
            iati_orgs: pd.DataFrame | None = None,
            columns: Mapping[str, str] | None = None) -> ThreeW:
    """Read a 3W/4W/5W table (CSV, Excel) with or without an HXL hashtag row.

    Without hashtags, tags are inferred from the headers (:data:`HEADER_TAGS`) and listed in
    ``inferred``. A table with neither a hashtag row, nor a recognisable organisation header,
    nor an organisation column in ``columns`` is an error naming the rows searched for
    hashtags. ``columns`` maps fields (:data:`THREEW_FIELDS`; ``org`` is ``implementing``) to
    the table's headers, for tables whose headers are neither tagged nor common: a mapped
    field takes that column, before any tag or header, and is listed in ``mapped``.
    ``iati_orgs`` (``ref, name``: see :func:`humsec.actors.iati_org_list`) links the
    organisations to IATI identifiers (:func:`link_iati`).
    """
    from humsec.data import HASHTAG_ROW_SEARCH, HxlPattern, HxlTag, read_table

    file = Path(path)
    frame = read_table(file, sheet=sheet)
    mapped = _mapped_columns(frame, columns, file)
    tags = dict(frame.attrs.get("hxl") or {})
    inferred: dict[str, str] = {}
    notes: list[str] = []
    if mapped:
        notes.append("columns mapped: " + ", ".join(f"{f}={c!r}" for f, c in mapped.items()))
    if tags:
        for header, tag in list(tags.items()):
            base = tag.split("+")[0].lower()
            if base in LEGACY_TAGS:
                new = LEGACY_TAGS[base] + "".join("+" + a for a in tag.split("+")[1:])
                tags[header] = new
                notes.append(f"legacy HXL tag {tag} read as {new} ({header!r})")
    else:
        for header in frame.columns:
            tag = HEADER_TAGS.get(_norm_header(header))
            if tag:
                tags[header] = tag
                inferred[str(header)] = tag
        if not any(HxlTag.parse(t).tag == "org" and "type" not in HxlTag.parse(t).attributes
                   for t in tags.values()) and not set(mapped) & {"donor", "partner",
                                                                   "implementing"}:
            first = int(frame.attrs.get("first_data_line", 2)) - 1
            raise DataError(
                f"no HXL hashtag row found (rows 1-{min(HASHTAG_ROW_SEARCH, first + len(frame))}"
                f" were tried) and no header names an organisation (header row {first}: "
                + ", ".join(repr(str(c)) for c in list(frame.columns)[:8]) + ")",
                location=str(file),
                hint="add an HXL hashtag row under the headers (#org+impl, #sector, "
                "#adm1+code, #adm2+code, #reached) or name a column 'Organisation'",
            )
        if inferred:
            notes.append("tags inferred from headers: " + ", ".join(
                f"{c!r} -> {t}" for c, t in inferred.items()))

    def column(field_name: str) -> str | None:
        for pattern in _PATTERNS[field_name]:
            compiled = HxlPattern.parse(pattern)
            for col, tag in tags.items():
                if compiled.matches(HxlTag.parse(tag)) and col not in used:
                    return col
        return None

    used: set[str] = set(mapped.values())
    chosen: dict[str, str | None] = dict(mapped)
    for name in ("donor", "partner", "org_type", "sector", "adm1", "adm2", "activity", "date",
                 "targeted", "reached", "implementing"):
        if name in chosen:
            continue
        chosen[name] = column(name)
        if chosen[name] is not None:
            used.add(str(chosen[name]))
    if all(chosen[r] is None for r in ("donor", "partner", "implementing")):
        raise ColumnError("no organisation column (#org) in the 3W table", location=str(file),
                          hint=f"tags found: {', '.join(sorted(set(tags.values())))}")
    threew = replace(_long(frame, chosen, file, tags, inferred, notes), mapped=mapped)
    return threew if iati_orgs is None else link_iati(threew, iati_orgs)


def _mapped_columns(frame: pd.DataFrame, columns: Mapping[str, str] | None,
                    file: Path) -> dict[str, str]:
    """``columns`` checked against :data:`THREEW_FIELDS` and the table's headers (``org``
    read as ``implementing``)."""
    from humsec.errors import did_you_mean

    out: dict[str, str] = {}
    headers = [str(c) for c in frame.columns]
    for name, header in (columns or {}).items():
        target = "implementing" if name == "org" else name
        if target not in THREEW_FIELDS:
            raise ColumnError(f"{name!r} is not a 3W field", location=f"{file} (columns)",
                              hint="fields: org, " + ", ".join(THREEW_FIELDS))
        if str(header) not in headers:
            raise ColumnError(f"no column {header!r} for the 3W field {name!r}",
                              location=str(file),
                              hint=did_you_mean(str(header), headers)
                              or f"columns: {', '.join(headers[:20])}")
        out[target] = str(header)
    return out


def link_iati(threew: ThreeW, registry: pd.DataFrame) -> ThreeW:
    """Link each organisation of ``threew`` to an IATI ref of ``registry`` (``ref, name``).

    Every name an organisation goes by (its canonical name and each spelling merged into it)
    is matched with :func:`humsec.actors.link_iati_orgs`; the organisation takes the link of
    highest confidence (``via`` names the spelling that matched). Two different refs at the
    same best confidence, or an ambiguous best match, leave it unlinked with the candidates
    listed. The long table gains ``org_iati_ref``, ``org_iati_confidence`` and
    ``org_iati_matched_by``; ``counts`` gains ``iati_linked`` and ``iati_not_linked``.
    """
    members: dict[str, set[str]] = {}
    for raw, name in zip(threew.names["raw"], threew.names["name"], strict=True):
        members.setdefault(str(name), {str(name)}).add(str(raw))
    for org in threew.table["org"].dropna().unique():
        members.setdefault(str(org), {str(org)})
    links = link_iati_orgs({n for names in members.values() for n in names}, registry)
    by_name = links.set_index("raw")
    rows = []
    for org in sorted(members):
        found = by_name.loc[sorted(members[org])]
        linked = found[found["iati_ref"].notna()]
        row: dict[str, Any] = {"org": org, "iati_ref": None, "iati_name": None,
                               "matched_by": "no match", "confidence": np.nan, "via": None,
                               "candidates": ""}
        if len(linked):
            top = linked[linked["confidence"] == linked["confidence"].max()]
            if top["iati_ref"].nunique() == 1:
                best = top.iloc[0]
                row.update(iati_ref=best["iati_ref"], iati_name=best["iati_name"],
                           matched_by=best["matched_by"], confidence=best["confidence"],
                           via=top.index[0])
            else:
                row.update(matched_by="ambiguous",
                           candidates=", ".join(sorted(set(top["iati_ref"]))))
        elif (found["matched_by"] == "ambiguous").any():
            refs = ", ".join(found.loc[found["matched_by"] == "ambiguous", "candidates"])
            row.update(matched_by="ambiguous",
                       candidates=", ".join(sorted(set(refs.split(", ")))))
        rows.append(row)
    iati = pd.DataFrame(rows, columns=list(IATI_LINK_COLUMNS)).astype({"confidence": "float64"})
    by_org = iati.set_index("org")
    table = threew.table.copy()
    table["org_iati_ref"] = table["org"].map(by_org["iati_ref"])
    table["org_iati_confidence"] = table["org"].map(by_org["confidence"]).astype("float64")
    table["org_iati_matched_by"] = table["org"].map(by_org["matched_by"])
    linked_n = int(iati["iati_ref"].notna().sum())
    counts = {**threew.counts, "iati_linked": linked_n, "iati_not_linked": len(iati) - linked_n}
    notes = (*threew.notes, f"IATI identifiers: {linked_n} of {len(iati)} organisations linked "
             f"({len(registry)} listed refs and names)")
    return replace(threew, table=table, counts=counts, notes=notes, iati=iati)


def _cells(frame: pd.DataFrame, col: str | None) -> list[Any]:
    if col is None:
        return [None] * len(frame)
    return [None if (isinstance(v, float) and np.isnan(v)) or v is pd.NA else v
            for v in frame[col].tolist()]


def _split(cell: Any) -> list[str]:
    if cell is None or str(cell).strip() == "":
        return []
    return [p.strip() for p in _SPLIT.split(str(cell)) if p.strip()]


def _long(frame: pd.DataFrame, chosen: dict[str, str | None], file: Path,
          tags: dict[str, str], inferred: dict[str, str], notes: list[str]) -> ThreeW:
    first = int(frame.attrs.get("first_data_line", 2))
    cells = {k: _cells(frame, v) for k, v in chosen.items()}
    numeric = {k: pd.to_numeric(pd.Series(cells[k], dtype=object), errors="coerce").to_numpy()
               for k in ("targeted", "reached")}
    rows: list[dict[str, Any]] = []
    split_cells = 0
    for i in range(len(frame)):
        by_role = {"donor": _split(cells["donor"][i]),
                   "programme partner": _split(cells["partner"][i]),
                   "implementing": _split(cells["implementing"][i])}
        n_orgs = sum(len(v) for v in by_role.values())
        split_cells += sum(1 for v in by_role.values() if len(v) > 1)
        chain = " -> ".join(" + ".join(by_role[r]) for r in ROLES if by_role[r])
        adm2 = cells["adm2"][i]
        kind, local = org_type(cells["org_type"][i])
        for role in ROLES:
            for name in by_role[role]:
                rows.append({
                    "row": first + i, "org_raw": name,
                    "org_type": kind if role == "implementing" else None,
                    "local": local if role == "implementing" else None,
                    "org_role": role, "sector": cells["sector"][i],
                    "adm1": cells["adm1"][i], "adm2": adm2, "activity": cells["activity"][i],
                    "date": cells["date"][i], "targeted": numeric["targeted"][i],
                    "reached": numeric["reached"][i],
                    "level": "adm2" if adm2 not in (None, "") else "adm1", "chain": chain,
                    "shared": len(by_role[role]) > 1,
                })
        if n_orgs == 0:
            notes.append(f"row {first + i}: no organisation named (row skipped)")
    names = normalise_names(r["org_raw"] for r in rows)
    canonical = dict(zip(names["raw"], names["name"], strict=True))
    table = pd.DataFrame(rows, columns=[c for c in THREEW_COLUMNS
                                        if c != "org" and not c.startswith("org_iati")])
    table.insert(1, "org", [canonical.get(str(r).strip(), r) for r in table["org_raw"]])
    table["org_iati_ref"] = None
    table["org_iati_confidence"] = np.nan
    table["org_iati_matched_by"] = None
    table = table[list(THREEW_COLUMNS)]
    for col in ("targeted", "reached"):
        table[col] = table[col].astype("float64")
    at_adm1 = int((table.drop_duplicates("row")["level"] == "adm1").sum()) if len(table) else 0
    counts = {"input_rows": len(frame), "rows": len(table), "rows_at_adm1": at_adm1,
              "split_cells": split_cells, "organisations": int(table["org"].nunique()),
              "names_merged": int((names["raw"] != names["name"]).sum())}
    if at_adm1:
        notes.append(f"{at_adm1} input row(s) give no admin-2 code and stay at admin 1")
    return ThreeW(table, str(file), tags, inferred, names, counts, tuple(notes))


__all__ = ["HEADER_TAGS", "IATI_LINK_COLUMNS", "LEGACY_TAGS", "ROLES", "THREEW_COLUMNS",
           "THREEW_FIELDS", "ThreeW", "link_iati", "org_type", "read_3w"]
