"""Read IATI activity XML (versions 2.01-2.03) as published by donors, in bounded memory.

The file is streamed with ``lxml.etree.iterparse``: each ``<iati-activity>`` is read when it
closes and then cleared, together with the siblings before it, so memory holds one activity
at a time plus the output rows. One row per activity goes to :attr:`IatiImport.activities`;
every element the importer does not map to a column is kept, with its attributes and text, in
the ``extra`` column (JSON), never dropped.

Values are converted to US dollars at annual average rates (:mod:`humsec.programme.currency`:
by default the ECB reference rates' calendar-year means, and the IMF's official annual rates
for the currency-years the ECB does not quote, such as KES or MZN) for the year of each value's
``value-date`` (else the period start or transaction date). A value in a currency the rates do
not cover (a retired code such as SLL, or ZWG), or in a year outside their coverage, is left
missing, flagged in :attr:`IatiImport.issues` and counted in
:attr:`IatiImport.conversion_gaps`; one converted at the nearest year's rate is flagged and
counted too.
``budget_total_usd`` sums the revised budgets (``type="2"``) when an activity gives any, else
the original ones; ``disbursed_usd`` sums disbursement and expenditure transactions (types 3
and 4), as IATI's own dashboards count spending.

Data-quality flags (:attr:`IatiImport.issues`): missing or vague titles and descriptions, no
sub-national location, transactions without dates, unknown codes (sector, organisation type
and role, status, currency, country, policy marker), single values above the recipient
country's GDP (bundled WDI) or above 10^10 USD, and budgets that do not add up (sector or
country percentages not summing to 100, overlapping budget periods, spending above the
budget).
"""

from __future__ import annotations

import itertools
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from humsec.errors import DataError, HumsecError
from humsec.framework import Framework, default_framework
from humsec.programme.codelists import codelist, load_sector_threats
from humsec.programme.currency import GAP_CURRENCY, ExchangeRates, exchange_rates
from humsec.programme.model import Programme

SUPPORTED_VERSIONS = ("2.01", "2.02", "2.03")
#: A single value above this many US dollars is flagged (a common sign of a wrong currency).
VALUE_CEILING_USD = 1e10
ACTIVITY_COLUMNS = (
    "iati_identifier", "reporting_org_ref", "title", "recipient_countries", "sectors", "start",
    "end", "status", "participating_orgs", "locations", "policy_markers", "humanitarian",
    "budget_total_usd", "disbursed_usd", "currency", "reporting_org_name",
)
ISSUE_COLUMNS = ("iati_identifier", "field", "severity", "message")
GAP_COLUMNS = ("currency", "reason", "values", "activities", "years")
_MAPPED = {
    "iati-identifier", "reporting-org", "title", "description", "participating-org",
    "activity-status", "activity-date", "recipient-country", "location", "sector",
    "policy-marker", "humanitarian-scope", "budget", "transaction", "result",
}
_VAGUE_WORDS = {"project", "programme", "program", "activity", "support", "various", "other",
                "misc", "tbd", "n/a", "na", "none", "test", "untitled", "title", "general",
                "assistance", "aid", "funding", "grant", "contribution"}
_ROLE = {"1": "funding", "2": "accountable", "3": "extending", "4": "implementing"}
_TYPE = {"10": "government", "11": "local_government", "15": "government", "21": "ngo",
         "22": "ngo", "23": "ngo", "24": "ngo", "30": "private", "40": "international_org",
         "60": "ngo", "70": "private", "71": "private", "72": "private", "73": "private",
         "80": "academia"}
# DAC policy markers that name a vulnerable group or a risk measure, significance >= 1.
_MARKER_GROUPS = {"1": "women", "11": "persons_with_disabilities", "9": "children"}
_MARKER_MEASURES = {"10": "disaster_risk_reduction", "7": "climate change adaptation"}


@dataclass(frozen=True)
class IatiImport:
    """The result of :func:`read_iati`: activities, programmes and data-quality issues."""

    activities: pd.DataFrame
    programmes: list[Programme]
    issues: pd.DataFrame
    source: str
    version: str
    exchange_rate_source: str
    notes: tuple[str, ...] = field(default=())
    conversion_gaps: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=list(GAP_COLUMNS)))
    """Values not converted (``reason`` "currency not covered" or "year not covered") or
    converted at the nearest year's rate ("nearest year"), counted per currency: ``values``,
    ``activities`` and the ``years`` asked for."""

    def to_frame(self) -> pd.DataFrame:
        """The activities table."""
        return self.activities.copy()


