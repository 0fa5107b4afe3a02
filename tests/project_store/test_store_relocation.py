"""A project folder moved or copied keeps working: the store holds no absolute path."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd

from humsec.project.store import open_store

T0 = datetime(2026, 5, 1, tzinfo=UTC)


def _every_text_value(path: Path) -> list[str]:
    with duckdb.connect(str(path), read_only=True) as con:
        columns = con.execute(
            "SELECT table_name, column_name FROM information_schema.columns"
            " WHERE data_type = 'VARCHAR' AND table_schema = 'main'"
        ).fetchall()
        values: list[str] = []
        for table, column in columns:
            values += [
                v
                for (v,) in con.execute(f'SELECT "{column}" FROM "{table}"').fetchall()
                if v is not None
            ]
    return values


def test_a_moved_and_a_copied_project_keep_their_store(tmp_path: Path) -> None:
    project = tmp_path / "office" / "moz-2026"
    (project / "data").mkdir(parents=True)
    survey = project / "data" / "survey.csv"
    survey.write_text("hh,weight\n1,2.5\n", encoding="utf-8")
    store_file = project / ".humsec" / "store.duckdb"
    frame = pd.DataFrame({"H": [0.3]}, index=pd.Index(["MZ01"], name="pcode"))
    with open_store(store_file, root=project) as store:
        version = store.put_dataset("survey", survey)
        run = store.record(
            analysis="deprivation",
            input_hash="1" * 64,
            inputs={"survey": version.sha256},
            spec={"path": "data/survey.csv"},
            seed=None,
            started=T0,
            ended=T0,
            tables={"t": frame},
            humsec_version="0.1.0",
        )
    assert version.source == "data/survey.csv"
    assert not any(str(tmp_path) in value for value in _every_text_value(store_file))

    moved = tmp_path / "archive" / "moz-2026"
    moved.parent.mkdir()
    shutil.move(project, moved)
    copied = tmp_path / "laptop" / "moz-2026"
    shutil.copytree(moved, copied)
    for folder in (moved, copied):
        with open_store(folder / ".humsec" / "store.duckdb", root=folder) as store:
            assert store.run(run.run_id) == run
            pd.testing.assert_frame_equal(store.tables(run.run_id)["t"], frame)
            assert store.dataset_version("survey").source == "data/survey.csv"
            assert store.dataset("survey") == b"hh,weight\n1,2.5\n"
            again = store.put_dataset("survey", folder / "data" / "survey.csv")
            assert again.version == 1  # same content in its new place: not a new version


def test_without_a_root_the_store_folder_is_the_reference(tmp_path: Path) -> None:
    with open_store(tmp_path / "p" / ".humsec" / "store.duckdb") as store:
        (tmp_path / "p" / "in.csv").write_text("x\n1\n")
        assert store.put_dataset("d", tmp_path / "p" / "in.csv").source == "../in.csv"
