"""Result tables come back exactly: dtypes, missing markers, column order, index."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from humsec.errors import DataError
from humsec.project.store.tables import decode_table, encode_table, first_difference

AWKWARD = {
    "object_missing_markers": pd.DataFrame(
        {"s": pd.Series(["a", None, np.nan, pd.NA, pd.NaT], dtype=object)}
    ),
    "float_nan_and_signed_zero": pd.DataFrame({"f": [1.0, np.nan, -0.0, np.inf, 1e-310]}),
    "nullable": pd.DataFrame(
        {
            "i": pd.array([1, None, 3], dtype="Int64"),
            "b": pd.array([True, None, False], dtype="boolean"),
            "st": pd.array(["x", None, "z"], dtype="string"),
        }
    ),
    "ordered_category": pd.DataFrame(
        {"c": pd.Categorical(["lo", "hi", None], categories=["lo", "hi"], ordered=True)}
    ),
    "tz_datetime_named_index": pd.DataFrame(
        {
            "t": pd.to_datetime(["2024-01-01T00:00", None, "2024-03-01T12:00"]).tz_localize(
                "Africa/Maputo"
            )
        },
        index=pd.Index(["MZ01", "MZ02", "MZ03"], name="pcode"),
    ),
    "multiindex_rows": pd.DataFrame(
        {"v": [1, 2, 3]},
        index=pd.MultiIndex.from_tuples(
            [("MOZ", 2020), ("MOZ", 2021), ("AFG", 2020)], names=["iso3", "year"]
        ),
    ),
    "int_column_labels": pd.DataFrame({0: [1, 2], 1: [3, 4]}),
    "multiindex_columns": pd.DataFrame(
        [[1, 2]], columns=pd.MultiIndex.from_tuples([("a", "x"), ("a", "y")])
    ),
    "empty_typed": pd.DataFrame(
        {"a": pd.Series([], dtype="float32"), "b": pd.Series([], dtype=object)}
    ),
    "column_order_kept": pd.DataFrame({"z": [1], "a": [2], "m": [3]}),
    "stepped_range_index": pd.DataFrame({"a": [1, 2, 3]}, index=pd.RangeIndex(10, 16, 2)),
    "wide_ints": pd.DataFrame(
        {"u": np.array([1, 2**63], dtype="uint64"), "i8": np.array([-128, 127], dtype="int8")}
    ),
    "timedelta": pd.DataFrame({"d": pd.to_timedelta(["1 day", None])}),
}


@pytest.mark.parametrize("name", sorted(AWKWARD))
def test_awkward_table_round_trips_exactly(name: str) -> None:
    frame = AWKWARD[name]
    back = decode_table(encode_table(name, frame))
    assert first_difference(frame, back) == ""
    pd.testing.assert_frame_equal(back, frame, check_exact=True)
    assert list(back.dtypes) == list(frame.dtypes)


def test_each_missing_marker_comes_back_as_itself() -> None:
    frame = AWKWARD["object_missing_markers"]
    values = decode_table(encode_table("m", frame))["s"].tolist()
    assert values[0] == "a"
    assert values[1] is None
    assert isinstance(values[2], float) and np.isnan(values[2])
    assert values[3] is pd.NA
    assert values[4] is pd.NaT


def test_first_difference_sees_each_kind_of_change() -> None:
    base = pd.DataFrame({"a": [1.0, 2.0], "b": pd.Series(["x", None], dtype=object)})
    assert first_difference(base, base.copy()) == ""
    assert "dtype" in first_difference(base, base.astype({"a": "float32"}))
    assert "labels" in first_difference(base, base[["b", "a"]])
    assert "index" in first_difference(base, base.set_axis([5, 6]))
    changed = base.copy()
    changed.loc[1, "a"] = 2.0000000001
    assert "values" in first_difference(base, changed)
    nan_instead = base.copy()
    nan_instead["b"] = pd.Series(["x", np.nan], dtype=object)
    assert "missing markers" in first_difference(base, nan_instead)


def test_tables_that_cannot_be_stored_exactly_are_refused() -> None:
    with pytest.raises(DataError, match=r"(?s)'mixed'.*column m.*one type"):
        encode_table("mixed", pd.DataFrame({"m": [1, "a"]}))
    with pytest.raises(DataError, match="duplicate column names: a"):
        encode_table("dup", pd.DataFrame([[1, 2]], columns=["a", "a"]))
    with pytest.raises(DataError, match="not a pandas DataFrame"):
        encode_table("list", [1, 2])  # type: ignore[arg-type]
