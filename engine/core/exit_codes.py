"""CLI exit codes: 0 success, 2 bad input (one line, no traceback), 1 internal error (traceback kept)."""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from contextlib import contextmanager, suppress

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


# After SIGINT or SIGTERM the command has this long to unwind (remove its staging folder, stop its workers)
# before the process ends anyway: every command stops within 2 s, whatever it was doing. Unwinding takes well
# under 0.1 s; a pool still feeding its starting workers (engine/core/pool.py signals_deferred) runs into this
# limit, and ending a big process and its workers took up to 0.6 s more on a loaded 2-core machine.
STOP_GRACE_SECONDS = 1.2
_stopping: dict = {}
_stop_lock = threading.Lock()
_end_lock = threading.Lock()


def _pool_hold() -> dict | None:
    pool = sys.modules.get("rtybt.engine.core.pool")
    return getattr(pool, "HOLD", None)


def _on_signal(signum, frame):
    """The Python handler (main thread, once it gets to run): unwind with an exception, or, while a pool
    starts its workers (engine/core/pool.py signals_deferred), once they have started."""
    _begin_stop(signum)
    hold = _pool_hold()
    if hold is not None and hold["depth"]:
        hold["pending"] = signum
        return
    if signum == signal.SIGTERM:
        raise Terminated()
    raise KeyboardInterrupt()


def _watch_signals(read_fd: int) -> None:
    """Python runs a signal's handler only when the main thread gets back to bytecode, which an fsync on a
    busy disk or a long C call can delay by seconds; the C-level handler writes the signal's number to the
    wakeup pipe at once, so the grace period starts here, on time. A second Ctrl-C ends the process now."""
    while True:
        try:
            data = os.read(read_fd, 64)
        except OSError:
            data = b""
        if not data:
            with suppress(OSError):
                os.close(read_fd)
            return
        for signum in data:
            if signum not in (signal.SIGINT, signal.SIGTERM):
                continue
            if _stopping and time.monotonic() - _stopping["at"] > 0.2:
                _end_now()
            _begin_stop(signum)


def _begin_stop(signum: int) -> None:
    """From the first signal on, the one line we print is all the user sees: libraries' warnings, a Dask
    cluster's log records and a thread's traceback while things shut down go to /dev/null."""
    with _stop_lock:
        if _stopping:
            return
        # One line for both signals (the exit code tells them apart, as a shell's 128 + signal number does).
        code = TERMINATED if signum == signal.SIGTERM else INTERRUPTED
        _stopping.update(at=time.monotonic(), line="rtybt: interrupted\n", code=code)
        with suppress(OSError, ValueError):
            sys.stderr.flush()
        with suppress(OSError):
            _stopping["stderr"] = os.dup(2)
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 2)
            os.close(devnull)
        logging = sys.modules.get("logging")  # only what has loaded logging can log (dask): nothing to silence otherwise
        if logging is not None:
            logging.disable(logging.CRITICAL)
        watchdog = threading.Timer(STOP_GRACE_SECONDS, _end_now)
        watchdog.daemon = True
        watchdog.start()


def _end_now() -> None:
    """Print the line, end our child processes and leave without the interpreter's shutdown (atexit hooks
    that join threads and processes, a Dask client's goodbye): what had to be kept is already on disk."""
    _end_lock.acquire()  # once: the watchdog and the main thread may both get here
    with suppress(OSError, ValueError):
        sys.stdout.flush()
    _kill_children()
    os.write(_stopping.get("stderr", 2), _stopping["line"].encode())
    os._exit(_stopping["code"])


def _kill_children() -> None:
    import multiprocessing

    pool = sys.modules.get("rtybt.engine.core.pool")
    if pool is not None:
        pool.kill_all_pools()
    for child in multiprocessing.active_children():
        try:
            child.kill()
        except (OSError, ValueError, AttributeError):
            continue


