"""What a server process keeps of the programme pages between requests: the most recently
used entries, each under a key that changes whenever what it holds would (the statement and
its parameters with the data's version, or a digest of the figures shown), so an entry is
never stale, only unused."""

import threading
from collections import OrderedDict


class Recent:
    """The ``size`` most recently used values, by key; safe across a process's threads."""

    def __init__(self, size):
        self.size = size
        self.kept = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key, make):
        """The value kept under ``key``, or ``make()``'s, kept."""
        with self.lock:
            if key in self.kept:
                self.kept.move_to_end(key)
                return self.kept[key]
        value = make()
        with self.lock:
            self.kept[key] = value
            while len(self.kept) > self.size:
                self.kept.popitem(last=False)
        return value

    def clear(self):
        with self.lock:
            self.kept.clear()