def read_iati(
    path: str | os.PathLike[str],
    *,
    framework: Framework | None = None,
    rates: ExchangeRates | None = None,
    programmes: bool = True,
    progress: Callable[[int], None] | None = None,
) -> IatiImport:
    """Stream an IATI activity file (2.01-2.03) into activities, programmes and issues.

    ``framework`` checks the programmes' threat ids (default: bundled); ``rates`` converts
    values to USD (default: the bundled table); ``programmes=False`` skips building
    :class:`Programme` objects. ``progress(n)`` is called every 1,000 activities.
    Not IATI, an unsupported version and malformed XML (with line and column) raise
    :class:`~humsec.errors.DataError`.
    """
    from lxml import etree

    file = Path(path)
    if not file.is_file():
        raise DataError("IATI file not found", location=str(file),
                        hint="check the path (an IATI activity XML file)")
    fw = framework or default_framework()
    fx = rates or exchange_rates()
    reader = _ActivityReader(file, fw, fx, programmes)
    version = ""
    try:
        for _, root in etree.iterparse(str(file), events=("start",), huge_tree=True,
                                       resolve_entities=False):
            version = _check_root(root, file)
            break
        else:
            raise DataError("the file holds no XML element", location=str(file),
                            hint="give an IATI activity XML file")
        events = etree.iterparse(str(file), events=("end",), tag="iati-activity",
                                 huge_tree=True, remove_comments=True, resolve_entities=False)
        for _, element in events:
            reader.read(element, version)
            element.clear(keep_tail=False)
            parent = element.getparent()
            while element.getprevious() is not None and parent is not None:
                del parent[0]
            if progress and reader.count % 1000 == 0:
                progress(reader.count)
    except etree.XMLSyntaxError as error:
        line, column = getattr(error, "position", (getattr(error, "lineno", 0), 0))
        raise DataError(f"malformed XML: {error.msg}", location=f"{file}:{line}:{column}",
                        hint="fix the XML at that line and column (an unclosed tag, a stray "
                        "'&' or a truncated file)") from None
    except HumsecError:
        raise
    frame = pd.DataFrame(reader.rows, columns=[*ACTIVITY_COLUMNS, "extra"])
    issues = pd.DataFrame(reader.issues, columns=list(ISSUE_COLUMNS))
    notes = []
    if not fx.verified:
        notes.append(f"exchange rates: {fx.source} (not verified against its source)")
    gaps = reader.gap_table()
    for reason, part in gaps.groupby("reason", sort=False):
        listed = ", ".join(f"{c} {n}" for c, n in zip(part["currency"], part["values"],
                                                      strict=True))
        verb = "converted at the nearest year's rate" if reason == "nearest year" else \
            f"not converted ({reason})"
        notes.append(f"{int(part['values'].sum())} value(s) {verb}: {listed}")
    notes.extend(_source_notes(reader.by_source, fx))
    return IatiImport(frame, reader.programmes, issues, str(file), version, fx.source,
                      tuple(notes), gaps)


def _source_notes(by_source: dict[tuple[str, str], int], fx: ExchangeRates) -> list[str]:
    """``values converted with the IMF's official rates: KES 3, MZN 1`` per rate source."""
    out = []
    for source in sorted({s for s, _ in by_source}):
        short = fx.source_info.get(source, {}).get("short", source)
        listed = ", ".join(f"{c} {n}" for (s, c), n in sorted(by_source.items()) if s == source)
        out.append(f"values converted with {short}: {listed}")
    return out


