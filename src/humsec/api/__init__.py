"""humsec as a service: a REST API (FastAPI) over the same engines and project store.

Public API::

    from humsec.api import create_app, ServiceSettings
    app = create_app(ServiceSettings(store="team.duckdb"))

``humsec serve`` runs it with uvicorn; ``/openapi.json`` is the contract.
"""

from humsec.api.app import API_PREFIX, create_app
from humsec.api.settings import ServiceSettings

__all__ = ["API_PREFIX", "ServiceSettings", "create_app"]
