"""The bundled framework: counts, ids from the shared vocabulary, integrity, round trips."""

from __future__ import annotations

import json

import pytest
import yaml

from humsec.errors import FrameworkError
from humsec.framework import HDR_SECURITIES, Framework, default_framework

FEAR = [
    "armed_conflict",
    "terrorism",
    "crime",
    "disasters",
    "environmental_degradation",
    "infectious_disease",
    "economic_crisis",
    "political_repression",
]
WANT = [
    "poverty",
    "hunger",
    "lack_of_education",
    "lack_of_health_care",
    "lack_of_basic_infrastructure",
]
GROUPS = [
    "people_in_poverty",
    "persons_with_disabilities",
    "indigenous_peoples",
    "ethnic_minorities",
    "older_people",
    "women",
    "children",
    "refugees",
    "internally_displaced",
    "returnees",
    "people_in_remote_areas",
]


def test_counts_match_the_approach() -> None:
    fw = default_framework()
    assert len(fw.threats) == 13
    assert [t.id for t in fw.threats_by_pillar("fear")] == FEAR
    assert [t.id for t in fw.threats_by_pillar("want")] == WANT
    assert list(fw.group_ids) == GROUPS
    assert len(fw.policies) == 4 and [p.number for p in fw.policies] == [1, 2, 3, 4]
    assert len(fw.approaches) == 4 and [a.number for a in fw.approaches] == [1, 2, 3, 4]
    assert len(fw.global_risks) == 6
    assert [p.id for p in fw.principles] == [
        "people_centred",
        "comprehensive",
        "context_specific",
        "prevention_oriented",
        "protection_and_empowerment",
    ]
    assert [s.id for s in fw.securities] == list(HDR_SECURITIES)
    assert fw.version == "1.1.0" and fw.schema_version == 2


def test_every_hdr_security_has_a_threat() -> None:
    fw = default_framework()
    for security in HDR_SECURITIES:
        assert fw.threats_by_security(security), security
    assert [t.id for t in fw.threats_by_security("food")] == ["hunger"]
    assert [t.id for t in fw.threats_by_security("political")] == ["political_repression"]


def test_global_risk_table() -> None:
    fw = default_framework()
    assert fw.global_risk("disasters").fields_of_cooperation == (
        "emergency relief",
        "disaster risk reduction",
    )
    assert fw.global_risk("financial_crises").threats == ("economic_crisis",)
    assert "customs" in fw.global_risk("international_crime").fields_of_cooperation
    # every cross-border threat is covered by some global risk
    covered = {t for r in fw.global_risks for t in r.threats}
    missing = {t.id for t in fw.cross_border_threats()} - covered
    assert missing == {"armed_conflict"}  # conflict spill-over is handled by policy 4 directly


def test_interlinkages_connect_known_threats_across_pillars() -> None:
    fw = default_framework()
    ids = set(fw.threat_ids)
    assert 15 <= len(fw.interlinkages) <= 30
    for link in fw.interlinkages:
        assert link.source in ids and link.target in ids
        assert link.sign in (1, -1)
        assert link.rationale
    crossing = [lk for lk in fw.interlinkages if fw.pillar_of(lk.source) != fw.pillar_of(lk.target)]
    want_to_fear = [lk for lk in crossing if fw.pillar_of(lk.source) == "want"]
    assert len(want_to_fear) >= 5 and len(crossing) - len(want_to_fear) >= 5
    keys = [lk.key for lk in fw.interlinkages]
    assert len(keys) == len(set(keys))
    assert {lk.source for lk in fw.interlinkages} == ids  # every threat feeds another