def _check_root(element: Any, file: Path) -> str:
    if element.tag != "iati-activities":
        raise DataError(
            f"not an IATI activity file: the root element is <{element.tag}>",
            location=f"{file}:{element.sourceline}",
            hint="IATI organisation files are not programmes; give a file whose root is "
            "<iati-activities>",
        )
    version = str(element.get("version") or "").strip()
    if version not in SUPPORTED_VERSIONS:
        raise DataError(
            f"unsupported IATI version {version or '(not stated)'!r}",
            location=f"{file}:{element.sourceline}",
            hint=f"humsec reads IATI {', '.join(SUPPORTED_VERSIONS)}; convert 1.x files with "
            "the IATI upgrade tools or re-export from the publisher",
        )
    return version


@cache
def _country_maps() -> tuple[dict[str, str], dict[str, dict[int, float]]]:
    """ISO2 -> ISO3, and GDP (current USD) by ISO3 and year from the bundled WDI extract."""
    from humsec.data import countries, load

    table = countries()
    iso2 = {str(a).upper(): str(b) for a, b in zip(table["iso2"], table["iso3"], strict=False)
            if isinstance(a, str)}
    wdi = load("wdi")
    gdp = wdi[wdi["variable"] == "gdp"]
    by_year: dict[str, dict[int, float]] = {}
    for iso3, year, value in zip(gdp["iso3"], gdp["year"], gdp["value"], strict=True):
        by_year.setdefault(str(iso3), {})[int(year)] = float(value)
    return iso2, by_year


def _narrative(element: Any) -> str:
    if element is None:
        return ""
    texts = [n for n in element.iterfind("narrative")]
    english = [n for n in texts
               if n.get("{http://www.w3.org/XML/1998/namespace}lang", "en") == "en"]
    chosen = (english or texts)
    text = chosen[0].text if chosen else element.text
    return " ".join(str(text or "").split())


def _year(date: str | None) -> int | None:
    if date and re.match(r"^\d{4}", date):
        return int(date[:4])
    return None


def _number(text: Any) -> float | None:
    try:
        return float(str(text).replace(",", "").strip())
    except (TypeError, ValueError):
        return None


def _element_record(element: Any) -> dict[str, Any]:
    record: dict[str, Any] = {k: v for k, v in element.attrib.items()}
    text = _narrative(element) if element.find("narrative") is not None else " ".join(
        str(element.text or "").split())
    if text:
        record["text"] = text
    children = [c for c in element if isinstance(c.tag, str) and c.tag != "narrative"]
    if children:
        record["children"] = [{"tag": c.tag, **_element_record(c)} for c in children[:20]]
    return record


