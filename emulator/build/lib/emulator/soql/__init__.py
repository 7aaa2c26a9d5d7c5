"""The emulated org's SOQL engine: parse, resolve against the Schema, run over SQLite.

    pq = prepare("SELECT Id, Name FROM Account", schema, now=now, tz="UTC")
    pq.total(conn); pq.fetch(conn, 0, 2000)
"""

from emulator.soql.errors import SoqlError
from emulator.soql.query import PreparedQuery, prepare

__all__ = ["PreparedQuery", "SoqlError", "prepare"]
