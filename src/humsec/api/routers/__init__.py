"""The service's resources, one router per resource family, mounted under ``/api/v1``.

:data:`ENGINE_ROUTERS` are the engines' resources on a project (specs and index builds,
deprivation, shocks, programmes, 3W, the threat network and portfolio plans).
"""

from humsec.api.routers import deprivation, indices, planning, programmes, shocks, threew

ENGINE_ROUTERS = tuple(
    module.router for module in (indices, deprivation, shocks, programmes, threew, planning)
)
