"""Database engine, sessions and the declarative base shared by every domain's tables."""

from server.db.base import Base, UTCDateTime, new_id, utcnow
from server.db.engine import Database

__all__ = ["Base", "Database", "UTCDateTime", "new_id", "utcnow"]