@contextmanager
def signals_stop():
    """SIGTERM raises Terminated and SIGINT KeyboardInterrupt while the command runs, and either ends the
    process within STOP_GRACE_SECONDS with one line (main thread only; the old handlers come back). A SIGINT
    the shell set to be ignored (a background job) stays ignored."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous_term = signal.signal(signal.SIGTERM, _on_signal)
    previous_int = signal.getsignal(signal.SIGINT)
    if previous_int is signal.default_int_handler:
        signal.signal(signal.SIGINT, _on_signal)
    read_fd, write_fd = os.pipe()
    os.set_blocking(write_fd, False)
    try:
        previous_wakeup = signal.set_wakeup_fd(write_fd, warn_on_full_buffer=False)
    except ValueError:  # pragma: no cover - main thread checked above
        previous_wakeup = None
    if previous_wakeup is not None:
        # Started with the two signals blocked, so it never takes one itself: they stay the main thread's,
        # and a window where the main thread holds them back (engine/core/pool.py, starting workers) holds.
        can_mask = hasattr(signal, "pthread_sigmask")
        held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM}) if can_mask else None
        try:
            threading.Thread(target=_watch_signals, args=(read_fd,), name="rtybt-signals", daemon=True).start()
        finally:
            if can_mask:
                signal.pthread_sigmask(signal.SIG_SETMASK, held)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous_term)
        if previous_int is signal.default_int_handler:
            signal.signal(signal.SIGINT, previous_int)
        if previous_wakeup is not None:
            signal.set_wakeup_fd(previous_wakeup)
        os.close(write_fd)  # the watcher reads end-of-file, closes its end and ends
        if previous_wakeup is None:
            os.close(read_fd)


def _stopped_by_signal() -> None:
    """A real signal ended the command: its line, then out at once (see _end_now)."""
    if _stopping:
        _end_now()


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


class ExitCodeGroup(TyperGroup):
    """The top-level command group; the same mapping holds under `typer.testing.CliRunner` and the console script.

    Click's standalone handling prints usage errors over several lines (typer: inside a rich box);
    here every bad-input error, ours or click's, is one line on stderr with exit code 2.
    """

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        try:
            try:
                with signals_stop():
                    rv = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
            except BaseException:
                _stopped_by_signal()  # after SIGINT/SIGTERM, whatever the command raised on its way out
                raise
            _stopped_by_signal()
        except Terminated:
            _stopped_by_signal()
            return _fail("rtybt: interrupted", TERMINATED)
        except UserError as exc:
            detail = getattr(exc, "detail", "")  # a user strategy's traceback: shown only when asked for
            if detail and self.show_detail():
                typer.echo(detail.rstrip(), err=True)
            return _fail(f"rtybt: error: {exc}", BAD_INPUT)
        except _cx.NoArgsIsHelpError as exc:
            # `rtybt` or `rtybt data` alone asks what there is: the help, on stdout, and success.
            typer.echo(exc.ctx.get_help())
            return _fail(None, 0)
        except _cx.UsageError as exc:
            hint = f" (see '{exc.ctx.command_path} --help')" if exc.ctx is not None else ""
            return _fail(f"rtybt: error: {_one_line(exc.format_message())}{hint}", BAD_INPUT)
        except Abort:
            _stopped_by_signal()
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
            _stopped_by_signal()
            typer.echo("rtybt: interrupted", err=True)
        if standalone_mode:
            sys.exit(code)
        return rv

    def show_detail(self) -> bool:
        """Whether a bad-input error's `detail` (the traceback of a user strategy's error) is printed too."""
        return False


def _fail(message: str | None, code: int):
    if message is not None:
        from rtybt.engine.core.terminal import printable_line

        # A UserError may carry one second line, "  fix: ..." (errors.UserError's `fix`); everything else that
        # came from a file is escaped onto its line.
        what, sep, fix = message.partition("\n  fix: ")
        typer.echo(printable_line(what), err=True)
        if sep:
            typer.echo("  fix: " + printable_line(fix), err=True)
    sys.exit(code)
