"""A program stopped by the engine ends quietly, not with two ``KeyboardInterrupt`` tracebacks.

When an update fails (a check failure, a policy violation, an AWS error), the engine ends the program's run and the
Python language host interrupts the program (SIGINT; ``pulumi-language-python`` ``cmd.Cancel``). A program still
waiting for the engine's answers then prints a ``KeyboardInterrupt`` traceback from ``pulumi-language-python-exec``,
and a second one from its executor's shutdown, under the error the user needs. Any Python program does this, ours
or not (a one-resource dynamic provider whose check fails shows them in most runs): it is a race between the
program's exit and the host's interrupt. Inside a real engine run, a program using this package exits at once
instead, with the code that tells the host an error was already shown.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from types import FrameType

from pulumi.runtime import settings
from pulumi.runtime.mocks import MockMonitor

ERROR_ALREADY_SHOWN = 32
"""``pulumi-language-python-exec``'s exit code for "the user has been shown the error": the host adds nothing."""


def _stop(_signum: int, _frame: FrameType | None) -> None:
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(ERROR_ALREADY_SHOWN)


def quiet_interrupts() -> None:
    """In a program the engine runs, exit quietly when the language host interrupts it.

    Left alone elsewhere: unit tests with mocks, a REPL, a thread other than the main one, or a program that set its
    own SIGINT handler.
    """
    monitor = settings.get_monitor()
    if monitor is None or isinstance(monitor, MockMonitor):
        return
    if threading.current_thread() is not threading.main_thread():
        return
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        signal.signal(signal.SIGINT, _stop)
