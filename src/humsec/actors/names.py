"""Organisation names: one canonical name per organisation, with a confidence per match.

Matching runs in three passes over the distinct names of a table:

1. **key**: case, punctuation, accents and spacing removed (``"Kenya Red-Cross"`` and
   ``"KENYA RED CROSS"`` share the key ``kenya red cross``); confidence 1.0 for the identical
   spelling, 0.95 otherwise;
2. **acronym**: an all-capitals short name equal to the initials of a longer name's
   significant words (``NDMA`` = National Drought Management Authority), or written in
   brackets after it (``... Authority (NDMA)``); confidence 0.85;
3. **close spelling**: a difflib ratio of at least 0.9 between keys; confidence 0.9 x ratio.

The canonical name of a group is its most frequent long form (ties: the longest, then
alphabetical).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from difflib import SequenceMatcher

import pandas as pd

STOP_WORDS = frozenset({"of", "the", "and", "for", "de", "la", "du", "des", "et", "in", "on",
                        "&"})
FUZZY_CUTOFF = 0.9
_BRACKET = re.compile(r"^(.*?)\s*\(([A-Z][A-Za-z0-9&]{1,11})\)\s*$")


def name_key(name: str) -> str:
    """Case-, accent- and punctuation-free form of a name, single-spaced."""
    text = unicodedata.normalize("NFKD", str(name))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = re.sub(r"[^\w\s]", " ", text.replace("&", " and "))
    return " ".join(text.split())


def acronym(name: str) -> str:
    """Initials of the significant words, upper case (``"World Food Programme"`` -> ``WFP``)."""
    words = [w for w in re.split(r"[\s\-/]+", str(name)) if w and w.lower() not in STOP_WORDS]
    return "".join(w[0] for w in words if w[0].isalpha()).upper()


def _is_acronym(name: str) -> bool:
    bare = re.sub(r"[.\s]", "", str(name))
    return 2 <= len(bare) <= 12 and bare.isupper() and bare.isalnum()


def normalise_names(names: Iterable[str]) -> pd.DataFrame:
    """Match names that denote the same organisation (module docstring).

    Returns one row per distinct input name: ``raw``, ``name`` (canonical), ``matched_by``
    (``identical``, ``key``, ``acronym``, ``close spelling``) and ``confidence``.
    """
    counts = Counter(str(n).strip() for n in names if str(n).strip())
    raw = sorted(counts)
    parent = {r: r for r in raw}
    how: dict[str, tuple[str, float]] = {r: ("identical", 1.0) for r in raw}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def join(a: str, b: str, method: str, confidence: float) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[rb] = ra
        if how[b][1] == 1.0 or confidence < how[b][1]:
            how[b] = (method, confidence)

    by_key: dict[str, list[str]] = {}
    for r in raw:
        bracket = _BRACKET.match(r)
        base = bracket.group(1) if bracket else r
        by_key.setdefault(name_key(base), []).append(r)
    for group in by_key.values():
        for other in group[1:]:
            join(group[0], other, "key", 0.95)
    long_forms = {r: acronym(_BRACKET.sub(r"\1", r)) for r in raw if not _is_acronym(r)}
    short = [r for r in raw if _is_acronym(r)]
    for r in raw:
        bracket = _BRACKET.match(r)
        if bracket:
            for s in short:
                if re.sub(r"[.\s]", "", s).upper() == bracket.group(2).upper():
                    join(r, s, "acronym", 0.85)
    for s in short:
        bare = re.sub(r"[.\s]", "", s).upper()
        matches = [r for r, a in long_forms.items() if a == bare and len(a) >= 3]
        # an acronym that fits two different organisations is left alone
        if matches and len({find(m) for m in matches}) == 1:
            join(matches[0], s, "acronym", 0.85)
    keys = sorted(by_key)
    for i, a in enumerate(keys):
        for b in keys[i + 1:]:
            if abs(len(a) - len(b)) > max(len(a), len(b)) * (1 - FUZZY_CUTOFF) + 1:
                continue
            ratio = SequenceMatcher(None, a, b).ratio()
            if ratio >= FUZZY_CUTOFF and min(len(a), len(b)) >= 6:
                join(by_key[a][0], by_key[b][0], "close spelling", round(0.9 * ratio, 3))
    groups: dict[str, list[str]] = {}
    for r in raw:
        groups.setdefault(find(r), []).append(r)
    canonical: dict[str, str] = {}
    for members in groups.values():
        longs = [m for m in members if not _is_acronym(m)] or members
        best = max(longs, key=lambda m: (counts[m], len(m), [-ord(c) for c in m]))
        best = _BRACKET.sub(r"\1", best)
        for m in members:
            canonical[m] = best
    rows = [{"raw": r, "name": canonical[r], "matched_by": how[r][0] if canonical[r] != r
             else "identical", "confidence": how[r][1] if canonical[r] != r else 1.0}
            for r in raw]
    return pd.DataFrame(rows, columns=["raw", "name", "matched_by", "confidence"])


__all__ = ["FUZZY_CUTOFF", "acronym", "name_key", "normalise_names"]
