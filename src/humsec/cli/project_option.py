"""``--project DIR`` on the engine commands: inputs from the project, results into its store.

Each engine command keeps its own options. With ``--project DIR`` the options the user left
at their defaults are filled from the project (its survey and design columns, deprivation
spec, scenario, measures, framework, area indicators, settings), the command runs as usual,
and its result table is recorded in the project store as a run (analysis ``cli <command>``,
the content hashes of the project files used, the options as the spec, the seed). A rerun
with the same inputs and options is found in the store and noted as a reuse.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from typer._click.core import Context, ParameterSource

err = Console(stderr=True)

# Engine commands that take --project, by their "group command" path.
PROJECT_COMMANDS = (
    "deprivation estimate",
    "deprivation compound",
    "deprivation change",
    "deprivation severity",
    "shocks simulate",
    "shocks appraise",
    "shocks erosion",
    "index build",
    "index explain",
    "index uncertainty",
    "report",
)
HELP = (
    "Take the inputs from this project folder (its survey, specs, scenario, settings); "
    "the result is recorded in its store."
)


def _scratch(project: Any) -> Path:
    folder = project.store_path().parent / "inputs"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _survey_file(project: Any) -> Path:
    from humsec.project import survey_frame

    path = _scratch(project) / "survey.parquet"
    survey_frame(project).to_parquet(path, index=False)
    return path


def _deprivation(project: Any) -> tuple[dict[str, Any], list[str]]:
    d = project.dataset("survey")
    if d is None:
        from humsec.errors import DataError

        raise DataError(
            "the project has no survey",
            location=str(project.root),
            hint="humsec project add DIR survey.dta --role survey --year YYYY",
        )
    mapping = project.mappings[d.name]
    fill: dict[str, Any] = {
        "data": project.path(d.file),
        "by": mapping["area"],
        "k": str(project.config.settings.k),
    }
    for field, option in (("weight", "weight"), ("psu", "psu"), ("strata", "strata")):
        if field in mapping:
            fill[option] = mapping[field]
    spec = project.config.specs.deprivation
    if spec:
        path = project.path(spec)
        fill["spec"] = path if path.is_file() else Path(spec)
    return fill, [d.name, *(["deprivation_spec"] if spec else [])]


def _change(project: Any, kwargs: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Every survey round of the project, stacked with ``round`` = the survey's year."""
    from humsec.project import survey_rounds

    path = _scratch(project) / "survey_rounds.parquet"
    rounds = survey_rounds(project)
    rounds.to_parquet(path, index=False)
    fill: dict[str, Any] = {
        "data": path,
        "round_column": "round",
        "by": "area",
        "k": str(project.config.settings.k),
        "weight": "weight",
        "psu": "psu",
    }
    if "stratum" in rounds.columns:
        fill["strata"] = "stratum"
    spec = project.config.specs.deprivation
    if spec:
        spec_path = project.path(spec)
        fill["spec"] = spec_path if spec_path.is_file() else Path(spec)
    used = [d.name for d in project.datasets("survey")]
    return fill, [*used, *(["deprivation_spec"] if spec else [])]


