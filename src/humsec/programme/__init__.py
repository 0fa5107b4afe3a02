"""humsec.programme: programme appraisal through the human-security lens.

:func:`plan` chooses a portfolio of candidate packages per area under budgets (a MILP
solved with HiGHS). A :class:`Programme` is read from YAML (:meth:`Programme.from_yaml`),
validated against the framework in use.

>>> from humsec.programme import Programme, example_programme
>>> example_programme("integrated").programme.country
'KEN'
"""

from humsec.programme.appraisal import (
    MARKERS,
    Appraisal,
    CriterionScore,
    PortfolioAppraisal,
    appraise,
    appraise_portfolio,
    portfolio_coverage,
)
from humsec.programme.benefits import derive_benefits
from humsec.programme.codelists import (
    CODELIST_SOURCE,
    SectorThreats,
    codelist,
    load_sector_threats,
    sector_category,
    sector_name,
)
from humsec.programme.context import ALL_PEOPLE, CONTEXT_PARTS, AppraisalContext
from humsec.programme.currency import (
    GAP_CURRENCY,
    GAP_YEAR,
    IMF_DOMESTIC,
    IMF_EURO_LEGACY,
    IMF_EXCLUDED,
    IMF_UNIONS,
    Conversion,
    ExchangeRates,
    annual_means,
    exchange_rates,
    imf_annual_rates,
)
from humsec.programme.evidence import EVIDENCE_FIELDS, Evidence, EvidenceField
from humsec.programme.examples import EXAMPLES, example_path, example_programme
from humsec.programme.excel import excel_template, read_excel
from humsec.programme.iati import (
    ACTIVITY_COLUMNS,
    GAP_COLUMNS,
    ISSUE_COLUMNS,
    SUPPORTED_VERSIONS,
    IatiImport,
    iati_issue_counts,
    read_iati,
)
from humsec.programme.model import (
    ACTOR_ROLES,
    ACTOR_TYPES,
    LEVELS,
    MODES,
    Actor,
    Beneficiaries,
    Component,
    Indicator,
    Programme,
    ProgrammeInfo,
    programme_problems,
)
from humsec.programme.plan import Budget, Plan, PlanInfeasibleError, atkinson, plan
from humsec.programme.plan_options import (
    OPTION_FLAGS,
    PlanBudget,
    PlanOptions,
    Portfolio,
    plan_option_problems,
    plan_options,
    solve_portfolio,
)
from humsec.programme.rubric import Condition, Criterion, Rubric, ScaleLevel, load_rubric

__all__ = [
    "ACTIVITY_COLUMNS",
    "ACTOR_ROLES",
    "ACTOR_TYPES",
    "ALL_PEOPLE",
    "CODELIST_SOURCE",
    "CONTEXT_PARTS",
    "EVIDENCE_FIELDS",
    "EXAMPLES",
    "GAP_COLUMNS",
    "GAP_CURRENCY",
    "GAP_YEAR",
    "IMF_DOMESTIC",
    "IMF_EURO_LEGACY",
    "IMF_EXCLUDED",
    "IMF_UNIONS",
    "ISSUE_COLUMNS",
    "LEVELS",
    "MARKERS",
    "MODES",
    "OPTION_FLAGS",
    "SUPPORTED_VERSIONS",
    "Actor",
    "Appraisal",
    "AppraisalContext",
    "Beneficiaries",
    "Budget",
    "Component",
    "Condition",
    "Conversion",
    "Criterion",
    "CriterionScore",
    "Evidence",
    "EvidenceField",
    "ExchangeRates",
    "IatiImport",
    "Indicator",
    "Plan",
    "PlanBudget",
    "PlanInfeasibleError",
    "PlanOptions",
    "Portfolio",
    "PortfolioAppraisal",
    "Programme",
    "ProgrammeInfo",
    "Rubric",
    "ScaleLevel",
    "SectorThreats",
    "annual_means",
    "appraise",
    "appraise_portfolio",
    "atkinson",
    "codelist",
    "derive_benefits",
    "example_path",
    "example_programme",
    "excel_template",
    "exchange_rates",
    "iati_issue_counts",
    "imf_annual_rates",
    "load_rubric",
    "load_sector_threats",
    "plan",
    "plan_option_problems",
    "plan_options",
    "portfolio_coverage",
    "programme_problems",
    "read_excel",
    "read_iati",
    "sector_category",
    "sector_name",
    "solve_portfolio",
]
