from pathlib import Path

import pandas as pd
import pytest

from humsec.data.output import write_table, write_text
from humsec.errors import ColumnError, DataError, did_you_mean


def test_error_message_names_location_and_hint() -> None:
    err = ColumnError("column 'gdp' is missing", location="panel.csv", hint="add it")
    assert str(err) == "panel.csv: column 'gdp' is missing\n  hint: add it"
    assert err.exit_code == 2


def test_did_you_mean_lists_close_matches() -> None:
    assert did_you_mean("gnipc", ["gni_pc", "le", "gnipc_f"]) == "did you mean 'gni_pc', 'gnipc_f'?"
    assert did_you_mean("zzz", ["le"]) == ""


def test_write_table_failure_leaves_previous_file_intact(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    write_text(target, "previous\n")

    class Boom(pd.DataFrame):
        def to_csv(self, *args: object, **kwargs: object) -> None:  # type: ignore[override]
            Path(str(args[0])).write_text("half")
            raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_table(Boom({"a": [1]}), target)
    assert target.read_text() == "previous\n"
    assert list(tmp_path.iterdir()) == [target]


def test_write_table_rejects_unknown_suffix(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="suffix"):
        write_table(pd.DataFrame({"a": [1]}), tmp_path / "out.txt")


def test_written_file_gets_normal_permissions(tmp_path: Path) -> None:
    import os

    umask = os.umask(0o022)
    try:
        path = write_text(tmp_path / "report.html", "<html></html>")
    finally:
        os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o644