class _ActivityReader:
    """Turns one ``<iati-activity>`` element into a row, issues and a programme."""

    def __init__(self, file: Path, framework: Framework, rates: ExchangeRates,
                 build: bool) -> None:
        self.file, self.fw, self.fx, self.build = file, framework, rates, build
        self.rows: list[tuple[Any, ...]] = []
        self.issues: list[tuple[str, str, str, str]] = []
        self.programmes: list[Programme] = []
        self.count = 0
        # (currency, reason) -> [values, activity ids, years asked for]
        self.gaps: dict[tuple[str, str], tuple[list[int], set[str], set[str]]] = {}
        self.by_source: dict[tuple[str, str], int] = {}  # (rate source, currency) -> values
        self.sectors = codelist("sector")
        self.types = codelist("organisation_type")
        self.statuses = codelist("activity_status")
        self.currencies = codelist("currency")
        self.markers = codelist("policy_marker")
        self.iso2, self.gdp = _country_maps()
        self.sector_threats = load_sector_threats()

    def flag(self, ident: str, where: str, severity: str, message: str) -> None:
        self.issues.append((ident, where, severity, message))

    def xpath(self, n: int, rest: str = "") -> str:
        return f"{self.file.name}: /iati-activities/iati-activity[{n}]{rest}"

    def usd(self, ident: str, where: str, value: float, currency: str, date: str | None,
            iso3: list[str]) -> float | None:
        year = _year(date)
        conv = self.fx.convert(value, currency, year)
        if conv.gap:
            code = (currency or "").upper() or "(none)"
            count, idents, years = self.gaps.setdefault((code, conv.gap), ([0], set(), set()))
            count[0] += 1
            idents.add(ident)
            years.add(str(year) if year is not None else "no date")
        if conv.usd is None:
            self.flag(ident, where, "warning", f"{conv.note}: value {value:,.0f} not converted "
                                               "(left missing)")
            return None
        if conv.source:
            key = (conv.source, (currency or "").upper())
            self.by_source[key] = self.by_source.get(key, 0) + 1
        if conv.note:
            self.flag(ident, where, "warning" if conv.gap else "info", conv.note)
        if value < 0:
            self.flag(ident, where, "warning", f"negative value {value:,.0f} {currency}")
        if conv.usd > VALUE_CEILING_USD:
            self.flag(ident, where, "error", f"{conv.usd:,.0f} USD is above 10^10 USD: check "
                                             f"the currency ({currency}) and the units")
        for country in iso3:
            gdp = self._gdp(country, _year(date))
            if gdp is not None and conv.usd > gdp:
                self.flag(ident, where, "error", f"{conv.usd:,.0f} USD is more than "
                                                 f"{country}'s GDP ({gdp:,.0f} USD): a wrong "
                                                 "currency or units?")
        return conv.usd

    def gap_table(self) -> pd.DataFrame:
        rows = [(c, r, n[0], len(ids), ", ".join(sorted(ys)))
                for (c, r), (n, ids, ys) in sorted(self.gaps.items(),
                                                   key=lambda kv: (kv[0][1] != GAP_CURRENCY,
                                                                   kv[0]))]
        return pd.DataFrame(rows, columns=list(GAP_COLUMNS))

    def _gdp(self, iso3: str, year: int | None) -> float | None:
        series = self.gdp.get(iso3)
        if not series:
            return None
        if year is None or year not in series:
            year = min(series, key=lambda y: (abs(y - (year or max(series))), -y))
        return series[year]

    def read(self, act: Any, version: str) -> None:
        self.count += 1
        n = self.count
        ident = (act.findtext("iati-identifier") or "").strip()
        if not ident:
            ident = f"(activity {n} without iati-identifier)"
            self.flag(ident, "iati-identifier", "error", "the activity has no iati-identifier")
        currency = (act.get("default-currency") or "").strip().upper()
        if currency and currency not in self.currencies:
            self.flag(ident, "@default-currency", "warning", f"unknown currency {currency!r}")
        title = _narrative(act.find("title"))
        self._check_text(ident, title, "title")
        descriptions = [_narrative(d) for d in act.iterfind("description")]
        if not any(descriptions):
            self.flag(ident, "description", "warning", "no description")
        reporting = act.find("reporting-org")
        reporting_ref = reporting.get("ref", "") if reporting is not None else ""
        reporting_name = _narrative(reporting) if reporting is not None else ""
        countries, iso3 = self._countries(act, ident)
        extra: dict[str, list[Any]] = {}
        sectors = self._sectors(act, ident, extra)
        dates = {d.get("type"): d.get("iso-date") for d in act.iterfind("activity-date")}
        start = dates.get("2") or dates.get("1")
        end = dates.get("4") or dates.get("3")
        status_el = act.find("activity-status")
        status = status_el.get("code") if status_el is not None else None
        if status is not None and status not in self.statuses:
            self.flag(ident, "activity-status/@code", "warning", f"unknown status {status!r}")
        orgs = self._orgs(act, ident)
        locations = self._locations(act)
        if not any(loc["admin"] or loc["point"] for loc in locations):
            self.flag(ident, "location", "info", "no sub-national location (administrative "
                                                 "area or point)")
        markers = self._markers(act, ident)
        humanitarian = act.get("humanitarian") in ("1", "true") or act.find(
            "humanitarian-scope") is not None
        budget = self._budgets(act, ident, currency, iso3)
        spent = self._transactions(act, ident, currency, iso3)
        if budget is not None and spent is not None and spent > budget * 1.05:
            self.flag(ident, "transaction", "warning", f"spending {spent:,.0f} USD exceeds the "
                                                       f"budget {budget:,.0f} USD")
        for child in act:
            if isinstance(child.tag, str) and child.tag not in _MAPPED:
                extra.setdefault(child.tag, []).append(_element_record(child))
        unmapped_attrs = {k.replace("{http://www.w3.org/XML/1998/namespace}", "xml:"): v
                          for k, v in act.attrib.items()
                          if k not in ("default-currency", "humanitarian")}
        if unmapped_attrs:
            extra["@attributes"] = [unmapped_attrs]
        self.rows.append((ident, reporting_ref, title, countries, sectors, start, end, status,
                          orgs, locations, markers, humanitarian, budget, spent,
                          currency or None, reporting_name or None,
                          json.dumps(extra, ensure_ascii=False) if extra else None))
        if self.build:
            self._programme(act, n, ident, title, iso3, sectors, start, end, orgs, locations,
                            markers, budget)

    def _check_text(self, ident: str, text: str, where: str) -> None:
        if not text:
            self.flag(ident, where, "warning", f"no {where}")
            return
        words = re.findall(r"[a-z/]+", text.lower())
        if len(text) < 10 or (len(words) <= 3 and set(words) <= _VAGUE_WORDS | {"and", "of",
                                                                                 "for", "the"}):
            self.flag(ident, where, "warning", f"vague {where} {text!r}")

    def _countries(self, act: Any, ident: str) -> tuple[list[tuple[str, float | None]],
                                                        list[str]]:
        out: list[tuple[str, float | None]] = []
        for i, c in enumerate(act.iterfind("recipient-country"), start=1):
            code = str(c.get("code") or "").upper()
            iso3 = self.iso2.get(code)
            if iso3 is None:
                self.flag(ident, f"recipient-country[{i}]/@code", "warning",
                          f"unknown country code {code!r}")
                continue
            out.append((iso3, _number(c.get("percentage"))))
        shares = [p for _, p in out if p is not None]
        regions = [_number(r.get("percentage")) for r in act.iterfind("recipient-region")]
        total = sum(shares) + sum(r for r in regions if r is not None)
        if len(out) + len(regions) > 1 and shares and abs(total - 100) > 0.5:
            self.flag(ident, "recipient-country/@percentage", "warning",
                      f"country and region percentages add up to {total:g}, not 100")
        return out, [c for c, _ in out]

    def _sectors(self, act: Any, ident: str, extra: dict[str, list[Any]]
                 ) -> list[tuple[str, float | None]]:
        out: list[tuple[str, float | None]] = []
        dac: list[float | None] = []
        for i, s in enumerate(act.iterfind("sector"), start=1):
            vocab = s.get("vocabulary") or "1"
            if vocab not in ("1", "DAC"):
                # other vocabularies do not map to DAC codes: kept as they are in `extra`
                extra.setdefault("sector", []).append(_element_record(s))
                continue
            code = str(s.get("code") or "").strip()
            dac.append(_number(s.get("percentage")))
            if code not in self.sectors:
                self.flag(ident, f"sector[{i}]/@code", "warning",
                          f"unknown DAC purpose code {code!r}")
                continue
            out.append((code, _number(s.get("percentage"))))
        shares = [p for p in dac if p is not None]
        if len(dac) > 1 and (len(shares) != len(dac) or abs(sum(shares) - 100) > 0.5):
            self.flag(ident, "sector/@percentage", "warning",
                      f"sector percentages add up to {sum(shares):g}, not 100")
        if not out:
            self.flag(ident, "sector", "warning", "no DAC purpose code")
        return out

    def _orgs(self, act: Any, ident: str) -> list[dict[str, Any]]:
        out = []
        for i, o in enumerate(act.iterfind("participating-org"), start=1):
            role, kind = o.get("role"), o.get("type")
            if role not in _ROLE:
                self.flag(ident, f"participating-org[{i}]/@role", "warning",
                          f"unknown organisation role {role!r}")
            if kind is not None and kind not in self.types:
                self.flag(ident, f"participating-org[{i}]/@type", "warning",
                          f"unknown organisation type {kind!r}")
            out.append({"name": _narrative(o) or o.get("ref", ""), "ref": o.get("ref"),
                        "role": _ROLE.get(str(role)), "type": kind})
        return out

    def _locations(self, act: Any) -> list[dict[str, Any]]:
        out = []
        for loc in act.iterfind("location"):
            admin = [(a.get("vocabulary"), a.get("level"), a.get("code"))
                     for a in loc.iterfind("administrative")]
            pos = loc.findtext("point/pos")
            out.append({"name": _narrative(loc.find("name")), "admin": admin,
                        "point": " ".join(pos.split()) if pos else None})
        return out

    def _markers(self, act: Any, ident: str) -> list[dict[str, Any]]:
        out = []
        for i, m in enumerate(act.iterfind("policy-marker"), start=1):
            vocab = m.get("vocabulary") or "1"
            code = m.get("code")
            if vocab == "1" and code not in self.markers:
                self.flag(ident, f"policy-marker[{i}]/@code", "warning",
                          f"unknown policy marker {code!r}")
            out.append({"code": code, "vocabulary": vocab,
                        "significance": m.get("significance")})
        return out

    def _budgets(self, act: Any, ident: str, currency: str, iso3: list[str]) -> float | None:
        budgets = []
        for i, b in enumerate(act.iterfind("budget"), start=1):
            value_el = b.find("value")
            value = _number(value_el.text if value_el is not None else None)
            if value is None:
                self.flag(ident, f"budget[{i}]/value", "warning", "budget without a value")
                continue
            start = b.find("period-start")
            end = b.find("period-end")
            s = start.get("iso-date") if start is not None else None
            e = end.get("iso-date") if end is not None else None
            cur = (value_el.get("currency") or currency) if value_el is not None else currency
            date = (value_el.get("value-date") if value_el is not None else None) or s
            usd = self.usd(ident, f"budget[{i}]/value", value, cur, date, iso3)
            budgets.append((b.get("type") or "1", s, e, usd))
        if not budgets:
            return None
        kind = "2" if any(t == "2" for t, *_ in budgets) else "1"
        chosen = sorted((s or "", e or "", u) for t, s, e, u in budgets if t == kind)
        for (_, e0, _), (s1, _, _) in itertools.pairwise(chosen):
            if s1 and e0 and s1 <= e0:
                self.flag(ident, "budget/period-start", "warning",
                          f"budget periods overlap ({s1} starts before {e0} ends): the "
                          "total would count some money twice")
        values = [u for _, _, u in chosen]
        if any(u is None for u in values):
            return None
        return float(sum(u for u in values if u is not None))

    def _transactions(self, act: Any, ident: str, currency: str, iso3: list[str]
                      ) -> float | None:
        total, spending, unconverted = 0.0, 0, 0
        for i, t in enumerate(act.iterfind("transaction"), start=1):
            kind_el = t.find("transaction-type")
            kind = kind_el.get("code") if kind_el is not None else None
            date_el = t.find("transaction-date")
            date = date_el.get("iso-date") if date_el is not None else None
            if not date:
                self.flag(ident, f"transaction[{i}]/transaction-date", "warning",
                          "transaction without a date")
            value_el = t.find("value")
            value = _number(value_el.text if value_el is not None else None)
            if value is None:
                self.flag(ident, f"transaction[{i}]/value", "warning",
                          "transaction without a value")
                continue
            cur = (value_el.get("currency") or currency) if value_el is not None else currency
            vdate = (value_el.get("value-date") if value_el is not None else None) or date
            usd = self.usd(ident, f"transaction[{i}]/value", value, cur, vdate, iso3)
            if kind in ("3", "4"):
                spending += 1
                if usd is None:
                    unconverted += 1
                else:
                    total += usd
        # no spending reported, or a value that could not be converted: missing, not zero
        return total if spending and not unconverted else None

    def _programme(self, act: Any, n: int, ident: str, title: str, iso3: list[str],
                   sectors: list[tuple[str, float | None]], start: str | None,
                   end: str | None, orgs: list[dict[str, Any]],
                   locations: list[dict[str, Any]], markers: list[dict[str, Any]],
                   budget: float | None) -> None:
        if not iso3:
            self.flag(ident, "recipient-country", "info", "not converted to a programme: no "
                                                          "recipient country")
            return
        if not sectors:
            self.flag(ident, "sector", "info", "not converted to a programme: no DAC sector")
            return
        country = iso3[0]
        prefix = next((k for k, v in self.iso2.items() if v == country), "")
        pcodes = sorted({code for loc in locations for _, _, code in loc["admin"]
                         if code and str(code).upper().startswith(prefix)})
        areas = pcodes or [country]
        significant = {m["code"] for m in markers if m["vocabulary"] == "1"
                       and str(m["significance"]) in ("1", "2", "3", "4")}
        groups = [g for code, g in _MARKER_GROUPS.items() if code in significant]
        measures = [m for code, m in _MARKER_MEASURES.items() if code in significant]
        actors = [{"name": o["name"], "type": _TYPE[str(o["type"])],
                   "role": o["role"]} for o in orgs
                  if o["name"] and o["role"] and str(o["type"]) in _TYPE]
        indicators = self._indicators(act)
        shares = [p if p is not None else 100.0 / len(sectors) for _, p in sectors]
        components = []
        provenance = {"programme.id": self.xpath(n, "/iati-identifier"),
                      "programme.name": self.xpath(n, "/title"),
                      "programme.areas": self.xpath(n, "/location"),
                      "programme.budget": self.xpath(n, "/budget")}
        for i, ((code, _), share) in enumerate(zip(sectors, shares, strict=True)):
            node = f"components[{i}]"
            components.append({
                "id": f"sector-{code}", "name": self.sectors.get(code, code), "sector": code,
                "threats": list(self.sector_threats.threats(code)),
                "target_groups": groups, "actors": actors, "risk_measures": measures,
                "cost": budget * share / 100 if budget is not None else None,
                "indicators": indicators if i == 0 else [],
            })
            provenance.update({
                node: self.xpath(n, f"/sector[{i + 1}]"),
                f"{node}.sector": self.xpath(n, f"/sector[{i + 1}]/@code"),
                f"{node}.threats": self.xpath(n, f"/sector[{i + 1}]/@code") + " via "
                                   "sector_threats.yaml",
                f"{node}.actors": self.xpath(n, "/participating-org"),
                f"{node}.target_groups": self.xpath(n, "/policy-marker"),
                f"{node}.risk_measures": self.xpath(n, "/policy-marker"),
                f"{node}.cost": self.xpath(n, "/budget") + f" x sector[{i + 1}]/@percentage",
                f"{node}.indicators": self.xpath(n, "/result/indicator"),
            })
        header = {"id": ident, "name": title or ident, "country": country, "areas": areas,
                  "start": start, "end": end, "budget": budget, "currency": "USD"}
        data: dict[str, Any] = {"programme": header, "components": components}
        if start and end and end < start:
            data["programme"]["end"] = None
            self.flag(ident, "activity-date", "warning", f"end {end} before start {start}: "
                                                         "end left out of the programme")
        try:
            self.programmes.append(Programme.from_dict(
                data, framework=self.fw, source=str(self.file), provenance=provenance))
        except HumsecError as error:
            self.flag(ident, "(programme)", "warning",
                      "not converted to a programme: " + error.message.replace("\n", " "))

    def _indicators(self, act: Any) -> list[dict[str, Any]]:
        out = []
        for ind in act.iterfind("result/indicator"):
            name = _narrative(ind.find("title"))
            if not name:
                continue
            base = ind.find("baseline")
            targets = [_number(t.get("value")) for t in ind.iterfind("period/target")]
            actuals = [_number(a.get("value")) for a in ind.iterfind("period/actual")]
            out.append({"name": name,
                        "baseline": _number(base.get("value")) if base is not None else None,
                        "target": next((t for t in reversed(targets) if t is not None), None),
                        "actual": next((a for a in reversed(actuals) if a is not None), None)})
        return out


def iati_issue_counts(issues: pd.DataFrame) -> pd.DataFrame:
    """Issues counted by field and severity (for summaries)."""
    if issues.empty:
        return pd.DataFrame(columns=["field", "severity", "activities"])
    field_kind = issues["field"].str.replace(r"\[\d+\]", "", regex=True)
    return (issues.assign(field=field_kind).groupby(["field", "severity"])["iati_identifier"]
            .nunique().rename("activities").reset_index()
            .sort_values("activities", ascending=False, ignore_index=True))


__all__ = [
    "ACTIVITY_COLUMNS",
    "GAP_COLUMNS",
    "ISSUE_COLUMNS",
    "SUPPORTED_VERSIONS",
    "VALUE_CEILING_USD",
    "IatiImport",
    "iati_issue_counts",
    "read_iati",
]
