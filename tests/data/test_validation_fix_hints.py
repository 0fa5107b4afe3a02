"""The shared numeric validator (humsec.data.require_numeric) names the bad cells by file line
and says how to fix them; with finite=True infinite numbers are refused too. The programme
planner and sector severity check their numbers through it."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from humsec.data import read_table, require_numeric
from humsec.errors import ColumnError, DataError


def _table(tmp_path: Path, text: str) -> pd.DataFrame:
    path = tmp_path / "t.csv"
    path.write_text(text)
    return read_table(path)


def test_infinite_values_are_listed_by_line_with_the_fix(tmp_path: Path) -> None:
    frame = _table(tmp_path, "cost,benefit\n1,2\ninf,3\n4,-inf\n1e999,5\n")
    with pytest.raises(ColumnError, match=r"column 'cost' must be a finite number but 2 "
                       r"value\(s\) are infinite: line 3: inf, line 5: inf") as info:  # fmt: skip
        require_numeric(frame, ["cost", "benefit"], finite=True)
    # empty cells are allowed as missing here, so the hint offers them
    assert info.value.hint == ("replace those values with finite numbers or remove those "
                               "rows, or leave the cells empty to mark them missing")  # fmt: skip
    with pytest.raises(ColumnError) as strict:
        require_numeric(frame, ["cost"], finite=True, allow_missing=False)
    assert strict.value.hint == "replace those values with finite numbers or remove those rows"
    # without finite=True infinities pass, as before
    assert np.isinf(require_numeric(frame, ["cost"])["cost"]).sum() == 2


def test_text_where_no_cell_may_be_missing_is_not_told_to_blank_it(tmp_path: Path) -> None:
    frame = _table(tmp_path, "cost\n1\nlots\n")
    with pytest.raises(ColumnError, match=r"line 3: 'lots'") as info:
        require_numeric(frame, ["cost"], allow_missing=False)
    assert info.value.hint is not None and "blank" not in info.value.hint
    assert info.value.hint.startswith("replace them with numbers")
    with pytest.raises(ColumnError) as lenient:
        require_numeric(frame, ["cost"])
    assert "blank cells are read as missing" in str(lenient.value.hint)


def test_the_planner_checks_costs_through_the_shared_validator(tmp_path: Path) -> None:
    from humsec.programme import plan

    frame = _table(tmp_path, "area,package,cost,benefit\nnorth,wash,inf,3\nsouth,food,100,2\n")
    # before: "column 'cost' must be a finite number; rows [1] are not", with no fix
    with pytest.raises(DataError, match=r"column 'cost' must be a finite number but 1 "
                       r"value\(s\) are infinite: line 2: inf") as info:  # fmt: skip
        plan(frame, 500.0)
    assert info.value.hint == "replace those values with finite numbers or remove those rows"
    empty = _table(tmp_path, "area,package,cost,benefit\nnorth,wash,,3\nsouth,food,100,2\n")
    with pytest.raises(DataError, match=r"column 'cost' has 1 missing value\(s\): line 2") as gap:
        plan(empty, 500.0)
    assert gap.value.hint is not None and gap.value.hint.startswith("fill these cells")


def test_severity_weights_are_checked_through_the_shared_validator(tmp_path: Path) -> None:
    from humsec.deprivation import sector_severity

    frame = _table(tmp_path, "food,w\n3,1\n4,inf\n")
    with pytest.raises(ColumnError, match=r"column 'w' must be a finite number .* line 3: inf"):
        sector_severity(frame, ["food"], weight="w")
    negative = _table(tmp_path, "food,w\n3,1\n4,-2\n")
    with pytest.raises(ColumnError, match=r"column 'w' must lie in \[0, inf\] .* line 3: -2"):
        sector_severity(negative, ["food"], weight="w")
    # a row without any sector score is dropped and counted, so its weight is not checked
    unscored = _table(tmp_path, "food,w\n3,1\n,inf\n")
    result = sector_severity(unscored, ["food"], weight="w")
    assert result.dropped == 1 and result.people_in_need["people"].iloc[0] == 1.0
