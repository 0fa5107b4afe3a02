"""humsec.data: bundled country data with provenance, country codes, the indicator registry,
the country panel, loaders for user-downloaded sources, and atomic output.

>>> from humsec.data import load, country_panel
>>> load("hdr").columns.tolist()
['iso3', 'year', 'variable', 'value']

Exports are loaded lazily (PEP 562): ``import humsec.data`` reads no table library, so a command
that only lists the catalogue or the framework starts without pandas or pyarrow; the first use
of a name imports the module that defines it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from humsec.lazy_exports import export_lazily

if TYPE_CHECKING:
    from humsec.categories import column_labels, resolve_categories
    from humsec.data.catalog import (
        Catalog,
        DatasetEntry,
        RawFile,
        attribution,
        bundled_dir,
        catalog,
        dataset,
        load,
    )
    from humsec.data.conflict import ucdp_country_year
    from humsec.data.countries import CountryMatch, countries, gw_to_iso3, match_countries, to_iso3
    from humsec.data.geo import world_geojson
    from humsec.data.hashtags import HASHTAG_ROW_SEARCH, HxlPattern, HxlTag
    from humsec.data.hxl import (
        find_column,
        find_columns,
        read_hxl,
        require_tags,
        select_tags,
        write_hxl,
    )
    from humsec.data.indicators import (
        Indicator,
        IndicatorRegistry,
        IndicatorSource,
        ThreatCoverage,
        indicator_registry,
        load_indicator_registry,
    )
    from humsec.data.microdata import scan_microdata
    from humsec.data.output import (
        WORKBOOK_SUFFIXES,
        atomic_path,
        check_output_target,
        check_table_target,
        companion_path,
        remove_partial_outputs,
        write_table,
        write_tables,
        write_text,
    )
    from humsec.data.panel import country_panel
    from humsec.data.readers import TableFormat, check_table, read_table
    from humsec.data.shape import to_long, to_wide, years_to_long
    from humsec.data.synthetic_survey import synthetic_survey
    from humsec.data.topojson import topology_to_features
    from humsec.data.user_sources import load_emdat_owid, load_fsi, load_idmc, load_ndgain
    from humsec.data.validation import (
        require_between,
        require_columns,
        require_in,
        require_numeric,
        require_unique,
    )

#: Where each exported name is defined (loaded on first use).
_EXPORTS: dict[str, tuple[str, ...]] = {
    "humsec.categories": ("column_labels", "resolve_categories"),
    "humsec.data.catalog": (
        "Catalog",
        "DatasetEntry",
        "RawFile",
        "attribution",
        "bundled_dir",
        "catalog",
        "dataset",
        "load",
    ),
    "humsec.data.conflict": ("ucdp_country_year",),
    "humsec.data.countries": (
        "CountryMatch",
        "countries",
        "gw_to_iso3",
        "match_countries",
        "to_iso3",
    ),
    "humsec.data.geo": ("world_geojson",),
    "humsec.data.hashtags": ("HASHTAG_ROW_SEARCH", "HxlPattern", "HxlTag"),
    "humsec.data.hxl": (
        "find_column",
        "find_columns",
        "read_hxl",
        "require_tags",
        "select_tags",
        "write_hxl",
    ),
    "humsec.data.indicators": (
        "Indicator",
        "IndicatorRegistry",
        "IndicatorSource",
        "ThreatCoverage",
        "indicator_registry",
        "load_indicator_registry",
    ),
    "humsec.data.microdata": ("scan_microdata",),
    "humsec.data.output": (
        "WORKBOOK_SUFFIXES",
        "atomic_path",
        "check_output_target",
        "check_table_target",
        "companion_path",
        "remove_partial_outputs",
        "write_table",
        "write_tables",
        "write_text",
    ),
    "humsec.data.panel": ("country_panel",),
    "humsec.data.readers": ("TableFormat", "check_table", "read_table"),
    "humsec.data.shape": ("to_long", "to_wide", "years_to_long"),
    "humsec.data.synthetic_survey": ("synthetic_survey",),
    "humsec.data.topojson": ("topology_to_features",),
    "humsec.data.user_sources": ("load_emdat_owid", "load_fsi", "load_idmc", "load_ndgain"),
    "humsec.data.validation": (
        "require_between",
        "require_columns",
        "require_in",
        "require_numeric",
        "require_unique",
    ),
}

__all__ = [
    "HASHTAG_ROW_SEARCH",
    "WORKBOOK_SUFFIXES",
    "Catalog",
    "CountryMatch",
    "DatasetEntry",
    "HxlPattern",
    "HxlTag",
    "Indicator",
    "IndicatorRegistry",
    "IndicatorSource",
    "RawFile",
    "TableFormat",
    "ThreatCoverage",
    "atomic_path",
    "attribution",
    "bundled_dir",
    "catalog",
    "check_output_target",
    "check_table",
    "check_table_target",
    "column_labels",
    "companion_path",
    "countries",
    "country_panel",
    "dataset",
    "find_column",
    "find_columns",
    "gw_to_iso3",
    "indicator_registry",
    "load",
    "load_emdat_owid",
    "load_fsi",
    "load_idmc",
    "load_indicator_registry",
    "load_ndgain",
    "match_countries",
    "read_hxl",
    "read_table",
    "remove_partial_outputs",
    "require_between",
    "require_columns",
    "require_in",
    "require_numeric",
    "require_tags",
    "require_unique",
    "resolve_categories",
    "scan_microdata",
    "select_tags",
    "synthetic_survey",
    "to_iso3",
    "to_long",
    "to_wide",
    "topology_to_features",
    "ucdp_country_year",
    "world_geojson",
    "write_hxl",
    "write_table",
    "write_tables",
    "write_text",
    "years_to_long",
]

export_lazily(__name__, _EXPORTS)
