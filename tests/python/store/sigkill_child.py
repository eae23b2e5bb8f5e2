"""Child process of test_store_sigkill.py: appends numbered updates until it is killed.

Usage: ``python sigkill_child.py BACKEND LOCATION FIRST COMPACT_EVERY``. Update ``i`` (from
``FIRST`` on) sets key ``k<i>`` of map ``m`` as client ``i`` to a string of up to 4 KB (long
writes give the kill a chance to land inside one); once ``append`` returns, the
child prints ``i``. Every ``COMPACT_EVERY`` appends it compacts the room (read, merge,
replace), so kills also land inside ``replace()``.
"""

from __future__ import annotations

import sys

from crdtcore import Doc, Map, merge_updates
from crdtcore.store import FileStore, SqliteStore


def numbered_update(i: int) -> bytes:
    doc = Doc(client_id=i)
    doc["m"] = Map({f"k{i}": "x" * (i * 7919 % 4096)})
    return doc.get_update()


def main() -> None:
    backend, location, first, compact_every = sys.argv[1:5]
    store = SqliteStore(location) if backend == "sqlite" else FileStore(location)
    i = int(first)
    while True:
        store.append("room", numbered_update(i))
        print(i, flush=True)
        if i % int(compact_every) == 0:
            records = store.read("room")
            store.replace("room", merge_updates(*records), len(records))
        i += 1


if __name__ == "__main__":
    main()
