"""The one spec layer: bounded YAML, every problem at once, allowed keys, did you mean."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from humsec.deprivation import DeprivationSpec, SurveyDesign
from humsec.errors import FrameworkError, SpecError
from humsec.framework import load_framework
from humsec.index import IndexSpec
from humsec.specs import MAX_DEPTH, read_spec_mapping

BOMB = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{n}: &{n} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
    for p, n in zip("abcdefgh", "bcdefghi", strict=True)
)


def test_alias_bomb_is_refused_quickly(tmp_path: Path) -> None:
    path = tmp_path / "bomb.yaml"
    path.write_text(BOMB, encoding="utf-8")  # 10**9 values once expanded
    started = time.perf_counter()
    with pytest.raises(SpecError, match="alias"):
        read_spec_mapping(path, kind="index spec", hint="-")
    assert time.perf_counter() - started < 2


def test_alias_bomb_under_index_metadata(tmp_path: Path) -> None:
    path = tmp_path / "index.yaml"
    nested = BOMB.replace("\n", "\n  ")
    path.write_text(f"code: x\nroot: x\nmetadata:\n  {nested}\n", encoding="utf-8")
    with pytest.raises(SpecError, match="alias"):
        IndexSpec.from_yaml(path)


@pytest.mark.parametrize("style", ["flow", "block"])
def test_deep_nesting_is_refused(tmp_path: Path, style: str) -> None:
    depth = 20_000
    text = "a: " + "[" * depth + "]" * depth if style == "flow" else "".join(
        "  " * i + f"k{i}:\n" for i in range(2000)
    ) + "  " * 2000 + "v: 1\n"
    path = tmp_path / "deep.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SpecError, match=f"more than {MAX_DEPTH} levels"):
        read_spec_mapping(path, kind="spec", hint="-")


def test_deep_json_framework_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "fw.json"
    path.write_text('{"a": ' + "[" * 20_000 + "]" * 20_000 + "}", encoding="utf-8")
    with pytest.raises(FrameworkError, match="levels deep"):
        load_framework(path)


def test_non_utf8_and_folder_name_the_place(tmp_path: Path) -> None:
    path = tmp_path / "latin.yaml"
    path.write_bytes(b"name: ok\ndescription: caf\xe9\n")
    with pytest.raises(SpecError, match=r"byte 25 \(line 2\) is not UTF-8") as info:
        DeprivationSpec.from_yaml(path)
    assert info.value.location == f"{path}:2"
    with pytest.raises(SpecError, match="folder"):
        DeprivationSpec.from_yaml(Path(tmp_path))


def test_several_mistakes_are_all_reported_with_suggestions() -> None:
    with pytest.raises(SpecError) as info:
        DeprivationSpec(
            indicators=[{"name": "a", "colum": "x"}], kk=0.3, missing="listwse"
        )
    text = str(info.value)
    assert text.startswith("3 problem(s) in the deprivation spec:")
    assert "indicators['a'].colum: unknown key 'colum' (did you mean 'column'?)" in text
    assert "allowed keys: name, column, weight" in text
    assert "kk: unknown key 'kk' (did you mean 'k'?)" in text
    assert "missing: 'listwse' is not one of 'listwise', 'nondeprived'; did you mean" in text


def test_survey_design_in_python_raises_the_humsec_error() -> None:
    with pytest.raises(SpecError, match="did you mean 'average'"):
        SurveyDesign(lonely_psu="averge")
