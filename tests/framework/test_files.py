"""Loading framework files: complete files, `extends: default`, and errors naming the node."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from humsec.errors import FrameworkError
from humsec.framework import default_framework, framework_from_dict, load_framework

EXTENDED = """\
extends: default
version: "1.0.0-kenya"
threats:
  - id: cattle_raiding
    name: Cattle raiding
    pillar: fear
    hdr_security: community
    description: Armed theft of livestock between pastoral communities.
  - id: poverty
    description: Below the national poverty line (overrides only this field).
groups:
  - id: pastoralists
    name: Pastoralists
    threats: [cattle_raiding, disasters]
interlinkages:
  - {source: cattle_raiding, target: poverty, sign: +1, rationale: "Herds are the savings."}
  - {source: poverty, target: crime, sign: -1, rationale: "Overridden sign for a test."}
"""


def test_load_none_is_default() -> None:
    assert load_framework(None) is default_framework()


def test_extended_file_adds_and_overrides(tmp_path: Path) -> None:
    path = tmp_path / "kenya.yaml"
    path.write_text(EXTENDED, encoding="utf-8")
    fw = load_framework(path)
    base = default_framework()
    assert fw.version == "1.0.0-kenya"
    assert len(fw.threats) == len(base.threats) + 1
    assert fw.threat("cattle_raiding").pillar == "fear"
    poverty = fw.threat("poverty")
    assert poverty.description.startswith("Below the national")
    assert poverty.pillar == "want" and poverty.name == "Poverty"  # untouched fields kept
    assert fw.group("pastoralists").threats == ("cattle_raiding", "disasters")
    assert len(fw.interlinkages) == len(base.interlinkages) + 1
    assert fw.interlinkage_graph()["poverty"]["crime"] == -1
    assert fw.interlinkage_graph()["cattle_raiding"]["poverty"] == 1


def test_extended_file_can_remove(tmp_path: Path) -> None:
    path = tmp_path / "small.yaml"
    path.write_text(
        "extends: default\nremove:\n  interlinkages: ['poverty -> crime']\n"
        "  principles: [comprehensive]\n",
        encoding="utf-8",
    )
    fw = load_framework(path)
    assert ("poverty", "crime") not in {lk.key for lk in fw.interlinkages}
    assert len(fw.principles) == 4
    assert fw.version == "1.1.0+small"


def test_removing_a_referenced_threat_reports_dangling_links(tmp_path: Path) -> None:
    path = tmp_path / "drop.yaml"
    path.write_text("extends: default\nremove:\n  threats: [crime]\n", encoding="utf-8")
    with pytest.raises(FrameworkError) as info:
        load_framework(path)
    text = str(info.value)
    assert "unknown threat id 'crime'" in text
    assert "default interlinkages[0].target" in text  # poverty -> crime, in the default file


def test_error_in_extension_names_the_users_node(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "extends: default\ninterlinkages:\n"
        "  - {source: poverty, target: hunger, sign: 1, rationale: ok}\n"
        "  - {source: povrety, target: hunger, sign: 1, rationale: typo}\n",
        encoding="utf-8",
    )
    with pytest.raises(FrameworkError) as info:
        load_framework(path)
    text = str(info.value)
    assert text.startswith(f"{path}: ")
    assert "\n  interlinkages[1].source" in text
    assert "did you mean 'poverty'" in text


def test_duplicate_ids_in_user_file(tmp_path: Path) -> None:
    path = tmp_path / "dup.yaml"
    path.write_text(
        "extends: default\ngroups:\n  - {id: herders, name: Herders}\n"
        "  - {id: herders, name: Herders again}\n",
        encoding="utf-8",
    )
    with pytest.raises(FrameworkError, match=r"groups\[1\].*duplicate entry 'herders'"):
        load_framework(path)


def test_complete_file_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "complete.json"
    path.write_text(default_framework().to_json(), encoding="utf-8")
    assert load_framework(path) == default_framework()


def test_complete_file_with_duplicate_names_file_node(tmp_path: Path) -> None:
    data = default_framework().to_dict()
    data["groups"].append(dict(data["groups"][4]))
    with pytest.raises(FrameworkError) as info:
        framework_from_dict(data, source="mine.yaml")
    assert str(info.value).startswith("mine.yaml: ")
    assert "groups[11].id" in str(info.value)
    assert "first defined at groups[4]" in str(info.value)


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("", "empty"),
        ("- a\n- b\n", "mapping"),
        ("extends: default\nthreats: [\n", "not valid YAML"),
        ("extends: other\n", "cannot extend 'other'"),
        ("extend: default\n", "did you mean 'extends'"),
        ("extends: default\nthreats: {id: x}\n", "must be a list"),
        ("extends: default\nremove: {threats: [nothing]}\n", "no such entry"),
        ("version: '1'\nremove: {threats: [crime]}\n", "only makes sense"),
    ],
)
def test_file_level_errors(tmp_path: Path, text: str, match: str) -> None:
    path = tmp_path / "f.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FrameworkError, match=match):
        load_framework(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FrameworkError, match="not found"):
        load_framework(tmp_path / "nope.yaml")


def test_field_errors_and_dangling_references_reported_together(tmp_path: Path) -> None:
    path = tmp_path / "both.yaml"
    path.write_text(
        "extends: default\nthreats:\n"
        "  - {id: cattle_raiding, name: Cattle raiding, pillar: fear, hdr_security: comunity}\n"
        "interlinkages:\n  - {source: povrty, target: crime, sign: 1, rationale: x}\n",
        encoding="utf-8",
    )
    with pytest.raises(FrameworkError) as info:
        load_framework(path)
    text = str(info.value)
    assert "2 problem(s)" in text
    assert "threats[0].hdr_security: 'comunity' is not one of" in text
    assert "did you mean 'community'" in text
    assert "interlinkages[0].source: unknown threat id 'povrty'" in text


# --- fuzz: whatever a user writes, the answer is a Framework or a FrameworkError -------------
_scalar = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.floats(allow_nan=True),
    st.sampled_from(["poverty", "crime", "fear", "want", "+", "-1", "", "x y", "#"]),
)
_value = st.recursive(
    _scalar,
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                [
                    "id",
                    "name",
                    "pillar",
                    "source",
                    "target",
                    "sign",
                    "rationale",
                    "threats",
                    "number",
                    "hdr_security",
                    "other",
                    "cross_border",
                    "fields_of_cooperation",
                    "checks",
                    "description",
                ]
            ),
            inner,
            max_size=4,
        )
    ),
    max_leaves=8,
)
_document = st.dictionaries(
    st.sampled_from(
        [
            "extends",
            "version",
            "threats",
            "groups",
            "interlinkages",
            "remove",
            "policies",
            "principles",
            "securities",
            "schema_version",
            "bogus",
            "global_risks",
            "approaches",
            "name",
        ]
    ),
    _value,
    max_size=4,
)


@settings(max_examples=300, deadline=None)
@given(_document, st.booleans())
def test_arbitrary_documents_fail_only_with_framework_error(doc: dict, extend: bool) -> None:
    if extend:
        doc = {**doc, "extends": "default"}
    try:
        framework = framework_from_dict(doc, source="fuzz.yaml")
    except FrameworkError as error:
        assert str(error)  # a message, whatever the input
    else:
        assert framework.threats  # only a valid framework comes back
