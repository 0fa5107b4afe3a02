"""humsec.web: the dashboard for programme teams, served by the humsec service at ``/``.

Server-rendered pages (Jinja2) made interactive with HTMX and Plotly, every asset served by
the service itself so that it works offline. Sign-in takes an API token, kept in an HttpOnly,
SameSite=Strict cookie and checked against the same token book and roles as ``/api/v1``.

Public API::

    from humsec.api import ServiceSettings, create_app
    from humsec.web import mount_dashboard
    app = create_app(ServiceSettings())
    mount_dashboard(app)          # what `humsec serve` does

The API does not import the dashboard (interfaces build on it, not it on them).
"""

from humsec.web.dashboard import mount_dashboard

__all__ = ["mount_dashboard"]
