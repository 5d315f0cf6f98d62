"""Test support: Python imports this at start-up when this folder is on PYTHONPATH.

`HANDBOOK_TEST_NO_FORK=1` removes what Windows lacks (fork and CPU affinity), so a `handbook
build` run here takes the path it takes on Windows; any call to them fails as it would there.
`HANDBOOK_TEST_FORK_LOG=<file>` instead keeps fork and appends a line to the file per fork,
so a test can prove that a build it calls parallel really forked.
"""

from __future__ import annotations

import os

if os.environ.get("HANDBOOK_TEST_NO_FORK") == "1":
    for _name in ("fork", "forkpty", "register_at_fork", "sched_getaffinity",
                  "sched_setaffinity"):
        if hasattr(os, _name):
            delattr(os, _name)

_log = os.environ.get("HANDBOOK_TEST_FORK_LOG")
if _log and hasattr(os, "fork"):
    _fork = os.fork

    def _logged_fork() -> int:
        with open(_log, "a", encoding="utf-8") as stream:
            stream.write(f"{os.getpid()}\n")
        return _fork()

    os.fork = _logged_fork
