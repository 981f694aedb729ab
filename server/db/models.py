"""Every domain's tables, imported so Alembic sees one metadata."""

from server.auth import models as _auth  # noqa: F401
from server.db.base import Base

metadata = Base.metadata
