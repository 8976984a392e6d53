"""How the ``socval`` command ends when it is told to: SIGTERM and SIGHUP take the same path as Ctrl-C (a
KeyboardInterrupt, which every writer turns into removing its temporary file), and library warnings stay off
stderr."""
from __future__ import annotations

import signal
import sys
import warnings

__all__ = ["stop_on_termination", "exit_code", "quiet_warnings"]

_received = {"signal": signal.SIGINT}


def _interrupt(signum, frame) -> None:
    _received["signal"] = signum
    raise KeyboardInterrupt(f"stopped by {signal.Signals(signum).name}")


def stop_on_termination() -> None:
    """SIGTERM and SIGHUP raise KeyboardInterrupt (as SIGINT does), so writers clean up before the exit."""
    for sig in (signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(sig) in (signal.SIG_DFL, None):
            signal.signal(sig, _interrupt)


def exit_code() -> int:
    """128 + the number of the signal that stopped the command (130 for Ctrl-C, 143 for SIGTERM, 129 for SIGHUP)."""
    return 128 + int(_received["signal"])


def quiet_warnings() -> None:
    """Ignore Python warnings (numpy's RuntimeWarning, pandas, matplotlib) unless the user asked for them with
    ``python -W`` or PYTHONWARNINGS; socval reports its own findings as messages, not warnings."""
    if not sys.warnoptions:
        warnings.simplefilter("ignore")
