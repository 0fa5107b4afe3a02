"""Organisation names linked to IATI organisation identifiers, each link with a confidence.

IATI names an organisation by its identifier (``ref``): a registration agency's prefix and the
organisation's number in it (IATI Organisation Identifier standard), such as ``XM-DAC-41140``
for the World Food Programme. A list of refs and names comes from the user (a table with
``ref`` and ``name`` columns, :func:`iati_org_list`) or from an IATI import's
``reporting-org`` and ``participating-org`` elements (:func:`iati_orgs_from_activities`).

Each organisation name is linked to the best-matching ref, in passes of falling confidence:

============== ========== ==========================================================
pass           confidence rule
============== ========== ==========================================================
ref            1.0        the name *is* a ref of the list (``xm-dac-41140``)
identical      1.0        the same spelling as a listed name
key            0.95       the same after case, accents, punctuation and spacing
                          (:func:`humsec.actors.name_key`): ``Médecins Sans Frontières``
                          = ``MEDECINS SANS FRONTIERES``; ``Kenya Red-Cross`` = ``Kenya
                          Red Cross``
acronym        0.85       one name is an all-capitals acronym of the other's
                          significant words, or the acronym in its brackets:
                          ``WFP`` = ``World Food Programme``; ``UNICEF`` =
                          ``United Nations Children's Fund (UNICEF)``
close spelling 0.9 × r    a difflib ratio r ≥ 0.9 between keys of six characters or
                          more (``Save the Childen`` ~ ``Save the Children``)
============== ========== ==========================================================

A name whose best pass fits two different refs is *ambiguous*: it is not linked, and the
candidates are listed. A name no pass fits is *not linked*: its ref and confidence are missing,
never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from difflib import SequenceMatcher
from typing import Any

import pandas as pd

from humsec.actors.names import FUZZY_CUTOFF, acronym, name_key
from humsec.errors import ColumnError, DataError

IATI_ORG_COLUMNS = ("ref", "name", "source")
LINK_COLUMNS = ("raw", "iati_ref", "iati_name", "matched_by", "confidence", "candidates")
#: Confidence of each pass (module docstring); "close spelling" is 0.9 x the ratio.
LINK_CONFIDENCE = {"ref": 1.0, "identical": 1.0, "key": 0.95, "acronym": 0.85}
_REF_HEADERS = ("ref", "iati_ref", "org_ref", "identifier", "organisation_identifier",
                "organization_identifier", "org_id", "iati_identifier")
_NAME_HEADERS = ("name", "org_name", "organisation", "organization", "org", "narrative")
_BRACKET = re.compile(r"^(.*?)\s*\(([A-Z][A-Za-z0-9&]{1,11})\)\s*$")


def _header(text: Any) -> str:
    return "_".join(re.sub(r"[^\w\s]", " ", str(text).lower()).split())


def iati_org_list(table: pd.DataFrame, *, where: str = "IATI organisation list"
                  ) -> pd.DataFrame:
    """A user's list of IATI organisations as ``ref, name, source``.

    ``table`` needs a ref column (``ref``, ``iati_ref``, ``identifier``, ``org_id`` …) and a
    name column (``name``, ``organisation``, ``org_name`` …), matched case- and
    punctuation-free. A row with a name but no ref is an error naming the row.
    """
    headers = {_header(c): c for c in table.columns}
    ref_col = next((headers[h] for h in _REF_HEADERS if h in headers), None)
    name_col = next((headers[h] for h in _NAME_HEADERS if h in headers), None)
    if ref_col is None or name_col is None:
        missing = " and no ".join(w for w, c in (("ref", ref_col), ("name", name_col))
                                  if c is None)
        raise ColumnError(
            f"the IATI organisation list has no {missing} column",
            location=where,
            hint="give columns 'ref' (the IATI organisation identifier, e.g. XM-DAC-41140) "
            f"and 'name'; columns found: {', '.join(map(str, table.columns))}",
        )
    refs = table[ref_col].map(lambda v: "" if pd.isna(v) else str(v).strip())
    names = table[name_col].map(lambda v: "" if pd.isna(v) else str(v).strip())
    blank = refs.index[(refs == "") & (names != "")]
    if len(blank):
        row = int(list(table.index).index(blank[0])) + 2
        raise DataError(
            f"{len(blank)} organisation(s) without a ref (first: {names[blank[0]]!r}, row "
            f"{row})", location=f"{where}, column {ref_col!r}",
            hint="give each organisation its IATI identifier, or leave the row out")
    keep = (refs != "") & (names != "")
    out = pd.DataFrame({"ref": refs[keep], "name": names[keep], "source": where})
    return out.drop_duplicates(["ref", "name"]).reset_index(drop=True)


def iati_orgs_from_activities(activities: pd.DataFrame, *, source: str = "IATI import"
                              ) -> pd.DataFrame:
    """The refs and names of an IATI import's reporting and participating organisations.

    ``activities`` is :attr:`humsec.programme.IatiImport.activities` (its
    ``participating_orgs`` lists of ``{"name", "ref", ...}``, and ``reporting_org_ref`` with
    ``reporting_org_name``); organisations without a ref are left out.
    """
    rows: list[tuple[str, str, str]] = []
    if "reporting_org_ref" in activities.columns and "reporting_org_name" in activities.columns:
        for ref, name in zip(activities["reporting_org_ref"], activities["reporting_org_name"],
                             strict=True):
            if ref and name and not pd.isna(ref) and not pd.isna(name):
                rows.append((str(ref).strip(), str(name).strip(), f"{source}: reporting-org"))
    for orgs in activities.get("participating_orgs", pd.Series(dtype=object)):
        for org in orgs or []:
            ref, name = org.get("ref"), org.get("name")
            if ref and name and str(ref).strip() != str(name).strip():
                rows.append((str(ref).strip(), str(name).strip(),
                             f"{source}: participating-org"))
    out = pd.DataFrame(rows, columns=list(IATI_ORG_COLUMNS))
    return out.drop_duplicates(["ref", "name"]).reset_index(drop=True)


def _bare(text: str) -> str:
    return re.sub(r"[.\s]", "", text).upper()


def _is_acronym(text: str) -> bool:
    bare = re.sub(r"[.\s]", "", text)
    return 2 <= len(bare) <= 12 and bare.isupper() and bare.isalnum()


def _explicit_acronyms(name: str) -> set[str]:
    """The acronyms a name states: itself when it is one, or the one in its brackets."""
    found = {_bare(name)} if _is_acronym(name) else set()
    bracket = _BRACKET.match(name)
    if bracket:
        found.add(bracket.group(2).upper())
    return found


def _initials(name: str) -> set[str]:
    """The initials of a long name's significant words (three letters or more)."""
    bracket = _BRACKET.match(name)
    long_form = bracket.group(1) if bracket else name
    if _is_acronym(long_form):
        return set()
    initials = acronym(long_form)
    return {initials} if len(initials) >= 3 else set()


