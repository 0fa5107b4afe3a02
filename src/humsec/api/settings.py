"""Settings of the humsec service: where the store is, and the limits that protect it."""

from __future__ import annotations

import ipaddress
import os

from pydantic import BaseModel, ConfigDict, Field

from humsec.errors import HumsecError

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "::1", "localhost"})


class ServiceSettings(BaseModel):
    """Configuration of one service instance.

    Defaults are the safe ones: bound to loopback, CORS closed, uploads capped at 100 MB and
    compute requests capped at 60 a minute per token.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    store: str = Field("humsec-store.duckdb", description="DuckDB file path or postgresql:// URL")
    store_schema: str | None = Field(
        None, description="PostgreSQL schema holding the store (default public)"
    )
    projects: str = Field("humsec-projects", description="folder holding the projects served")
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)
    max_upload_bytes: int = Field(100 * 1024 * 1024, gt=0)
    compute_per_minute: int = Field(60, gt=0)
    cors_origins: tuple[str, ...] = ()
    admin_token: str | None = Field(None, repr=False)
    scheduler: str | None = Field(None, description="Dask scheduler address; None = LocalCluster")
    threads: int = Field(
        100,
        ge=4,
        le=1000,
        description="threads serving blocking requests at once (a request waiting for the "
        "store's writer holds one, so there are more than clients a team runs at once)",
    )

    @classmethod
    def from_environment(cls, **overrides: object) -> ServiceSettings:
        """Settings from overrides; the first admin token comes from ``HUMSEC_ADMIN_TOKEN``."""
        values: dict[str, object] = {"admin_token": os.environ.get("HUMSEC_ADMIN_TOKEN") or None}
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls.model_validate(values)

    @property
    def is_loopback(self) -> bool:
        """True when the service only listens on this machine."""
        if self.host in LOOPBACK_HOSTS:
            return True
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return False

    def check_exposure(self, *, store_has_admin: bool = False) -> None:
        """Refuse to listen beyond loopback without an admin token (anyone could write)."""
        if not self.is_loopback and not (self.admin_token or store_has_admin):
            raise HumsecError(
                f"refusing to listen on {self.host}: no admin token is configured",
                location="humsec serve --host",
                hint="set HUMSEC_ADMIN_TOKEN (or create one with `humsec token create --role "
                "admin`) before binding to a non-loopback address, or keep --host 127.0.0.1",
            )