def test_interlinkage_graph_and_matrix_agree() -> None:
    fw = default_framework()
    graph = fw.interlinkage_graph()
    assert set(graph) == set(fw.threat_ids)
    assert graph["armed_conflict"]["hunger"] == 1
    assert graph["poverty"]["crime"] == 1
    assert graph["economic_crisis"]["environmental_degradation"] == -1
    matrix = fw.interlinkage_matrix()
    assert matrix.shape == (13, 13)
    assert int(matrix.abs().to_numpy().sum()) == len(fw.interlinkages)
    assert matrix.loc["disasters", "poverty"] == 1
    assert matrix.loc["poverty", "disasters"] == 0
    n_edges = sum(len(v) for v in graph.values())
    assert n_edges == len(fw.interlinkages)
    assert {lk.target for lk in fw.interlinkages_from("disasters")} == {
        "poverty",
        "hunger",
        "lack_of_basic_infrastructure",
    }
    assert "armed_conflict" in {lk.source for lk in fw.interlinkages_to("hunger")}


def test_lookup_unknown_id_suggests_close_match() -> None:
    fw = default_framework()
    assert fw.threat("poverty").pillar == "want"
    with pytest.raises(FrameworkError, match="did you mean 'poverty'"):
        fw.threat("povrty")
    with pytest.raises(FrameworkError, match="'fear' or 'want'"):
        fw.threats_by_pillar("dread")


def test_group_threat_references_resolve() -> None:
    fw = default_framework()
    assert fw.group("refugees").threats[0] == "armed_conflict"
    for group in fw.groups:
        for threat in group.threats:
            fw.threat(threat)


def test_json_and_yaml_round_trip() -> None:
    fw = default_framework()
    assert Framework.from_dict(json.loads(fw.to_json())) == fw
    assert Framework.from_dict(yaml.safe_load(fw.to_yaml())) == fw
    assert fw.to_dict()["threats"][0]["id"] == "armed_conflict"


def test_models_are_frozen() -> None:
    fw = default_framework()
    with pytest.raises(Exception):  # noqa: B017 - pydantic raises ValidationError on frozen
        fw.threats[0].pillar = "want"  # type: ignore[misc]
    assert default_framework() is fw


def _base() -> dict:
    return default_framework().to_dict()


def test_duplicate_threat_id_names_node() -> None:
    data = _base()
    data["threats"].append(dict(data["threats"][0]))
    with pytest.raises(FrameworkError) as info:
        Framework.from_dict(data, location="x.yaml")
    text = str(info.value)
    assert "threats[13].id" in text and "duplicate id 'armed_conflict'" in text
    assert "threats[0]" in text and text.startswith("x.yaml:")


def test_unknown_reference_names_node_and_suggests() -> None:
    data = _base()
    data["interlinkages"][3]["target"] = "infectous_disease"
    with pytest.raises(FrameworkError) as info:
        Framework.from_dict(data)
    text = str(info.value)
    assert "interlinkages[3].target" in text
    assert "did you mean 'infectious_disease'" in text


def test_bad_pillar_and_bad_sign_are_reported_together() -> None:
    data = _base()
    data["threats"][2]["pillar"] = "feer"
    data["interlinkages"][0]["sign"] = 2
    with pytest.raises(FrameworkError) as info:
        Framework.from_dict(data)
    text = str(info.value)
    assert "2 problem(s)" in text
    assert "threats[2].pillar" in text and "did you mean 'fear'" in text
    assert "interlinkages[0].sign" in text


def test_sign_accepts_plus_minus_words() -> None:
    data = _base()
    data["interlinkages"][0]["sign"] = "-"
    data["interlinkages"][1]["sign"] = "+1"
    fw = Framework.from_dict(data)
    assert fw.interlinkages[0].sign == -1 and fw.interlinkages[1].sign == 1


def test_self_link_and_duplicate_link_rejected() -> None:
    data = _base()
    data["interlinkages"].append(
        {"source": "poverty", "target": "poverty", "sign": 1, "rationale": "x"}
    )
    data["interlinkages"].append(dict(data["interlinkages"][0]))
    with pytest.raises(FrameworkError) as info:
        Framework.from_dict(data)
    text = str(info.value)
    assert "cannot link to itself" in text and "duplicate link poverty -> crime" in text


def test_newer_schema_rejected() -> None:
    data = _base()
    data["schema_version"] = 99
    with pytest.raises(FrameworkError, match="schema_version"):
        Framework.from_dict(data)


