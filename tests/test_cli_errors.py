"""CLI errors speak the user's terms: option names as typed, choices listed, seeds checked."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from humsec.cli import app
from humsec.cli.terminal import in_typed_names
from humsec.errors import SpecError
from humsec.specs import check_seed


def test_engine_names_become_the_typed_option_names() -> None:
    error = SpecError(
        "lonely_psu='fail' and a stratum has one PSU",
        location="n",
        hint="set lonely_psu to 'average', or give n=2 or more",
    )
    renamed = in_typed_names(error, {"lonely_psu": "--lonely-psu", "n": "--n", "data": "--data"})
    assert renamed.location == "--n"
    assert renamed.message == "--lonely-psu 'fail' and a stratum has one PSU"
    assert renamed.hint == "set --lonely-psu to 'average', or give --n 2 or more"


def test_cli_reports_the_typed_name_of_a_bad_number() -> None:
    result = CliRunner().invoke(app, ["index", "uncertainty", "hdi", "--n", "1"])
    assert result.exit_code == 2
    assert result.output.startswith("error: --n: the uncertainty analysis needs n >= 2")


def test_enum_option_lists_its_choices() -> None:
    result = CliRunner().invoke(app, ["shocks", "simulate", "--missing-areas", "dorp"])
    assert result.exit_code == 2
    text = " ".join(re.sub("[\u2500-\u257f]", " ", result.output).split())  # no box lines
    assert "'dorp' is not one of 'raise', 'drop'" in text


@pytest.mark.parametrize("seed", [-1, 2**63, 1.5, "1", True, None])
def test_bad_seeds_are_spec_errors(seed: object) -> None:
    with pytest.raises(SpecError, match="seed"):
        check_seed(seed)


def test_good_seeds_pass() -> None:
    assert check_seed(0) == 0 and check_seed(2**63 - 1) == 2**63 - 1 and check_seed(3.0) == 3
