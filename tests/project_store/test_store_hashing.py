"""input_hash and canonical JSON: checkable by hand with hashlib."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest

from humsec.errors import DataError, SpecError
from humsec.project.store import canonical_json, content_hash, input_hash

SHA_A = "a" * 64
SHA_B = "b" * 64


def test_input_hash_is_sha256_of_the_canonical_json_written_out_by_hand() -> None:
    text = (
        '{"humsec_version":"0.1.0","inputs":[["scenario","'
        + SHA_B
        + '"],["survey","'
        + SHA_A
        + '"]],"seed":7,"spec":{"a":1,"b":[1.5,"x"],"é":null}}'
    )
    expected = hashlib.sha256(text.encode("utf-8")).hexdigest()
    got = input_hash(
        {"survey": SHA_A, "scenario": SHA_B}, {"é": None, "b": (1.5, "x"), "a": 1}, "0.1.0", 7
    )
    assert got == expected


def test_any_changed_input_changes_the_hash() -> None:
    base = input_hash({"survey": SHA_A}, {"k": 3}, "0.1.0", 1)
    assert input_hash({"survey": SHA_A}, {"k": 3}, "0.1.0", 1) == base
    changed = [
        input_hash({"survey": SHA_B}, {"k": 3}, "0.1.0", 1),
        input_hash({"census": SHA_A}, {"k": 3}, "0.1.0", 1),
        input_hash({"survey": SHA_A}, {"k": 3.5}, "0.1.0", 1),
        input_hash({"survey": SHA_A}, {"k": 3}, "0.2.0", 1),
        input_hash({"survey": SHA_A}, {"k": 3}, "0.1.0", 2),
        input_hash({"survey": SHA_A}, {"k": 3}, "0.1.0", None),
    ]
    assert len({base, *changed}) == 7


def test_numpy_scalars_and_paths_hash_like_their_plain_values() -> None:
    assert canonical_json({"n": np.int64(3), "x": np.float64(0.5), "p": Path("a/b.csv")}) == (
        '{"n":3,"p":"a/b.csv","x":0.5}'
    )


def test_content_hash_of_file_and_bytes(tmp_path: Path) -> None:
    path = tmp_path / "f.txt"
    path.write_bytes(b"abc")
    known = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"  # FIPS 180-2
    assert content_hash(path) == content_hash(b"abc") == known


def test_bad_inputs_are_refused_with_where_and_how() -> None:
    with pytest.raises(DataError, match="SHA-256"):
        input_hash({"survey": "survey.csv"}, {}, "0.1.0", None)
    with pytest.raises(SpecError, match=r"spec node 'w\.x'"):
        canonical_json({"w": {"x": float("nan")}})
    with pytest.raises(SpecError, match="object"):
        canonical_json({"w": object()})
    with pytest.raises(DataError, match="cannot read"):
        content_hash(Path("/nonexistent/humsec/file.csv"))
