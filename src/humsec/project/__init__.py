"""humsec.project: a team's project folder (areas, datasets, specs, framework) and the store
that keeps every run with its provenance.

The project layer sits between the engines and the interfaces (see DESIGN.md)::

    project = Project.load("my-project")     # validates everything, lists every problem
    project.areas                             # pcode, name, level, parent
    project.boundaries[1].frame               # GeoDataFrame of the admin-1 areas

The run store lives in :mod:`humsec.project.store`.

The names below are imported on first use (PEP 562), so that a light command (the warm
``humsec project run``, which answers from :mod:`humsec.project.warm`) does not pay for pandas,
geopandas and the engines.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from humsec.project.analyses import (
        ANALYSES,
        CONTEXT_ANALYSES,
        Analysis,
        analysis,
        missing_inputs,
        survey_frame,
    )
    from humsec.project.appraisal import (
        ProjectContext,
        appraisal_context,
        dominant_hazards,
        project_programmes,
        run_appraisal,
        top_threats,
    )
    from humsec.project.boundaries import (
        BoundaryLayer,
        check_boundaries,
        detect_field,
        display_geojson,
        list_layers,
        read_boundaries,
    )
    from humsec.project.datasets import infer_columns, infer_role
    from humsec.project.inputs import (
        build_project_scenario,
        dataset_names,
        survey_rounds,
    )
    from humsec.project.model import PROJECT_FILE, ROLES, ProjectFile, Settings
    from humsec.project.planning import (
        candidate_table,
        plan_needs,
        project_candidates,
        project_plan_budgets,
        run_plan,
    )
    from humsec.project.presence import (
        actor_coverage,
        area_needs,
        is_synthetic,
        presence_level,
        project_presence,
        project_threew,
        threew_columns,
    )
    from humsec.project.project import Project, file_sha256, project_file
    from humsec.project.resolve import (
        PRESETS_DIR,
        area_preset_names,
        demo_project_dir,
        resolve_deprivation_spec,
        resolve_framework,
        resolve_index_spec,
        resolve_measures,
        resolve_project,
        resolve_scenario,
    )
    from humsec.project.run import (
        ProjectRun,
        context_tables,
        open_project_store,
        project_file_hashes,
        record_command_run,
        run_identity,
        run_project,
    )
    from humsec.project.setup import (
        add_dataset,
        init_demo,
        init_project,
        parse_indicator_options,
        parse_maps,
    )
    from humsec.project.threat_network import (
        NETWORK_BOOTSTRAP,
        network_tables,
        run_threat_network,
        stored_network,
    )
    from humsec.project.warm import (
        WarmRun,
        cached_report,
        copy_report,
        copyable_target,
        keep_report,
        package_identity,
        project_fingerprint,
        remember_run,
        report_key,
        store_of,
        warm_run,
    )

_EXPORTS = {
    "CONTEXT_ANALYSES": "humsec.project.analyses",
    "build_project_scenario": "humsec.project.inputs",
    "dataset_names": "humsec.project.inputs",
    "survey_rounds": "humsec.project.inputs",
    "ProjectContext": "humsec.project.appraisal",
    "appraisal_context": "humsec.project.appraisal",
    "dominant_hazards": "humsec.project.appraisal",
    "project_programmes": "humsec.project.appraisal",
    "run_appraisal": "humsec.project.appraisal",
    "top_threats": "humsec.project.appraisal",
    "candidate_table": "humsec.project.planning",
    "plan_needs": "humsec.project.planning",
    "project_candidates": "humsec.project.planning",
    "project_plan_budgets": "humsec.project.planning",
    "run_plan": "humsec.project.planning",
    "actor_coverage": "humsec.project.presence",
    "area_needs": "humsec.project.presence",
    "is_synthetic": "humsec.project.presence",
    "presence_level": "humsec.project.presence",
    "project_presence": "humsec.project.presence",
    "project_threew": "humsec.project.presence",
    "threew_columns": "humsec.project.presence",
    "NETWORK_BOOTSTRAP": "humsec.project.threat_network",
    "network_tables": "humsec.project.threat_network",
    "run_threat_network": "humsec.project.threat_network",
    "stored_network": "humsec.project.threat_network",
    "context_tables": "humsec.project.run",
    "project_file_hashes": "humsec.project.run",
    "record_command_run": "humsec.project.run",
    "WarmRun": "humsec.project.warm",
    "cached_report": "humsec.project.warm",
    "copy_report": "humsec.project.warm",
    "copyable_target": "humsec.project.warm",
    "keep_report": "humsec.project.warm",
    "package_identity": "humsec.project.warm",
    "project_fingerprint": "humsec.project.warm",
    "remember_run": "humsec.project.warm",
    "report_key": "humsec.project.warm",
    "store_of": "humsec.project.warm",
    "warm_run": "humsec.project.warm",
    "ANALYSES": "humsec.project.analyses",
    "Analysis": "humsec.project.analyses",
    "analysis": "humsec.project.analyses",
    "missing_inputs": "humsec.project.analyses",
    "survey_frame": "humsec.project.analyses",
    "BoundaryLayer": "humsec.project.boundaries",
    "check_boundaries": "humsec.project.boundaries",
    "detect_field": "humsec.project.boundaries",
    "display_geojson": "humsec.project.boundaries",
    "list_layers": "humsec.project.boundaries",
    "read_boundaries": "humsec.project.boundaries",
    "infer_columns": "humsec.project.datasets",
    "infer_role": "humsec.project.datasets",
    "PROJECT_FILE": "humsec.project.model",
    "ROLES": "humsec.project.model",
    "ProjectFile": "humsec.project.model",
    "Settings": "humsec.project.model",
    "Project": "humsec.project.project",
    "file_sha256": "humsec.project.project",
    "project_file": "humsec.project.project",
    "PRESETS_DIR": "humsec.project.resolve",
    "area_preset_names": "humsec.project.resolve",
    "demo_project_dir": "humsec.project.resolve",
    "resolve_deprivation_spec": "humsec.project.resolve",
    "resolve_framework": "humsec.project.resolve",
    "resolve_index_spec": "humsec.project.resolve",
    "resolve_measures": "humsec.project.resolve",
    "resolve_project": "humsec.project.resolve",
    "resolve_scenario": "humsec.project.resolve",
    "ProjectRun": "humsec.project.run",
    "open_project_store": "humsec.project.run",
    "run_identity": "humsec.project.run",
    "run_project": "humsec.project.run",
    "add_dataset": "humsec.project.setup",
    "init_demo": "humsec.project.setup",
    "init_project": "humsec.project.setup",
    "parse_indicator_options": "humsec.project.setup",
    "parse_maps": "humsec.project.setup",
}

__all__ = [
    "ANALYSES",
    "CONTEXT_ANALYSES",
    "NETWORK_BOOTSTRAP",
    "PRESETS_DIR",
    "PROJECT_FILE",
    "ROLES",
    "Analysis",
    "BoundaryLayer",
    "Project",
    "ProjectContext",
    "ProjectFile",
    "ProjectRun",
    "Settings",
    "WarmRun",
    "actor_coverage",
    "add_dataset",
    "analysis",
    "appraisal_context",
    "area_needs",
    "area_preset_names",
    "build_project_scenario",
    "cached_report",
    "candidate_table",
    "check_boundaries",
    "context_tables",
    "copy_report",
    "copyable_target",
    "dataset_names",
    "demo_project_dir",
    "detect_field",
    "display_geojson",
    "dominant_hazards",
    "file_sha256",
    "infer_columns",
    "infer_role",
    "init_demo",
    "init_project",
    "is_synthetic",
    "keep_report",
    "list_layers",
    "missing_inputs",
    "network_tables",
    "open_project_store",
    "package_identity",
    "parse_indicator_options",
    "parse_maps",
    "plan_needs",
    "presence_level",
    "project_candidates",
    "project_file",
    "project_file_hashes",
    "project_fingerprint",
    "project_plan_budgets",
    "project_presence",
    "project_programmes",
    "project_threew",
    "read_boundaries",
    "record_command_run",
    "remember_run",
    "report_key",
    "resolve_deprivation_spec",
    "resolve_framework",
    "resolve_index_spec",
    "resolve_measures",
    "resolve_project",
    "resolve_scenario",
    "run_appraisal",
    "run_identity",
    "run_plan",
    "run_project",
    "run_threat_network",
    "store_of",
    "stored_network",
    "survey_frame",
    "survey_rounds",
    "threew_columns",
    "top_threats",
    "warm_run",
]


def __getattr__(name: str) -> Any:
    """Import a public name's module on first use and cache the name here."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'humsec.project' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
