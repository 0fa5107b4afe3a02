"""Report section: who does what where in a project (issue 10 §5).

From the project's 3W table (:func:`humsec.project.project_presence`): a map of the number of
implementing organisations per area, the presence table (org x sector x area, with CSV), and,
with the project's deprivation by group and area, a map of coverage gaps (areas among the
most deprived half with at most one organisation; :func:`humsec.project.actor_coverage`) and
the localisation share. A synthetic 3W table (the demo's) is said to be synthetic.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

import pandas as pd

from humsec.report.section import RenderedSection, ReportContext
from humsec.report.tables import table_html


def _needs(project_root: str) -> str:
    return (
        '<div class="needs"><p><strong>No data for this section yet.</strong> This project '
        "has no who-does-what-where (3W) table. Add one with <code>humsec project add "
        f"{escape(project_root)} 3w.csv --role 3w</code> (HXL-tagged or with common "
        "headers: organisation, sector, admin1 pcode, targeted, reached), then run "
        "<code>humsec project report DIR</code> again.</p></div>"
    )


@dataclass(frozen=True)
class ActorsSection:
    """Actor presence and coverage gaps on the project's areas."""

    id: str = "actors"
    title: str = "Who does what where"

    def render(self, context: ReportContext) -> RenderedSection:
        """Maps of presence and of coverage gaps from the project's 3W and needs."""
        from humsec.project import actor_coverage, is_synthetic, project_presence
        from humsec.report.area_maps import area_map
        from humsec.report.sections.project import project_run

        project = context.project
        if project is None:
            return RenderedSection(self.id, self.title, "<p>This section needs a project.</p>")
        presence = project_presence(project)
        if presence is None:
            return RenderedSection(self.id, self.title, _needs(str(project.root)))
        d = project.dataset("3w")
        assert d is not None
        synthetic = is_synthetic(project, "3w")
        parts = [
            f"<p>Implementing organisations per area from <code>{escape(d.file)}</code> "
            f"({presence['org'].nunique()} organisations, {len(presence)} org x sector x area "
            "rows).</p>"
        ]
        if synthetic:
            parts.append(
                '<p class="note"><strong>Synthetic data.</strong> This 3W table is synthetic: '
                "its organisations are fictional and placed by a seeded generator "
                "(see the project's PROVENANCE.md). Replace it with your own 3W table.</p>"
            )
        pcodes = project.level_pcodes(project.main_level)
        names = project.areas.set_index("pcode")["name"].reindex(pcodes)
        orgs = presence.groupby("area")["org"].nunique().reindex(pcodes).fillna(0)
        parts.append("<h3>Actor presence</h3>")
        parts.append(
            area_map(
                pcodes,
                orgs,
                names=names,
                title="organisations",
                div_id="actor-presence-map",
                colorscale="Blues",
                hover_format=".0f",
            )
        )
        run = project_run(context)
        cov = actor_coverage(project, run.tables)
        if cov is None:
            parts.append(
                "<p>Coverage gaps need the project's deprivation by group and area (a survey "
                "and a deprivation spec).</p>"
            )
        else:
            table = cov.table.copy()
            flags = table.set_index("area")["gap"].reindex(pcodes).fillna(False).astype(float)
            parts.append("<h3>Coverage gaps</h3>")
            parts.append(
                f"<p>An area is a gap when its deprived people (need) are at or above the "
                f"median of the areas ({cov.settings['need_threshold']:,.0f}) and at most "
                f"{int(cov.settings['thin_orgs'])} organisation works there: "
                f"{int(flags.sum())} of {len(pcodes)} areas.</p>"
            )
            parts.append(
                area_map(
                    pcodes,
                    flags,
                    names=names,
                    title="gap (1 = yes)",
                    div_id="actor-gap-map",
                    colorscale="Reds",
                    hover_format=".0f",
                )
            )
            shown = table[
                ["area", "in_need", "organisations", "people_served", "coverage", "gap"]
            ].sort_values(["gap", "in_need"], ascending=[False, False])
            shown.insert(1, "name", names.reindex(shown["area"]).to_numpy())
            parts.append(
                table_html(
                    shown.head(15),
                    caption="Need and presence per area (most needy gaps first)",
                    table_id="actor-coverage",
                    download=table,
                    download_name="actor_coverage.csv",
                )
            )
            loc = cov.localisation
            if len(loc):
                share = float(loc["national_or_local"].sum() / loc["organisations"].sum())
                parts.append(
                    f"<p>Localisation: {share:.0%} of the organisations present per area are "
                    "national or local actors.</p>"
                )
        parts.append(
            table_html(
                pd.DataFrame(presence.head(15)),
                caption="Operational presence (first rows)",
                table_id="actor-presence",
                download=presence,
                download_name="actor_presence.csv",
            )
        )
        return RenderedSection(self.id, self.title, "".join(parts))


ACTORS = ActorsSection()
"""The section instance listed in :func:`humsec.report.sections.project_sections`."""
