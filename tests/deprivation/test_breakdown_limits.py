"""Breakdowns: a variable with too many levels is refused up front (the shared cost model,
humsec.workload.check_breakdown, on every command with --by); a large change-over-time
breakdown streams its levels in blocks within the memory budget instead of failing."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from humsec import workload
from humsec.cli import app
from humsec.data import synthetic_survey
from humsec.deprivation import SurveyDesign, bundled_spec, change_over_time, estimate
from humsec.deprivation.subgroup_cost import round_level_bytes
from humsec.errors import SpecError, WorkloadError

DESIGN = SurveyDesign(weight="weight", strata="stratum", psu="psu", lonely_psu="adjust")


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_nine_thousand_subgroups_are_refused_through_the_cli() -> None:
    # 2,000 demo households hold 9,033 persons: --by person_id asks for 9,033 subgroups,
    # over the default cap of 1,000 levels (cheap enough by the cost model, so only the cap
    # refuses it): exit 2, no traceback, the column, its levels, the estimate and the fix.
    result = CliRunner().invoke(app, ["deprivation", "estimate", "--demo", "--households",
                                      "2000", "--by", "region,person_id"])  # fmt: skip
    text = _flat(result.output)
    assert result.exit_code == 2, text
    assert "Traceback" not in text and not isinstance(result.exception, ValueError)
    assert "breakdown column 'person_id' has 9,033 levels, more than the 1,000" in text
    # (1 + 5 regions + 9,033) levels x cutoffs x (4 + 4 per indicator) rows
    spec = bundled_spec()
    rows = (1 + 5 + 9033) * len(spec.k) * (4 + 4 * len(spec.indicators))
    assert f"would give {rows:,} result rows and need about" in text
    assert "a coarser column than 'person_id'" in text and "--max-groups 9033" in text


@pytest.mark.parametrize("command", ["estimate", "compound", "change"])
def test_every_command_with_by_applies_the_cap_and_max_groups_raises_it(command: str) -> None:
    # 200 demo households: --by hh_id has 200 levels; --max-groups 199 refuses them
    base = ["deprivation", command, "--demo", "--households", "200", "--lonely-psu", "adjust",
            "--by", "hh_id"]  # fmt: skip
    refused = CliRunner().invoke(app, [*base, "--max-groups", "199"])
    text = _flat(refused.output)
    assert refused.exit_code == 2, text
    assert "'hh_id' has 200 levels, more than the 199" in text and "--max-groups 200" in text
    assert "Traceback" not in text
    if command == "estimate":  # raised to the levels it runs, every level estimated
        ran = CliRunner().invoke(app, [*base, "--max-groups", "200"])
        assert ran.exit_code == 0, ran.output


def test_max_groups_must_be_a_positive_whole_number() -> None:
    data = synthetic_survey(60, seed=2)
    with pytest.raises(SpecError, match="whole number >= 1") as info:
        estimate(data, bundled_spec("global_mpi"), DESIGN, by="region", max_groups=0)
    assert info.value.location == "max_groups"
    bad = CliRunner().invoke(app, ["deprivation", "estimate", "--demo", "--households", "60",
                                   "--by", "region", "--max-groups", "0"])  # fmt: skip
    assert bad.exit_code == 2 and "--max-groups" in bad.output


def _two_rounds() -> pd.DataFrame:
    first = synthetic_survey(100, seed=5).assign(year=2015)
    second = synthetic_survey(100, seed=6, want_shift=-0.5).assign(year=2020)
    second["psu"] += 10_000
    second["hh_id"] += 1_000
    return pd.concat([first, second], ignore_index=True)


def test_change_over_time_streams_levels_within_the_memory_budget(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # By hh_id (200 levels) a level holds 8 x P x 2 rounds x (23 sums + 8 x 23 measures)
    # bytes. A memory limit that holds the result table ((1 + 204 levels) x 23 measures x
    # (2 rounds + 4 changes) rows of 150 bytes) and 10 levels, far below the dense P x rounds
    # x levels arrays (what the old code needed, and refused), now runs in blocks of 7 levels
    # (budget 7.5 levels), and gives the same bits as one block.
    data = _two_rounds()
    spec = bundled_spec("global_mpi")
    n_psu = data[["stratum", "psu"]].drop_duplicates().shape[0]
    one_level = round_level_bytes(n_psu, 2, 23, 23)
    assert one_level == 8.0 * n_psu * 2 * (23 + 8 * 23)
    whole = change_over_time(data, spec, "year", DESIGN, by=["hh_id", "region"])
    table_bytes = (1 + 200 + 4) * 23 * (2 + 4) * 150.0
    monkeypatch.setattr(workload, "MAX_MEMORY_BYTES", table_bytes + one_level * 10)
    monkeypatch.setattr(workload, "STREAM_BYTES", one_level * 7.5)
    calls: list[int] = []
    from humsec.deprivation import change as change_module

    original = change_module._round_blocks

    def counted(*args: object) -> object:
        for block in original(*args):  # type: ignore[arg-type]
            calls.append(block[2].shape[2])
            yield block

    monkeypatch.setattr(change_module, "_round_blocks", counted)
    streamed = change_over_time(data, spec, "year", DESIGN, by=["hh_id", "region"])
    assert max(calls) == 7 and sum(calls) == 1 + 200 + data["region"].nunique()
    pd.testing.assert_frame_equal(whole.table, streamed.table, check_exact=True)
    pd.testing.assert_frame_equal(whole.levels, streamed.levels, check_exact=True)
    for column in ("value", "se", "ci_low", "ci_high"):
        assert np.array_equal(whole.table[column], streamed.table[column], equal_nan=True)
    assert len(whole.table) == (1 + 200 + 4) * 23 * 4  # levels x measures x 4 changes


def test_change_over_time_refuses_only_when_one_level_is_absurd(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = _two_rounds()
    spec = bundled_spec("global_mpi")
    n_psu = data[["stratum", "psu"]].drop_duplicates().shape[0]
    one_level = round_level_bytes(n_psu, 2, 23, 23)
    monkeypatch.setattr(workload, "MAX_MEMORY_BYTES", one_level * 0.9)
    with pytest.raises(WorkloadError, match=rf"over {n_psu:,} PSUs and 2 rounds would hold "
                       r"about .* GB for a single subgroup level") as info:  # fmt: skip
        change_over_time(data, spec, "year", DESIGN, by="region")
    assert info.value.location == "round" and "fewer rounds" in str(info.value.hint)


def test_the_lonely_stratum_message_shows_the_strata_and_r_option_as_written() -> None:
    # 200 demo households by region under lonely_psu="fail": the strata print as the data
    # hold them (not "(np.int64(5),)") and R's option name is left alone by the renaming of
    # parameters to options (it printed "options(survey.lonely.--psu ...)").
    result = CliRunner().invoke(app, ["deprivation", "estimate", "--demo", "--households",
                                      "200", "--by", "region"])  # fmt: skip
    text = _flat(result.output)
    assert result.exit_code == 2, text
    assert "2 stratum/strata have a single PSU (5, 6)" in text
    assert "set --lonely-psu to 'certainty'" in text
    assert "options(survey.lonely.psu=...)" in text


def test_deprivation_change_streams_through_the_cli(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # `deprivation change --demo --by hh_id` (two rounds of 80 households, 80 levels) with a
    # stream budget of 10 levels' arrays runs in 9 blocks and writes the same bytes as with
    # the default budget (one block). (That a limit below the dense arrays now runs: the
    # test above.)
    from humsec.deprivation import bundled_spec as spec_named
    from humsec.deprivation import change as change_module
    from humsec.deprivation.sufficient_statistics import sufficient_statistics

    first = synthetic_survey(80, 1)
    later = synthetic_survey(80, 2, want_shift=-0.5)
    later["psu"] += int(first["psu"].max())
    frame = pd.concat([first.assign(round=2015), later.assign(round=2020)], ignore_index=True)
    design = SurveyDesign(weight="weight", strata="stratum", psu="psu", lonely_psu="adjust")
    spec = spec_named()
    stats = sufficient_statistics(frame, spec, design, ["round", "hh_id"])
    n_psu = len(stats.complete_table[["_stratum", "_psu"]].drop_duplicates())
    one_level = round_level_bytes(n_psu, 2, len(stats.stats), 3 + 2 * len(spec.indicators))
    args = ["deprivation", "change", "--demo", "--households", "80", "--lonely-psu", "adjust",
            "--by", "hh_id"]  # fmt: skip
    whole = CliRunner().invoke(app, [*args, "--out", str(tmp_path / "whole.csv")])
    assert whole.exit_code == 0, whole.output
    widths: list[int] = []
    original = change_module._round_blocks

    def counted(*block_args: object) -> object:
        for block in original(*block_args):  # type: ignore[arg-type]
            widths.append(block[2].shape[2])
            yield block

    monkeypatch.setattr(change_module, "_round_blocks", counted)
    monkeypatch.setattr(workload, "STREAM_BYTES", one_level * 10)
    streamed = CliRunner().invoke(app, [*args, "--out", str(tmp_path / "streamed.csv")])
    assert streamed.exit_code == 0, streamed.output
    assert widths == [1] + [10] * 8  # the total, then 80 levels in blocks of 10
    assert (tmp_path / "streamed.csv").read_bytes() == (tmp_path / "whole.csv").read_bytes()
