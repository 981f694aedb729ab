"""Every domain's tables, imported so Alembic sees one metadata."""

from server.auth import models as _auth  # noqa: F401
from server.chat import models as _chat  # noqa: F401
from server.db.base import Base
from server.ledger import models as _ledger  # noqa: F401
from server.payments import billing_models as _billing  # noqa: F401
from server.payments import models as _payments  # noqa: F401
from server.payouts import models as _payouts  # noqa: F401
from server.streams import models as _streams  # noqa: F401

metadata = Base.metadata
