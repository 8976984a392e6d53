"""How the ``socval`` command ends when it is told to: SIGTERM and SIGHUP take the same path as Ctrl-C (a
KeyboardInterrupt, which every writer turns into removing its temporary file), and library warnings stay off
stderr."""
from __future__ import annotations

import os
import signal
import sys
import threading
import warnings

__all__ = ["quiet_startup", "stop_on_termination", "exit_code", "quiet_warnings"]

_STOPS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)

_received = {"signal": signal.SIGINT}


def _interrupt(signum, frame) -> None:
    _received["signal"] = signum
    raise KeyboardInterrupt(f"stopped by {signal.Signals(signum).name}")


def _exit_now(signum, frame) -> None:
    # Nothing is written yet: say so and leave at once, without a traceback.
    os.write(2, b"socval: interrupted while starting; nothing was written\n")
    os._exit(128 + signum)


def _is_the_command() -> bool:
    """True if this process is `socval ...` or `python -m socval ...` (not a program that imports socval)."""
    argv = getattr(sys, "orig_argv", [])
    return argv[1:3] == ["-m", "socval"] or (len(argv) > 1 and os.path.basename(argv[1]) == "socval")


def quiet_startup() -> None:
    """While the `socval` command imports its modules, a stop (SIGINT, SIGTERM, SIGHUP) exits at once, quietly."""
    if _is_the_command() and threading.current_thread() is threading.main_thread():
        for sig in _STOPS:
            if signal.getsignal(sig) in (signal.SIG_DFL, signal.default_int_handler):
                signal.signal(sig, _exit_now)


def stop_on_termination() -> None:
    """SIGINT raises KeyboardInterrupt, and so do SIGTERM and SIGHUP, so writers clean up before the exit."""
    if signal.getsignal(signal.SIGINT) is _exit_now:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    for sig in (signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(sig) in (signal.SIG_DFL, None, _exit_now):
            signal.signal(sig, _interrupt)


def exit_code() -> int:
    """128 + the number of the signal that stopped the command (130 for Ctrl-C, 143 for SIGTERM, 129 for SIGHUP)."""
    return 128 + int(_received["signal"])


def quiet_warnings() -> None:
    """Ignore Python warnings (numpy's RuntimeWarning, pandas, matplotlib) unless the user asked for them with
    ``python -W`` or PYTHONWARNINGS; socval reports its own findings as messages, not warnings."""
    if not sys.warnoptions:
        warnings.simplefilter("ignore")
