"""humsec.data"""

from humsec.data.synthetic_survey import synthetic_survey

__all__ = ["synthetic_survey"]
