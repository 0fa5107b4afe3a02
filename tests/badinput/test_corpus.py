"""Run the bad-input corpus (tests/badinput/corpus.py): every case must end with exit code 2
(or a humsec error from the API), a message naming where and what to do, no traceback, and
the workspace unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.badinput.corpus import Case, build_workspace, cases, run, snapshot

CASES = cases()


def test_the_corpus_is_large() -> None:
    assert len(CASES) >= 150
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, bool]]:
    root = tmp_path_factory.mktemp("badinput")
    return root, build_workspace(root)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input(case: Case, workspace: tuple[Path, dict[str, bool]]) -> None:
    root, made = workspace
    if not made["device"] and ("null" in case.args or case.id.endswith("-device")):
        pytest.skip("cannot create a device node here (needs root): device cases skipped")
    before = snapshot(root)
    outcome, text = run(case, root)
    assert (outcome, case.where) == ("ok", case.where), text
    assert snapshot(root) == before
