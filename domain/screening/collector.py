"""Python's cyclic garbage collector, paused while a traveller is screened.

A search makes thousands of short-lived sets, dicts and tuples. Every 700 of them that are
still alive set off a collection of the youngest generation, which walks each container alive,
the search's largest sets among them; now and then a full collection walks every cache the
index has filled since it was loaded. At a million names these pauses were four tenths of the
slowest searches' time (docs/benchmarks.md, "Screening"). A search builds no reference cycles,
so reference counting frees all it makes: the collector can rest for its few milliseconds and
catch up, on what is left, after it.

Threads share the pause: the collector resumes when the last search running ends, and only if
it was running when the first began (a process that turned it off keeps it off). A process
screening without a break in one thread after another would keep it paused: a worker serves
a counter, where searches come seconds apart.
"""

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_searching = 0
_resume = False


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause automatic garbage collection for the block (see the module's docstring)."""
    global _searching, _resume
    with _lock:
        if _searching == 0:
            _resume = gc.isenabled()
            gc.disable()
        _searching += 1
    try:
        yield
    finally:
        with _lock:
            _searching -= 1
            if _searching == 0 and _resume:
                gc.enable()
