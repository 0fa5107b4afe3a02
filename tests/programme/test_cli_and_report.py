"""`humsec programme` and `humsec actors` commands, and the report section."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from humsec.cli import app
from humsec.programme import example_path, read_excel
from humsec.report import ReportContext
from humsec.report.sections import SECTIONS
from humsec.report.sections.programmes import PROGRAMMES

FIX = Path(__file__).resolve().parents[1] / "fixtures"
runner = CliRunner()


def test_appraise_and_template(tmp_path: Path) -> None:
    out = tmp_path / "scores.csv"
    result = runner.invoke(app, ["programme", "appraise", str(example_path("siloed")),
                                 str(example_path("integrated")), "--out", str(out)])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "marker not targeted" in text and "marker principal" in text
    assert "portfolio:" in result.output
    scores = pd.read_csv(out)
    assert len(scores) == 24 and set(scores["programme"]) == {"KE-MAIZE-VC", "KE-DRYLANDS-HS"}
    book = tmp_path / "t.xlsx"
    result = runner.invoke(app, ["programme", "template", str(book), "--from",
                                 str(example_path("siloed"))])
    assert result.exit_code == 0, result.output
    assert read_excel(book).id == "KE-MAIZE-VC"


def test_import_iati_and_bad_input(tmp_path: Path) -> None:
    result = runner.invoke(app, ["programme", "import-iati",
                                 str(FIX / "iati/kenya_activities_203.xml"),
                                 "--issues", str(tmp_path / "issues.csv")])
    assert result.exit_code == 0, result.output
    assert "3 activities (IATI 2.03), 3 programmes" in result.output
    assert (tmp_path / "issues.csv").is_file()
    bad = tmp_path / "bad.xml"
    bad.write_text("<iati-activities version='2.03'><iati-activity>", encoding="utf-8")
    result = runner.invoke(app, ["programme", "import-iati", str(bad)])
    assert result.exit_code == 2 and "malformed XML" in result.output


def test_actors_read_and_coverage(tmp_path: Path) -> None:
    result = runner.invoke(app, ["actors", "read", str(FIX / "threew/kenya_3w_hxl.csv")])
    assert result.exit_code == 0, result.output
    assert "9 rows -> 18 organisation rows" in result.output
    needs = tmp_path / "needs.csv"
    needs.write_text("area,sector,in_need\nKE009,Health,50000\nKE023,Health,100\n",
                     encoding="utf-8")
    result = runner.invoke(app, ["actors", "coverage", str(FIX / "threew/kenya_3w_hxl.csv"),
                                 "--needs", str(needs)])
    assert result.exit_code == 0, result.output
    assert "1 gap(s)" in result.output and "gap: KE009 Health" in result.output


def test_report_section_radar_and_matrix() -> None:
    assert PROGRAMMES in SECTIONS
    html = PROGRAMMES.render(ReportContext()).html
    assert 'id="programme-radar"' in html and 'id="programme-coverage"' in html
    assert "Maize value chain productivity: not targeted" in html
    assert "Resilient drylands - human security in northern Kenya: principal" in html


def test_project_report_maps_where_the_portfolio_works() -> None:
    from humsec.project import Project, demo_project_dir
    from humsec.report.sections import project_sections

    assert PROGRAMMES in project_sections()
    html = PROGRAMMES.render(ReportContext(project=Project.load(demo_project_dir()))).html
    assert 'id="programme-coverage-map"' in html
    # the two examples work in 4 + 3 of Kenya's 47 counties
    assert "40 of 47 areas have none" in html
