"""Starting the ``nmbrs-tui`` command as a child process in tests."""

from __future__ import annotations

import sys

# ``python -m tui.cli`` with Ctrl-C working even when the suite itself runs with SIGINT ignored
# (started as a background job of a script: its children inherit the ignore, and Python then
# installs no KeyboardInterrupt handler), so the tests that press Ctrl-C do not depend on how
# the suite was launched.
CLI_WITH_CTRL_C = (
    sys.executable,
    "-c",
    "import signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
    "from tui.cli import main; sys.exit(main(sys.argv[1:]))",
)
