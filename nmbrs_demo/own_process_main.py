"""The demo process of :mod:`nmbrs_demo.own_process` (``python -m nmbrs_demo.own_process_main
API SCENARIO LATENCY``): one JSON line on stdout, then it serves until stdin closes."""

from __future__ import annotations

import json
import os
import signal
import sys
import threading

from nmbrs_client.errors import ConfigError
from nmbrs_client.ids import ApiKind
from nmbrs_demo.running import start_demo

# Companies from this many employees on get their whole-company replies made before they are
# asked for (the demo world's big company has 5,000; the others a few dozen).
PREPARE_FROM_EMPLOYEES = 1000


def _serve(api: ApiKind, scenario: str, latency_ms: int | None) -> int:
    try:
        demo = start_demo(api, scenario, latency_ms)
    except ConfigError as error:
        _say({"error": error.message, "hint": error.hint})
        return 2
    _say({"base_url": demo.base_url})
    # The dashboard reads nothing more from it: whatever a library prints later goes nowhere
    # rather than into a pipe nobody reads.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    prepare = getattr(demo.server, "prepare_big_companies", None)
    if prepare is not None:
        threading.Thread(target=prepare, args=(PREPARE_FROM_EMPLOYEES,), daemon=True).start()
    while sys.stdin.buffer.read(4096):
        pass  # nothing is ever sent: the end of the input is the signal to stop
    # The demo keeps nothing worth a graceful stop (uvicorn's takes ~0.4 s, which the
    # dashboard would wait at quit): the sockets close with the process.
    os._exit(0)


def _say(message: dict[str, str]) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def main(argv: list[str]) -> int:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    api, scenario, latency = argv
    return _serve(ApiKind(api), scenario, None if latency == "-" else int(latency))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