def _severity(project: Any, kwargs: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The sector-score table stays the user's (``--data``); its area column (``--area``, or
    the column holding the project's p-codes) must hold project p-codes."""
    from humsec.data import read_table

    data = Path(kwargs["data"])
    frame = read_table(data)
    column = kwargs.get("area") or project.find_area_column(frame)
    if column is None:
        from humsec.errors import DataError

        raise DataError(
            "no column of the table holds the project's p-codes",
            location=str(data),
            hint="name it with --area COLUMN",
        )
    project.check_area_column(frame, column, str(data))
    return {"area": column}, [f"file:{data}"]


def _shocks(project: Any) -> tuple[dict[str, Any], list[str]]:
    scenario = project.dataset("scenario")
    if scenario is None or project.dataset("survey") is None:
        from humsec.errors import DataError

        raise DataError(
            "the project needs a survey and a scenario for shock commands",
            location=str(project.root),
            hint="humsec project add DIR scenario.yaml --role scenario",
        )
    s = project.config.settings
    fill: dict[str, Any] = {
        "exposure": str(_survey_file(project)),
        "events": str(project.path(scenario.file)),
        "years": s.n_years,
        "seed": s.seed,
        "missing_areas": "drop",
    }
    used = [project.dataset("survey").name, scenario.name]
    measures = project.dataset("measures")
    if measures is not None:
        fill["measures"] = str(project.path(measures.file))
        used.append(measures.name)
    framework = project.config.specs.framework
    if framework and framework != "default":
        fill["framework_file"] = project.path(framework)
    return fill, used


def _index(project: Any) -> tuple[dict[str, Any], list[str]]:
    path = _scratch(project) / "area_indicators.parquet"
    project.indicator_wide().reset_index().to_parquet(path, index=False)
    fill: dict[str, Any] = {"data": path}
    if project.config.settings.index_year:
        fill["year"] = project.config.settings.index_year
    return fill, [d.name for d in project.datasets("indicators")]


FILLERS: dict[str, Callable[[Any], tuple[dict[str, Any], list[str]]]] = {
    "deprivation": _deprivation,
    "shocks": _shocks,
    "index": _index,
}
# Commands whose inputs depend on the options the user gave (by their full key).
COMMAND_FILLERS: dict[str, Callable[[Any, dict[str, Any]], tuple[dict[str, Any], list[str]]]] = {
    "deprivation change": _change,
    "deprivation severity": _severity,
}


def _defaulted(ctx: Context, name: str) -> bool:
    source = ctx.get_parameter_source(name)
    return source in (None, ParameterSource.DEFAULT, ParameterSource.DEFAULT_MAP)


def _record(project: Any, key: str, used: list[str], options: dict[str, Any], out: Path) -> None:
    from humsec import __version__
    from humsec.data import read_table
    from humsec.project.project import file_sha256
    from humsec.project.run import open_project_store
    from humsec.project.store import input_hash

    files = {d.name: d.file for d in project.config.datasets}
    inputs = {name: file_sha256(project.path(files[name])) for name in used if name in files}
    for name in used:  # a file of the user's, outside the project's datasets
        if name.startswith("file:"):
            inputs[name] = file_sha256(Path(name.removeprefix("file:")))
    spec = {
        k: str(v)
        for k, v in sorted(options.items())
        if k not in ("out", "exposure", "data", "events", "measures", "spec")
    }
    seed = options.get("seed")
    key_hash = input_hash(inputs, {"command": key, **spec}, __version__, seed)
    table = read_table(out)
    if any(name is not None for name in table.index.names):
        table = table.reset_index()  # keep the unit (and year) keys as columns
    with open_project_store(project) as store:
        found = store.find(f"cli {key}", key_hash)
        if found is not None:
            err.print(f"same inputs as run {found.source_run_id}: reuse noted in the project store")
            return
        now = datetime.now(UTC)
        record = store.record(
            analysis=f"cli {key}",
            input_hash=key_hash,
            inputs=inputs,
            spec={"command": key, **spec},
            seed=seed,
            started=now,
            ended=now,
            tables={"result": table},
            humsec_version=__version__,
        )
    err.print(f"recorded run {record.run_id} in the project store ({project.store_path()})")


def _report(project: Any, kwargs: dict[str, Any]) -> None:
    import typer

    from humsec.project.run import open_project_store, run_project
    from humsec.report import ReportContext, write_report

    with open_project_store(project) as store:
        result = run_project(project, store)
    path = write_report(kwargs["out"], ReportContext(project=project, project_run=result))
    typer.echo(str(path))


def with_project_option(function: Callable[..., Any], key: str) -> Callable[..., Any]:
    """``function`` (a Typer command) with a ``--project DIR`` option added (see the module
    docstring); the other options keep their names, defaults and help."""
    import functools
    import inspect

    import typer

    signature = inspect.signature(function)
    if "project" in signature.parameters:
        return function
    option = inspect.Parameter(
        "project",
        inspect.Parameter.KEYWORD_ONLY,
        default=typer.Option(None, "--project", help=HELP),
        annotation=Path | None,
    )
    params = [
        p.replace(kind=inspect.Parameter.KEYWORD_ONLY)
        if p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD
        else p
        for p in signature.parameters.values()
    ]

    @functools.wraps(function)
    def command(**kwargs: Any) -> Any:
        folder = kwargs.pop("project", None)
        if folder is None:
            return function(**kwargs)
        return _run_with_project(function, key, Path(folder), kwargs)

    command.__signature__ = signature.replace(parameters=[*params, option])  # type: ignore[attr-defined]
    return command


def _run_with_project(
    function: Callable[..., Any], key: str, folder: Path, kwargs: dict[str, Any]
) -> Any:
    from typer._click.globals import get_current_context

    from humsec.project import Project, resolve_project

    ctx = get_current_context()
    project = Project.load(resolve_project(folder))
    if key == "report":
        return _report(project, kwargs)
    if key in COMMAND_FILLERS:
        fill, used = COMMAND_FILLERS[key](project, kwargs)
    else:
        fill, used = FILLERS[key.split()[0]](project)
    for name, value in fill.items():
        if name in kwargs and _defaulted(ctx, name):
            kwargs[name] = value
    if "demo" in kwargs:
        kwargs["demo"] = False
    if key.startswith("index "):
        from humsec.project import PRESETS_DIR, area_preset_names

        if kwargs.get("index") in area_preset_names():  # an area preset, by name
            kwargs["index"] = str(PRESETS_DIR / f"{kwargs['index']}.yaml")
        elif kwargs.get("index") and project.path(kwargs["index"]).is_file():
            kwargs["index"] = str(project.path(kwargs["index"]))
    wanted_out = kwargs.get("out")
    out = Path(wanted_out) if wanted_out else _scratch(project) / f"{key.replace(' ', '-')}.parquet"
    if "out" in kwargs:
        kwargs["out"] = out
    value = function(**kwargs)
    if "out" in kwargs and out.is_file():
        _record(project, key, used, kwargs, out)
        if wanted_out is None:
            out.unlink()
    return value


def add_project_options(target: Any, name: str) -> None:
    """Add ``--project`` to the engine commands of a Typer app (before Typer builds it)."""
    for info in target.registered_commands:
        sub = info.name or (info.callback.__name__.replace("_", "-") if info.callback else "")
        key = f"{name} {sub}".strip() if name != "report" else "report"
        if key in PROJECT_COMMANDS and info.callback is not None:
            info.callback = with_project_option(info.callback, key)