def test_unknown_section_key_suggests() -> None:
    data = _base()
    data["threatz"] = []
    with pytest.raises(FrameworkError, match="did you mean 'threats'"):
        Framework.from_dict(data)


def test_downstream_cascade() -> None:
    fw = default_framework()
    one = fw.downstream("disasters", max_steps=1)
    assert one == {"poverty": 1, "hunger": 1, "lack_of_basic_infrastructure": 1}
    full = fw.downstream("disasters")
    # poverty -> crime and hunger -> infectious_disease are second-round effects
    assert full["crime"] == 2 and full["infectious_disease"] == 2
    assert "disasters" not in full  # excluded, though infrastructure links back to it
    assert fw.downstream("terrorism", max_steps=1) == {"poverty": 1}
    assert fw.downstream("terrorism")["infectious_disease"] == 4  # via poverty, conflict, hunger


def test_docs_tables_match_the_data() -> None:
    from pathlib import Path

    docs = Path(__file__).resolve().parents[2] / "docs" / "framework.md"
    text = docs.read_text(encoding="utf-8")
    fw = default_framework()
    for threat in fw.threats:
        row = f"| `{threat.id}` | {threat.name} | {threat.pillar} | {threat.hdr_security} |"
        assert row in text, row
    for group in fw.groups:
        rule = group.rule.describe() if group.rule is not None else "no rule"
        assert f"| `{group.id}` | {group.name} | {', '.join(group.threats)} | {rule} |" in text
    for risk in fw.global_risks:
        assert f"| `{risk.id}` | {risk.name} | {'; '.join(risk.fields_of_cooperation)} |" in text
    pillars = [(fw.pillar_of(lk.source), fw.pillar_of(lk.target)) for lk in fw.interlinkages]
    assert f"{pillars.count(('want', 'fear'))} links from want to fear" in text
    assert f"{pillars.count(('fear', 'want'))} links from fear to want" in text
    assert f"| `interlinkages` | {len(fw.interlinkages)} |" in text
    assert f"| {fw.version} | schema {fw.schema_version}:" in text
    assert f"{len(fw.interlinkages)} interlinkages |" in text


def test_rationale_is_one_short_line() -> None:
    data = _base()
    data["interlinkages"][0]["rationale"] = "first line\nsecond line"
    data["interlinkages"][1]["rationale"] = "x" * 201
    with pytest.raises(FrameworkError) as info:
        Framework.from_dict(data)
    text = str(info.value)
    assert "interlinkages[0].rationale: the rationale must be one line" in text
    assert "interlinkages[1].rationale" in text and "200" in text


def test_cascade_paths_and_signs() -> None:
    fw = default_framework()
    table = fw.cascade("disasters").set_index("threat")
    assert table.loc["poverty", "path"] == "disasters -> poverty"
    assert table.loc["crime", "path"] == "disasters -> poverty -> crime"
    assert table.loc["crime", "steps"] == 2 and table.loc["crime", "sign"] == 1
    # steps agree with downstream() for every threat
    assert table["steps"].to_dict() == fw.downstream("disasters")
    # the only negative link flips the sign of what follows it
    crisis = fw.cascade("economic_crisis").set_index("threat")
    assert crisis.loc["environmental_degradation", "sign"] == -1
    assert fw.cascade("disasters", max_steps=1)["steps"].max() == 1


def test_to_frame_sections() -> None:
    fw = default_framework()
    threats = fw.to_frame()
    assert list(threats.columns) == [
        "id",
        "name",
        "description",
        "pillar",
        "hdr_security",
        "cross_border",
    ]
    assert (threats["pillar"] == "fear").sum() == 8
    links = fw.to_frame("interlinkages")
    crossing = links[links["source_pillar"] != links["target_pillar"]]
    assert len(links) == len(fw.interlinkages) and len(crossing) == len(links) - 1
    groups = fw.to_frame("groups")
    assert groups.set_index("id").loc["returnees", "threats"] == (
        "poverty",
        "lack_of_basic_infrastructure",
    )
    with pytest.raises(FrameworkError, match="did you mean 'threats'"):
        fw.to_frame("threat")
