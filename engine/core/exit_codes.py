"""CLI exit codes: 0 success, 2 bad input (one line, no traceback), 1 internal error (traceback kept)."""

from __future__ import annotations

import signal
import sys
import threading
from contextlib import contextmanager

import typer
from typer.core import TyperGroup

try:  # typer >= 0.2x vendors its own click; older typer uses click itself
    from typer._click import exceptions as _cx
    from typer.exceptions import Abort
except ImportError:  # pragma: no cover - depends on the installed typer
    from click import exceptions as _cx
    from click.exceptions import Abort

from rtybt.engine.core.errors import UserError
from rtybt.engine.core.faults import filesystem_fault

BAD_INPUT = 2
INTERRUPTED = 130
TERMINATED = 128 + signal.SIGTERM  # 143, as a shell reports a process ended by SIGTERM


class Terminated(BaseException):
    """SIGTERM, raised in the main thread so that every `finally` and `except BaseException` runs: staging
    folders removed, pool workers stopped, the variant store left resumable."""


def _raise_terminated(signum, frame):
    raise Terminated()


@contextmanager
def sigterm_raises():
    """SIGTERM raises Terminated while the command runs (main thread only; the old handler comes back)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


class ExitCodeGroup(TyperGroup):
    """The top-level command group; the same mapping holds under `typer.testing.CliRunner` and the console script.

    Click's standalone handling prints usage errors over several lines (typer: inside a rich box);
    here every bad-input error, ours or click's, is one line on stderr with exit code 2.
    """

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        try:
            with sigterm_raises():
                rv = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except Terminated:
            return _fail("rtybt: terminated", TERMINATED)
        except UserError as exc:
            return _fail(f"rtybt: error: {exc}", BAD_INPUT)
        except _cx.NoArgsIsHelpError as exc:
            # `rtybt` or `rtybt data` alone asks what there is: the help, on stdout, and success.
            typer.echo(exc.ctx.get_help())
            return _fail(None, 0)
        except _cx.UsageError as exc:
            hint = f" (see '{exc.ctx.command_path} --help')" if exc.ctx is not None else ""
            return _fail(f"rtybt: error: {_one_line(exc.format_message())}{hint}", BAD_INPUT)
        except Abort:
            return _fail("rtybt: interrupted", INTERRUPTED)
        except _cx.ClickException as exc:
            return _fail(f"rtybt: error: {_one_line(exc.format_message())}", exc.exit_code)
        # After Abort, a RuntimeError too: a fault of the machine is one line, anything else a traceback.
        except (OSError, RuntimeError) as exc:
            fault = filesystem_fault(exc)
            if fault is None:
                raise
            return _fail(f"rtybt: error: {_one_line(fault)}", BAD_INPUT)
        # Non-standalone click returns the exit code of an explicit exit (e.g. --help) or the command's value.
        code = rv if isinstance(rv, int) else 0
        if code == INTERRUPTED:  # typer turns Ctrl-C into a returned 130 when not standalone
            typer.echo("rtybt: interrupted", err=True)
        if standalone_mode:
            sys.exit(code)
        return rv


def _fail(message: str | None, code: int):
    if message is not None:
        typer.echo(message, err=True)
    sys.exit(code)
