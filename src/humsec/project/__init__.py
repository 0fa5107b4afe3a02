"""humsec.project: a team's project folder (areas, datasets, specs, framework) and the store
that keeps every run with its provenance.

The project layer sits between the engines and the interfaces (see DESIGN.md)::

    project = Project.load("my-project")     # validates everything, lists every problem
    project.areas                             # pcode, name, level, parent
    project.boundaries[1].frame               # GeoDataFrame of the admin-1 areas

The run store lives in :mod:`humsec.project.store`.
"""

from humsec.project.analyses import ANALYSES, Analysis, analysis, missing_inputs, survey_frame
from humsec.project.boundaries import (
    BoundaryLayer,
    check_boundaries,
    detect_field,
    display_geojson,
    list_layers,
    read_boundaries,
)
from humsec.project.datasets import infer_columns, infer_role
from humsec.project.model import PROJECT_FILE, ROLES, ProjectFile, Settings
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
from humsec.project.run import ProjectRun, open_project_store, run_identity, run_project
from humsec.project.setup import (
    add_dataset,
    init_demo,
    init_project,
    parse_indicator_options,
    parse_maps,
)

__all__ = [
    "ANALYSES",
    "PRESETS_DIR",
    "PROJECT_FILE",
    "ROLES",
    "Analysis",
    "BoundaryLayer",
    "Project",
    "ProjectFile",
    "ProjectRun",
    "Settings",
    "add_dataset",
    "analysis",
    "area_preset_names",
    "check_boundaries",
    "demo_project_dir",
    "detect_field",
    "display_geojson",
    "file_sha256",
    "infer_columns",
    "infer_role",
    "init_demo",
    "init_project",
    "list_layers",
    "missing_inputs",
    "open_project_store",
    "parse_indicator_options",
    "parse_maps",
    "project_file",
    "read_boundaries",
    "resolve_deprivation_spec",
    "resolve_framework",
    "resolve_index_spec",
    "resolve_measures",
    "resolve_project",
    "resolve_scenario",
    "run_identity",
    "run_project",
    "survey_frame",
]
