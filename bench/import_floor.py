"""The floor of ``cairn import``: what any import of the file must at least do, and no more.

``json.load`` of the export, then every row inserted in one transaction (``executemany`` per
table) into a new database with Cairn's schema, committed. No validation. Its time is the
baseline of the import's; its memory is not a target (it holds the whole file, which is what the
import must not do).

    python bench/import_floor.py EXPORT.json NEW.db
"""

from __future__ import annotations

import json
import sys


def main() -> None:
    source, target = sys.argv[1], sys.argv[2]
    from cairn.storage.db import Database
    from cairn.storage.files import connect_raw

    Database.open(target).close()  # the schema, as the import finds it
    with open(source, "rb") as fh:
        tables = json.load(fh)["tables"]
    conn = connect_raw(target)
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("delete from profile")
    for table, rows in tables.items():
        if rows:
            cols = list(rows[0])
            conn.executemany(f"insert into {table} ({', '.join(cols)}) values ({', '.join('?' * len(cols))})",
                             [list(r.values()) for r in rows])
    conn.execute("COMMIT")
    conn.close()


if __name__ == "__main__":
    main()
