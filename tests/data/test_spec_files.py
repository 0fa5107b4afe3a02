from pathlib import Path

import pytest

from humsec.errors import SpecError
from humsec.specs import read_spec_mapping


def test_reads_a_mapping(tmp_path: Path) -> None:
    path = tmp_path / "spec.yaml"
    path.write_text("name: x\nweights: [1, 2]\n", encoding="utf-8")
    assert read_spec_mapping(path, kind="index spec", hint="-") == {"name": "x", "weights": [1, 2]}


@pytest.mark.parametrize(
    ("text", "message"),
    [("- a\n- b\n", "must be a YAML mapping"), ("a: [1, 2\n", "not valid YAML")],
)
def test_bad_files_name_the_file(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "spec.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SpecError, match=message) as info:
        read_spec_mapping(path, kind="index spec", hint="-")
    assert str(info.value.location).startswith(str(path))  # and the line, when YAML knows it


def test_missing_file_gives_the_hint(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match="index spec file not found") as info:
        read_spec_mapping(tmp_path / "nope.yaml", kind="index spec", hint="use a preset")
    assert info.value.hint == "use a preset"
