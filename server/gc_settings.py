"""Garbage-collector settings for the serving process, so chat delivery stays steady.

A full collection walks every tracked object and stops the event loop while it does:
with 1,000 chat fans connected that was hundreds of milliseconds, several times while
they joined and now and then while messages flowed (the chat fan-out benchmark's
worst latencies). Two standard remedies, applied once the app is built:

- `gc.freeze()` moves what exists then (modules, the app, about 170,000 objects) out
  of the collector's sight for good; it is never garbage, and no later collection
  walks it again.
- Fewer young collections (every 20,000 new container objects instead of 700) mean
  fewer short-lived objects that happen to be alive mid-collection get promoted, so
  full collections come rarely; cyclic garbage still goes, a little later.

Only the server's own command runs this: tests and embedders keep Python's defaults.
"""

import gc

YOUNG_THRESHOLD = 20_000
MIDDLE_THRESHOLD = 20
OLD_THRESHOLD = 20


def settle_for_serving() -> None:
    """Freeze the objects built at start-up and collect the young generation less often."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_THRESHOLD, MIDDLE_THRESHOLD, OLD_THRESHOLD)
