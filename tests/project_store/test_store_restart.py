"""The PostgreSQL store survives a restart of its server, under load, without losing data.

It restarts a server, so it runs only where the server is the test's own: CI sets
HUMSEC_TEST_PG_CTL and HUMSEC_TEST_PGDATA for its throw-away cluster. A shared server (the
development session's) is never restarted.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from datetime import UTC, datetime

import pandas as pd
import pytest

from humsec.errors import StoreUnreachableError
from humsec.project.store import open_store


def _server_started(url: str) -> datetime:
    import sqlalchemy as sa

    engine = sa.create_engine(
        url.replace("postgresql://", "postgresql+psycopg://", 1), poolclass=sa.pool.NullPool
    )
    with engine.connect() as connection:
        return connection.execute(sa.text("SELECT pg_postmaster_start_time()")).scalar_one()


def _restart_server(url: str) -> None:
    from sqlalchemy.engine import make_url

    pg_ctl, pgdata = os.environ["HUMSEC_TEST_PG_CTL"], os.environ["HUMSEC_TEST_PGDATA"]
    port = make_url(url).port or 5432
    command = (
        f"{pg_ctl} -D {pgdata} -m fast -w -o '-p {port} -k /tmp -c listen_addresses=127.0.0.1'"
        f" -l {pgdata}/log restart"
    )
    argv = (
        ["su", "postgres", "-s", "/bin/sh", "-c", command]
        if os.getuid() == 0
        else ["sh", "-c", command]
    )
    subprocess.run(argv, check=True, capture_output=True, timeout=60)


@pytest.mark.slow
def test_the_store_recovers_from_a_restart_under_load(postgres_url: str, fresh_schema: str) -> None:
    if not (os.environ.get("HUMSEC_TEST_PG_CTL") and os.environ.get("HUMSEC_TEST_PGDATA")):
        pytest.skip(
            "restarting PostgreSQL needs HUMSEC_TEST_PG_CTL and HUMSEC_TEST_PGDATA "
            "(CI's own cluster); a shared server is never restarted"
        )
    t = datetime(2026, 4, 1, tzinfo=UTC)
    stop = threading.Event()
    recorded: list[str] = []
    refused: list[StoreUnreachableError] = []
    unexpected: list[BaseException] = []

    def record(store: object, i: int) -> str:
        return store.record(  # type: ignore[attr-defined]
            analysis="shocks",
            input_hash=f"{i:064d}",
            inputs={},
            spec={"i": i},
            seed=i,
            started=t,
            ended=t,
            tables={"t": pd.DataFrame({"i": [i]})},
            humsec_version="0.1.0",
        ).run_id

    with open_store(postgres_url, schema=fresh_schema) as store:
        first = record(store, 0)

        def load(worker: int) -> None:
            i = 0
            while not stop.is_set():
                i += 1
                try:
                    recorded.append(record(store, worker * 10_000 + i))
                    store.history()
                except StoreUnreachableError as exc:  # a clean error while the server is away
                    refused.append(exc)
                except BaseException as exc:
                    unexpected.append(exc)
                time.sleep(0.02)

        workers = [threading.Thread(target=load, args=(w,)) for w in (1, 2, 3)]
        for w in workers:
            w.start()
        time.sleep(0.5)
        before = _server_started(postgres_url)
        _restart_server(postgres_url)
        assert _server_started(postgres_url) > before  # it really restarted
        time.sleep(0.5)
        stop.set()
        for w in workers:
            w.join()
        assert unexpected == []
        print(f"{len(recorded)} runs recorded, {len(refused)} refused during the restart")
        # Recovered by itself: the same store object works, and nothing recorded was lost.
        last = record(store, 99)
        ids = set(store.history()["run_id"])
        assert {first, last, *recorded} <= ids
        assert len(ids) == len(recorded) + 2
        assert store.tables(first)["t"]["i"].tolist() == [0]
    for exc in refused:  # any failure while the server was away named the store
        assert "cannot reach the PostgreSQL server" in str(exc)