class _Registry:
    """Indexes of a ref list for the passes of :func:`link_iati_orgs`."""

    def __init__(self, registry: pd.DataFrame) -> None:
        missing = [c for c in ("ref", "name") if c not in registry.columns]
        if missing:
            raise ColumnError(f"the IATI organisation list lacks {', '.join(missing)}",
                              location="link_iati_orgs(registry=...)",
                              hint="build it with iati_org_list or iati_orgs_from_activities")
        self.pairs = [(str(r), str(n)) for r, n in zip(registry["ref"], registry["name"],
                                                       strict=True)]
        self.name_of: dict[str, str] = {}
        self.by_ref: dict[str, set[str]] = {}
        self.by_name: dict[str, set[str]] = {}
        self.by_key: dict[str, set[str]] = {}
        self.by_stated: dict[str, set[str]] = {}
        self.by_initials: dict[str, set[str]] = {}
        for ref, name in self.pairs:
            self.name_of.setdefault(ref, name)
            self.by_ref.setdefault(ref.casefold(), set()).add(ref)
            self.by_name.setdefault(name, set()).add(ref)
            bracket = _BRACKET.match(name)
            self.by_key.setdefault(name_key(bracket.group(1) if bracket else name),
                                   set()).add(ref)
            for short in _explicit_acronyms(name):
                self.by_stated.setdefault(short, set()).add(ref)
            for short in _initials(name):
                self.by_initials.setdefault(short, set()).add(ref)

    def passes(self, name: str) -> Iterable[tuple[str, float, set[str]]]:
        yield "ref", 1.0, self.by_ref.get(name.casefold(), set())
        yield "identical", 1.0, self.by_name.get(name, set())
        bracket = _BRACKET.match(name)
        key = name_key(bracket.group(1) if bracket else name)
        yield "key", 0.95, self.by_key.get(key, set())
        # an acronym on at least one side: two long names with equal initials do not match
        refs: set[str] = set()
        for short in _explicit_acronyms(name):
            refs |= self.by_stated.get(short, set()) | self.by_initials.get(short, set())
        for short in _initials(name):
            refs |= self.by_stated.get(short, set())
        yield "acronym", 0.85, refs
        best, ratio = set(), 0.0
        if len(key) >= 6:
            for other, other_refs in self.by_key.items():
                if len(other) < 6 or abs(len(other) - len(key)) > len(key) * 0.1 + 1:
                    continue
                r = SequenceMatcher(None, key, other).ratio()
                if r >= FUZZY_CUTOFF and r > ratio + 1e-12:
                    best, ratio = set(other_refs), r
                elif r >= FUZZY_CUTOFF and abs(r - ratio) <= 1e-12:
                    best |= other_refs
        yield "close spelling", round(0.9 * ratio, 3), best


def link_iati_orgs(names: Iterable[str], registry: pd.DataFrame) -> pd.DataFrame:
    """Link each distinct name to an IATI ref of ``registry`` (``ref, name``), as the module
    docstring's passes say.

    Returns one row per distinct name: ``raw``, ``iati_ref`` and ``iati_name`` (missing when
    not linked), ``matched_by`` (a pass, ``ambiguous`` or ``no match``), ``confidence``
    (missing when not linked) and ``candidates`` (the refs an ambiguous name fits).
    """
    index = _Registry(registry)
    rows = []
    for raw in sorted({str(n).strip() for n in names if str(n).strip()}):
        row: dict[str, Any] = {"raw": raw, "iati_ref": None, "iati_name": None,
                               "matched_by": "no match", "confidence": float("nan"),
                               "candidates": ""}
        for method, confidence, refs in index.passes(raw):
            if len(refs) == 1:
                ref = next(iter(refs))
                row.update(iati_ref=ref, iati_name=index.name_of[ref], matched_by=method,
                           confidence=confidence)
                break
            if len(refs) > 1:
                row.update(matched_by="ambiguous", candidates=", ".join(sorted(refs)))
                break
        rows.append(row)
    frame = pd.DataFrame(rows, columns=list(LINK_COLUMNS))
    return frame.astype({"confidence": "float64"})


__all__ = ["IATI_ORG_COLUMNS", "LINK_COLUMNS", "LINK_CONFIDENCE", "iati_org_list",
           "iati_orgs_from_activities", "link_iati_orgs"]
