"""Timestamping a case's journal as soon as a proof arrives.

``stamp`` is the server's one call into the library's timestamping: when the
proof branch's ``drain_queue(case, budget)`` lands, only this function changes.
Today it calls ``timestamp.request`` with the server's authorities; when none
answers, the library keeps the request in the case's queue and the server keeps
the case in ``stamp_pending`` (no personal data: the case id and a date), so the
next request that opens the case tries again.
"""

from __future__ import annotations

from ..case import Case
from ..errors import RdvError, TimestampError
from ..evidence.proofs import timestamp
from .config import ServerConfig


def stamp(case: Case, config: ServerConfig) -> bool:
    """Ask every authority for a token over the journal's head; True if one answered."""
    authorities = tuple(
        timestamp.Authority(a.url, a.name, a.certificate) for a in config.authorities
    )
    if not authorities:
        return False
    try:
        timestamp.request(case, authorities, config.timestamp_timeout)
    except TimestampError:
        return False
    except RdvError:
        return False
    return True
