"""DuckDB's single-writer rule between processes: who holds the lock, and what to do."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest

from humsec.errors import StoreLockedError
from humsec.project.store import open_store
from humsec.project.store.locking import lock_path

HOLDER = textwrap.dedent(
    """
    import sys
    from humsec.project.store import open_store
    store = open_store(sys.argv[1], read_only=sys.argv[2] == "read")
    print(len(store.history()), flush=True)
    sys.stdin.readline()
    store.close()
    """
)

TRY_OPEN = textwrap.dedent(
    """
    import json, sys
    from humsec.errors import StoreLockedError
    from humsec.project.store import open_store
    out = {}
    for mode in ("write", "read"):
        try:
            open_store(sys.argv[1], read_only=mode == "read").close()
            out[mode] = "opened"
        except StoreLockedError as exc:
            out[mode] = str(exc)
    print(json.dumps(out))
    """
)


@contextmanager
def _held_by_child(path: Path, mode: str) -> Iterator[subprocess.Popen[str]]:
    """A second process holding the store open (``write`` or ``read``) until the block ends."""
    child = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path), mode],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        line = child.stdout.readline()
        assert line.strip().isdigit(), child.stderr.read() if child.stderr else line
        yield child
    finally:
        if child.stdin:
            child.stdin.write("\n")
            child.stdin.flush()
        child.wait(timeout=30)


def _store_with_one_run(path: Path) -> None:
    t = datetime(2026, 2, 1, tzinfo=UTC)
    with open_store(path) as store:
        store.record(
            analysis="index",
            input_hash="0" * 64,
            inputs={},
            spec={},
            seed=None,
            started=t,
            ended=t,
            tables={"t": pd.DataFrame({"x": [1]})},
            humsec_version="0.1.0",
        )


def test_a_writer_in_another_process_is_named_and_the_lock_released(tmp_path: Path) -> None:
    path = tmp_path / "store.duckdb"
    _store_with_one_run(path)
    with _held_by_child(path, "write") as child:
        holder = json.loads(lock_path(path).read_text())
        assert holder["pid"] == child.pid
        for read_only in (False, True):
            with pytest.raises(StoreLockedError) as caught:
                open_store(path, read_only=read_only)
            message = str(caught.value)
            assert f"pid {child.pid} on host {socket.gethostname()}" in message
            assert "wait for that process to finish" in message
            assert str(path) in message
    assert not lock_path(path).exists()
    with open_store(path) as store:  # released: this process can write now
        assert len(store.history()) == 1


def test_readers_share_a_store_but_keep_writers_out(tmp_path: Path) -> None:
    path = tmp_path / "store.duckdb"
    _store_with_one_run(path)
    with _held_by_child(path, "read"):
        with open_store(path, read_only=True) as reader:
            assert len(reader.history()) == 1
        with pytest.raises(StoreLockedError, match="cannot write to the store"):
            open_store(path)


def test_this_process_as_writer_is_named_to_another(tmp_path: Path) -> None:
    path = tmp_path / "store.duckdb"
    with open_store(path):
        done = subprocess.run(
            [sys.executable, "-c", TRY_OPEN, str(path)],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
    out = json.loads(done.stdout)
    for mode in ("write", "read"):
        assert f"pid {os.getpid()} on host {socket.gethostname()}" in out[mode]


def test_a_stale_lock_file_does_not_block(tmp_path: Path) -> None:
    path = tmp_path / "store.duckdb"
    _store_with_one_run(path)
    lock_path(path).write_text(json.dumps({"pid": 999999, "host": "gone", "user": "x"}))
    with open_store(path) as store:
        assert json.loads(lock_path(path).read_text())["pid"] == os.getpid()
        assert len(store.history()) == 1
    assert not lock_path(path).exists()


def test_two_stores_on_one_file_in_one_process_share_the_writer(tmp_path: Path) -> None:
    path = tmp_path / "store.duckdb"
    first = open_store(path)
    second = open_store(path)
    first.close()
    assert lock_path(path).exists()  # the second is still open
    second.put_dataset("d", b"1")
    second.close()
    assert not lock_path(path).exists()
