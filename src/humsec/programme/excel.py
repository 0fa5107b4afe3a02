"""The programme as an Excel workbook: a template with dropdowns, and its reader.

One sheet per part of the programme format, one row per list item, so that nothing needs
comma-separated cells except the programme's areas:

``programme``      key | value (id, name, country, areas, start, end, budget, currency)
``components``     id, name, sector, mode, level, cost, beneficiaries_total
``threats``        component, threat
``target_groups``  component, group
``beneficiaries``  component, by (group or area), key, people
``actors``         component, name, type, role
``risk_measures``  component, measure
``indicators``     component, name, baseline, target, actual
``lists``          (hidden) the valid ids the dropdowns offer

:func:`excel_template` builds the workbook (empty, or filled with a programme; the interface
saves it) and :func:`read_excel` reads it back into a :class:`Programme`, citing each value's
cell. YAML -> Excel -> YAML loses nothing.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from humsec.errors import DataError, SpecError
from humsec.framework import Framework, default_framework
from humsec.programme.codelists import codelist
from humsec.programme.model import ACTOR_ROLES, ACTOR_TYPES, LEVELS, MODES, Programme

INFO_KEYS = ("id", "name", "country", "areas", "start", "end", "budget", "currency")
SHEETS: dict[str, tuple[str, ...]] = {
    "components": ("id", "name", "sector", "mode", "level", "cost", "beneficiaries_total"),
    "threats": ("component", "threat"),
    "target_groups": ("component", "group"),
    "beneficiaries": ("component", "by", "key", "people"),
    "actors": ("component", "name", "type", "role"),
    "risk_measures": ("component", "measure"),
    "indicators": ("component", "name", "baseline", "target", "actual"),
}
_ROWS = 500  # rows each dropdown covers


def _lists(framework: Framework, areas: Iterable[str] | None) -> dict[str, list[str]]:
    from humsec.programme.evidence import shock_measure_kinds

    return {
        "threats": list(framework.threat_ids),
        "groups": list(framework.group_ids),
        "sectors": list(codelist("sector")),
        "modes": list(MODES),
        "levels": list(LEVELS),
        "actor_types": list(ACTOR_TYPES),
        "roles": list(ACTOR_ROLES),
        "by": ["group", "area"],
        "areas": list(areas or ()),
        "measures": list(shock_measure_kinds()),
    }


def excel_template(programme: Programme | None = None, *, framework: Framework | None = None,
                   areas: Iterable[str] | None = None) -> Any:
    """An openpyxl workbook of the programme format, with dropdown validation for ids.

    Filled with ``programme`` when given. ``areas`` (a project's p-codes) feeds the area
    dropdown. Risk measures accept free text (the dropdown only suggests the shocks kinds).
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    fw = framework or default_framework()
    book = Workbook()
    info = book.active
    info.title = "programme"
    info.append(["key", "value"])
    p = programme.programme if programme else None
    for key in INFO_KEYS:
        value: Any = getattr(p, key) if p else None
        if key == "areas":
            value = ", ".join(value) if value else None
        info.append([key, value])
        if isinstance(value, dt.date):
            info.cell(info.max_row, 2).number_format = "yyyy-mm-dd"
    lists = _lists(fw, areas or (p.areas if p else None))
    sheets = {name: book.create_sheet(name) for name in SHEETS}
    for name, header in SHEETS.items():
        sheets[name].append(list(header))
    for c in (programme.components if programme else ()):
        b = c.beneficiaries
        sheets["components"].append([c.id, c.name, c.sector, c.mode, c.level, c.cost, b.total])
        for t in c.threats:
            sheets["threats"].append([c.id, t])
        for g in c.target_groups:
            sheets["target_groups"].append([c.id, g])
        for g, n in b.by_group.items():
            sheets["beneficiaries"].append([c.id, "group", g, n])
        for a, n in b.by_area.items():
            sheets["beneficiaries"].append([c.id, "area", a, n])
        for actor in c.actors:
            sheets["actors"].append([c.id, actor.name, actor.type, actor.role])
        for m in c.risk_measures:
            sheets["risk_measures"].append([c.id, m])
        for ind in c.indicators:
            sheets["indicators"].append([c.id, ind.name, ind.baseline, ind.target, ind.actual])
    hidden = book.create_sheet("lists")
    columns: dict[str, str] = {}
    for j, (name, values) in enumerate(lists.items(), start=1):
        letter = get_column_letter(j)
        columns[name] = f"lists!${letter}$2:${letter}${max(len(values), 1) + 1}"
        hidden.cell(1, j, name)
        for i, v in enumerate(values, start=2):
            hidden.cell(i, j, v)
    hidden.sheet_state = "hidden"
    for sheet in (info, *sheets.values()):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
    rules = {("components", "C"): "sectors", ("components", "D"): "modes",
             ("components", "E"): "levels", ("threats", "B"): "threats",
             ("target_groups", "B"): "groups", ("beneficiaries", "B"): "by",
             ("actors", "C"): "actor_types", ("actors", "D"): "roles",
             ("risk_measures", "B"): "measures"}
    for (sheet, col), list_name in rules.items():
        strict = list_name != "measures"
        rule = DataValidation(type="list", formula1=f"={columns[list_name]}", allow_blank=True,
                              showErrorMessage=True, errorStyle="stop" if strict else
                              "information")
        rule.error = f"choose one of the {list_name.replace('_', ' ')} in the list"
        sheets[sheet].add_data_validation(rule)
        rule.add(f"{col}2:{col}{_ROWS}")
    return book


def read_excel(path: str | os.PathLike[str], *, framework: Framework | None = None,
               areas: Iterable[str] | None = None) -> Programme:
    """Read a programme workbook (see the module docstring) and validate it like YAML.

    Each value's cell is kept as provenance (``prog.xlsx[actors]!C4``).
    """
    from openpyxl import load_workbook

    file = Path(path)
    if not file.is_file():
        raise DataError("programme workbook not found", location=str(file),
                        hint="write one with `humsec programme template out.xlsx`")
    try:
        book = load_workbook(file, data_only=True, read_only=True)
    except Exception as error:  # openpyxl raises many kinds for a broken file
        raise DataError(f"cannot open the workbook: {error}", location=str(file),
                        hint="save it again as .xlsx") from None
    missing = [s for s in ("programme", *SHEETS) if s not in book.sheetnames]
    if missing:
        raise SpecError(f"the workbook lacks sheet(s) {', '.join(missing)}", location=str(file),
                        hint="start from `humsec programme template out.xlsx`")
    prov: dict[str, str] = {}

    def cell(sheet: str, row: int, col: int) -> str:
        return f"{file.name}[{sheet}]!{chr(64 + col)}{row}"

    header: dict[str, Any] = {}
    for r, row in enumerate(book["programme"].iter_rows(min_row=2, values_only=True), start=2):
        if not row or row[0] is None:
            continue
        key = str(row[0]).strip()
        if key not in INFO_KEYS:
            raise SpecError(f"unknown key {key!r}", location=cell("programme", r, 1),
                            hint=f"keys: {', '.join(INFO_KEYS)}")
        value = row[1] if len(row) > 1 else None
        if key == "areas":
            value = [a.strip() for a in str(value or "").split(",") if a.strip()]
        elif isinstance(value, dt.datetime):
            value = value.date()
        if value is not None:
            header[key] = value
            prov[f"programme.{key}"] = cell("programme", r, 2)
    comps: list[dict[str, Any]] = []
    index: dict[str, int] = {}
    for r, row in _rows(book, "components"):
        cid, name, sector, mode, level, cost, total = (list(row) + [None] * 7)[:7]
        if cid is None:
            continue
        node = f"components[{len(comps)}]"
        index[str(cid)] = len(comps)
        comp: dict[str, Any] = {"id": str(cid), "name": name,
                                "sector": None if sector is None else str(sector)}
        for key, value in (("mode", mode), ("level", level), ("cost", cost)):
            if value is not None:
                comp[key] = value
        comp["beneficiaries"] = {"by_group": {}, "by_area": {}}
        if total is not None:
            comp["beneficiaries"]["total"] = total
        comps.append(comp)
        prov[node] = cell("components", r, 1)
        for j, key in enumerate(SHEETS["components"], start=1):
            prov[f"{node}.{key}"] = cell("components", r, j)
        prov[f"{node}.beneficiaries.total"] = cell("components", r, 7)

    def owner(sheet: str, r: int, cid: Any) -> dict[str, Any]:
        if str(cid) not in index:
            raise SpecError(f"component {cid!r} is not on the components sheet",
                            location=cell(sheet, r, 1),
                            hint="use the id of a component row, or add the component")
        return comps[index[str(cid)]]

    simple = {"threats": "threats", "target_groups": "target_groups",
              "risk_measures": "risk_measures"}
    for sheet, key in simple.items():
        for r, row in _rows(book, sheet):
            if row[0] is None:
                continue
            comp = owner(sheet, r, row[0])
            comp.setdefault(key, []).append(row[1])
            prov[f"components[{index[str(row[0])]}].{key}[{len(comp[key]) - 1}]"] = cell(
                sheet, r, 2)
            prov.setdefault(f"components[{index[str(row[0])]}].{key}", cell(sheet, r, 2))
    for r, row in _rows(book, "beneficiaries"):
        if row[0] is None:
            continue
        comp = owner("beneficiaries", r, row[0])
        by = str(row[1] or "").strip()
        if by not in ("group", "area"):
            raise SpecError(f"'by' must be group or area, got {row[1]!r}",
                            location=cell("beneficiaries", r, 2), hint="pick from the list")
        comp["beneficiaries"][f"by_{by}"][str(row[2])] = row[3]
        prov[f"components[{index[str(row[0])]}].beneficiaries.by_{by}.{row[2]}"] = cell(
            "beneficiaries", r, 4)
    for r, row in _rows(book, "actors"):
        if row[0] is None:
            continue
        comp = owner("actors", r, row[0])
        actor = {"name": row[1], "type": row[2]}
        if row[3] is not None:
            actor["role"] = row[3]
        comp.setdefault("actors", []).append(actor)
        prov.setdefault(f"components[{index[str(row[0])]}].actors", cell("actors", r, 2))
    for r, row in _rows(book, "indicators"):
        if row[0] is None:
            continue
        comp = owner("indicators", r, row[0])
        ind = {"name": row[1]}
        for key, value in zip(("baseline", "target", "actual"), list(row[2:5]), strict=False):
            if value is not None:
                ind[key] = value
        comp.setdefault("indicators", []).append(ind)
        prov.setdefault(f"components[{index[str(row[0])]}].indicators", cell("indicators", r, 2))
    book.close()
    return Programme.from_dict({"programme": header, "components": comps},
                               framework=framework, areas=areas, source=str(file),
                               provenance=prov)


def _rows(book: Any, sheet: str) -> Iterable[tuple[int, tuple[Any, ...]]]:
    width = len(SHEETS[sheet])
    for r, row in enumerate(book[sheet].iter_rows(min_row=2, values_only=True), start=2):
        values = tuple((list(row) + [None] * width)[:width])
        if any(v is not None for v in values):
            yield r, values


__all__ = ["INFO_KEYS", "SHEETS", "excel_template", "read_excel"]
