"""Faults of the machine, not of the input: results or staging on another filesystem, a full disk, a read-only
folder, a symlink loop, a named pipe where a file should be, permissions, file modes, and several commands
writing to one results folder at once.

Each fault ends in one line and exit 2 (never a traceback), leaves an earlier run byte for byte as it was and
leaves no partial file. Disk-full, read-only and cross-device faults are injected as the OSError the system
raises (the tests run as root in CI, where chmod does not bite, and a second filesystem is not always there).
"""

from __future__ import annotations

import errno
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import rtybt.engine.results as results_module
from rtybt.engine.core import atomic
from rtybt.engine.core.faults import filesystem_fault
from tests.hardening.cli_harness import RTYBT, bars_csv, run_cli, run_dirs, tree_digest

ROWS = 260  # the snapshot needs 200


def one_line_exit_2(outcome, *needles: str) -> None:
    assert outcome.code == 2, (outcome.code, outcome.stderr)
    lines = outcome.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("rtybt: error: "), outcome.stderr
    assert "Traceback" not in outcome.stderr
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])


def setup(tmp: Path, **output) -> tuple[Path, Path]:
    """TEST.csv in tmp/data, a config reading it and writing to tmp/results; (config, results root)."""
    data = tmp / "data"
    data.mkdir(exist_ok=True)
    bars_csv(ROWS).to_csv(data / "TEST.csv", index=False)
    root = tmp / "results"
    config = tmp / "small.yaml"
    config.write_text(yaml.safe_dump({
        "data": {"symbol": "TEST", "dir": str(data)},
        "strategy": {"name": "ma_reclaim", "params": {"ma_period": 10, "hold_bars": 2}},
        "benchmark": {"enabled": False},
        "event_study": {"bootstrap_samples": 100},
        "output": {"dir": str(root), "plots": False, "tearsheet": False, **output},
        "sweep": {"grid": {"ma_period": [10, 12]}, "top": 1},
        "walkforward": {"train_bars": 60, "test_bars": 40},
    }))
    return config, root


@pytest.fixture(autouse=True)
def data_dir_from_the_config(monkeypatch):
    monkeypatch.delenv("RTYBT_DATA_DIR", raising=False)  # tests/conftest.py points it at the snapshot


@pytest.fixture(scope="module")
def earlier_results(tmp_path_factory) -> Path:
    """A results root after one finished run of `setup`'s config (made once per module)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("RTYBT_DATA_DIR", raising=False)
        config, root = setup(tmp_path_factory.mktemp("earlier"))
        done = run_cli(["-q", "run", "--fresh", config])
    assert done.code == 0, done.stderr
    return root


@pytest.fixture
def earlier(tmp_path, earlier_results) -> tuple[Path, Path, dict]:
    """A config, its results root and the digest of one finished run in it (a copy, staging folder and all, of
    the module's run of the same config)."""
    config, root = setup(tmp_path)
    shutil.copytree(earlier_results, root)
    return config, root, tree_digest(root)


@pytest.fixture(scope="module")
def tearsheet_results(tmp_path_factory) -> Path:
    """A results root holding one finished run with its tearsheet (made once: each test renders a copy again)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("RTYBT_DATA_DIR", raising=False)
        config, root = setup(tmp_path_factory.mktemp("tearsheet_run"), tearsheet=True)
        done = run_cli(["-q", "run", "--fresh", config])
    assert done.code == 0, done.stderr
    assert (run_dirs(root)[0] / "tearsheet.html").is_file()
    return root


def copied_run(results: Path, tmp_path: Path) -> tuple[Path, Path]:
    """(results root, its one run) copied under tmp_path, every byte and mode as made."""
    root = tmp_path / "results"
    shutil.copytree(results, root, ignore=shutil.ignore_patterns(".staging"))
    (run_dir,) = run_dirs(root)
    return root, run_dir


def leaves_no_trace(root: Path, before: dict) -> None:
    assert tree_digest(root) == before, "an earlier run changed, or a new file appeared"
    staging = root / ".staging"
    assert not staging.exists() or not list(staging.iterdir()), "a staged run was left behind"
    assert not list(root.rglob("*.tmp")), "a half-written file was left behind"


def _real_rename(src, dst):
    return os.rename(src, dst)


def cross_device_rename(real):
    """os.rename that refuses, as the kernel does across filesystems, to move a staged run."""
    def rename(src, dst, *args, **kwargs):
        if ".staging" in Path(src).parts:
            raise OSError(errno.EXDEV, os.strerror(errno.EXDEV), str(src), None, str(dst))
        return real(src, dst, *args, **kwargs)
    return rename


# --- results or staging on another filesystem -----------------------------------------------------------------

def test_a_run_commits_across_filesystems_by_copy_then_rename(earlier, monkeypatch):
    config, root, before = earlier
    monkeypatch.setattr(results_module.os, "rename", cross_device_rename(os.rename))
    done = run_cli(["-q", "run", "--fresh", config])
    assert done.code == 0, done.stderr
    runs = run_dirs(root)
    assert len(runs) == 2
    new = next(p for p in runs if str(p.relative_to(root)) + "/manifest.json" not in before)
    assert (new / "manifest.json").is_file() and (new / "metrics.json").is_file()
    assert not list(root.rglob(".incoming-*")), "the copy's hidden folder was left behind"
    assert not list((root / ".staging").iterdir()), "the staging folder was not removed after the copy"


def test_a_symlinked_results_folder_on_another_filesystem_works_for_real(tmp_path):
    """The same, on a real second filesystem when the machine has one (/dev/shm is a tmpfs on Linux)."""
    config, root = setup(tmp_path)
    other = Path("/dev/shm") if Path("/dev/shm").is_dir() and os.access("/dev/shm", os.W_OK) else tmp_path / "o"
    target = Path(os.path.realpath(other)) / f"rtybt-test-{os.getpid()}-{tmp_path.name}"
    target.mkdir(parents=True)
    try:
        root.mkdir()
        (root / "small").symlink_to(target, target_is_directory=True)
        done = run_cli(["-q", "run", "--fresh", config])
        assert done.code == 0, done.stderr
        assert [p.name for p in target.iterdir() if (p / "manifest.json").is_file()], list(target.iterdir())
        assert not [p for p in target.iterdir() if p.name.startswith(".")]
    finally:
        shutil.rmtree(target, ignore_errors=True)


def test_disk_full_while_copying_across_filesystems_keeps_earlier_runs(earlier, monkeypatch):
    config, root, before = earlier
    monkeypatch.setattr(results_module.os, "rename", cross_device_rename(os.rename))

    def copytree(src, dst, *args, **kwargs):
        Path(dst).mkdir()
        (Path(dst) / "half.json").write_text("{")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(dst))
    monkeypatch.setattr(results_module.shutil, "copytree", copytree)
    outcome = run_cli(["-q", "run", "--fresh", config])
    one_line_exit_2(outcome, "cannot copy the finished run", "No space left", "earlier runs are untouched")
    leaves_no_trace(root, before)


def test_a_stale_copy_of_a_killed_process_is_removed(earlier, monkeypatch):
    config, root, before = earlier
    stale = root / "small" / f"{results_module.INCOMING}20200101T000000-deadbeef-000000.999999999"
    stale.mkdir()
    (stale / "manifest.json").write_text("{")
    monkeypatch.setattr(results_module.os, "rename", cross_device_rename(os.rename))
    assert run_cli(["-q", "run", "--fresh", config]).code == 0
    assert not stale.exists()


# --- disk full, read-only, permissions ------------------------------------------------------------------------

def test_disk_full_while_a_run_writes_its_files(earlier, monkeypatch):
    config, root, before = earlier
    real = Path.write_text

    def write_text(self, *args, **kwargs):
        if ".staging" in self.parts:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))
        return real(self, *args, **kwargs)
    monkeypatch.setattr(Path, "write_text", write_text)
    outcome = run_cli(["-q", "run", "--fresh", config])
    one_line_exit_2(outcome, "cannot write", "No space left on device", str(root / "small"))
    leaves_no_trace(root, before)


def test_read_only_filesystem_when_the_run_moves_into_place(earlier, monkeypatch):
    config, root, before = earlier

    def rename(src, dst, *args, **kwargs):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(src), None, str(dst))
    monkeypatch.setattr(results_module.os, "rename", rename)
    outcome = run_cli(["-q", "run", "--fresh", config])
    one_line_exit_2(outcome, "cannot move the finished run into place", "Read-only file system")
    leaves_no_trace(root, before)


def test_disk_full_while_the_sweep_stores_a_variant(earlier, monkeypatch):
    config, root, before = earlier

    def fsync(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    monkeypatch.setattr(atomic.os, "fsync", fsync)
    outcome = run_cli(["-q", "sweep", config, "--workers", "1"])
    one_line_exit_2(outcome, "No space left on device")
    assert not list(root.glob("small-sweep/*")), "a sweep run directory appeared"
    assert not list((root / ".variants").glob(".*")), "a half-written variant was left in the store"
    assert {k: v for k, v in tree_digest(root).items() if not k.startswith(".variants")} == before


def test_read_only_variant_store(earlier, monkeypatch):
    config, root, before = earlier
    real = Path.mkdir

    def mkdir(self, *args, **kwargs):
        if self.name == ".variants":
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(self))
        return real(self, *args, **kwargs)
    monkeypatch.setattr(Path, "mkdir", mkdir)
    outcome = run_cli(["-q", "sweep", config, "--workers", "1"])
    one_line_exit_2(outcome, ".variants", "Read-only file system")
    leaves_no_trace(root, before)


def test_permission_denied_on_the_staging_folder(earlier, monkeypatch):
    config, root, before = earlier
    real = Path.mkdir

    def mkdir(self, *args, **kwargs):
        if self.parent.name == ".staging":
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self))
        return real(self, *args, **kwargs)
    monkeypatch.setattr(Path, "mkdir", mkdir)
    outcome = run_cli(["-q", "run", "--fresh", config])
    one_line_exit_2(outcome, "permission denied", ".staging")
    leaves_no_trace(root, before)


def test_disk_full_while_a_report_is_rendered_again_replaces_nothing(tmp_path, monkeypatch, tearsheet_results):
    root, run_dir = copied_run(tearsheet_results, tmp_path)
    before = tree_digest(root)
    real = atomic._stage
    calls = []

    def stage(target, payload):
        calls.append(target)
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(target))
        return real(target, payload)
    monkeypatch.setattr(atomic, "_stage", stage)
    outcome = run_cli(["-q", "report", run_dir])
    one_line_exit_2(outcome, str(run_dir), "No space left on device")
    leaves_no_trace(root, before)


def test_an_unwrapped_filesystem_fault_is_still_one_line(monkeypatch, tmp_path):
    """Wherever a full disk strikes (a figure's savefig, a cache), the CLI tells it in one line."""
    import rtybt.engine.commands.run as run_command

    def execute_run(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(tmp_path / "fig.png"))
    monkeypatch.setattr(run_command, "execute_run", execute_run)
    one_line_exit_2(run_cli(["-q", "run", "any.yaml"]), "fig.png", "the disk is full")


def test_an_oserror_that_is_not_the_machines_keeps_its_traceback(monkeypatch):
    import rtybt.engine.commands.run as run_command

    def execute_run(*args, **kwargs):
        raise OSError(errno.ECONNRESET, "a bug, not a disk")
    monkeypatch.setattr(run_command, "execute_run", execute_run)
    with pytest.raises(OSError):
        run_cli(["-q", "run", "any.yaml"])


@pytest.mark.parametrize(("code", "needle"), [
    (errno.ENOSPC, "disk is full"), (errno.EDQUOT, "quota"), (errno.EROFS, "read-only"),
    (errno.EACCES, "permission denied"), (errno.ELOOP, "symlink loop"), (errno.EXDEV, "different filesystems"),
    (errno.ENOTDIR, "a file stands where a folder"), (errno.EMFILE, "ulimit"),
])
def test_each_filesystem_fault_reads_as_one_line_naming_the_path(code, needle):
    text = filesystem_fault(OSError(code, os.strerror(code), "/some/where"))
    assert text is not None and text.startswith("/some/where: ") and needle in text and "\n" not in text


def test_a_python_symlink_loop_error_reads_as_one_line():
    assert filesystem_fault(RuntimeError("Symlink loop from '/a/b'")) == \
        "/a/b: a symlink loop (a link that leads back to itself)"
    assert filesystem_fault(RuntimeError("something else")) is None
    assert filesystem_fault(ValueError("x")) is None


# --- symlink loops, named pipes -------------------------------------------------------------------------------

def loop(tmp: Path) -> Path:
    (tmp / "loop").mkdir()
    (tmp / "loop" / "a").symlink_to("b")
    (tmp / "loop" / "b").symlink_to("a")
    return tmp / "loop" / "a"


def test_data_dir_symlink_loop_by_option(earlier, tmp_path):
    config, root, before = earlier
    outcome = run_cli(["-q", "run", config, "--data-dir", loop(tmp_path)])
    one_line_exit_2(outcome, "--data-dir", "symlink loop")
    leaves_no_trace(root, before)


def test_data_dir_symlink_loop_by_environment(earlier, tmp_path, monkeypatch):
    monkeypatch.setenv("RTYBT_DATA_DIR", str(loop(tmp_path)))
    one_line_exit_2(run_cli(["-q", "data", "check", "TEST"]), "RTYBT_DATA_DIR", "symlink loop")


def test_data_dir_symlink_loop_in_the_config(earlier, tmp_path):
    config, root, before = earlier
    raw = yaml.safe_load(config.read_text())
    raw["data"]["dir"] = str(loop(tmp_path))
    config.write_text(yaml.safe_dump(raw))
    one_line_exit_2(run_cli(["-q", "run", "--fresh", config]), "symlink loop")
    leaves_no_trace(root, before)


def test_results_folder_symlink_loop(tmp_path):
    config, _ = setup(tmp_path)
    raw = yaml.safe_load(config.read_text())
    raw["output"]["dir"] = str(loop(tmp_path))
    config.write_text(yaml.safe_dump(raw))
    one_line_exit_2(run_cli(["-q", "run", "--fresh", config]), str(tmp_path / "loop" / "a"))


def test_strategy_file_symlink_loop(tmp_path):
    config, _ = setup(tmp_path)
    raw = yaml.safe_load(config.read_text())
    raw["strategy"] = {"file": str(loop(tmp_path)), "name": "mine"}
    config.write_text(yaml.safe_dump(raw))
    one_line_exit_2(run_cli(["-q", "run", "--fresh", config]), "symlink loop")


def fifo(tmp: Path, name: str) -> Path:
    path = tmp / name
    os.mkfifo(path)
    return path


def test_config_that_is_a_named_pipe_is_refused_unopened(tmp_path):
    path = fifo(tmp_path, "config.yaml")
    one_line_exit_2(run_cli(["-q", "run", path]), str(path), "named pipe")


def test_strategy_file_that_is_a_named_pipe_is_refused_unopened(earlier, tmp_path):
    config, root, before = earlier
    raw = yaml.safe_load(config.read_text())
    raw["strategy"] = {"file": str(fifo(tmp_path, "mine.py")), "name": "mine"}
    config.write_text(yaml.safe_dump(raw))
    one_line_exit_2(run_cli(["-q", "run", "--fresh", config]), "strategy.file", "named pipe (FIFO)")
    leaves_no_trace(root, before)


def test_check_strategy_on_a_named_pipe_is_refused_unopened(tmp_path):
    one_line_exit_2(run_cli(["-q", "check-strategy", fifo(tmp_path, "mine.py")]), "named pipe")


def test_strategy_file_that_is_a_device_is_refused(tmp_path):
    config, _ = setup(tmp_path)
    raw = yaml.safe_load(config.read_text())
    raw["strategy"] = {"file": "/dev/zero", "name": "mine"}
    config.write_text(yaml.safe_dump(raw))
    one_line_exit_2(run_cli(["-q", "run", "--fresh", config]), "/dev/zero", "not a regular file")


def test_data_file_that_is_a_named_pipe_is_refused_unopened(earlier):
    config, root, before = earlier
    data = tmp = Path(yaml.safe_load(config.read_text())["data"]["dir"])
    (data / "TEST.csv").unlink()
    fifo(tmp, "TEST.csv")
    one_line_exit_2(run_cli(["-q", "run", "--fresh", config]), "TEST.csv", "not a regular file")
    leaves_no_trace(root, before)


# --- file modes -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("mode", [0o644, 0o640])
def test_a_report_rendered_again_keeps_each_files_mode(tmp_path, mode, tearsheet_results):
    _, run_dir = copied_run(tearsheet_results, tmp_path)
    for name in ("tearsheet.html", "manifest.json"):
        os.chmod(run_dir / name, mode)
    assert run_cli(["-q", "report", run_dir]).code == 0
    for name in ("tearsheet.html", "manifest.json"):
        assert stat.S_IMODE((run_dir / name).stat().st_mode) == mode, name


def test_new_files_follow_the_umask(tmp_path):
    previous = os.umask(0o027)
    try:
        atomic.write_text_atomic(tmp_path / "new.json", "{}")
        config, root = setup(tmp_path)
        assert run_cli(["-q", "run", "--fresh", config]).code == 0
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "new.json").stat().st_mode) == 0o640
    modes = {stat.S_IMODE(p.stat().st_mode) for p in run_dirs(root)[0].iterdir() if p.is_file()}
    assert modes == {0o640}, modes
    assert atomic.current_umask() == previous


# --- several commands at once in one results folder -----------------------------------------------------------

def test_different_commands_at_once_in_one_results_folder_all_succeed(tmp_path):
    config, root = setup(tmp_path)
    other = tmp_path / "other.yaml"
    raw = yaml.safe_load(config.read_text())
    raw["strategy"]["params"]["ma_period"] = 14
    other.write_text(yaml.safe_dump(raw))
    data = tmp_path / "data"
    base = [str(RTYBT)] if RTYBT.exists() else [sys.executable, "-m", "rtybt.engine.cli"]
    commands = [
        ["run", config], ["run", other], ["compare", config, other], ["sweep", config, "--workers", "1"],
        ["walkforward", config, "--workers", "1"], ["data", "check", "TEST", "--data-dir", data],
        ["snapshot", "--symbol", "TEST", "--data-dir", data, "--peers", ""],
    ]
    procs = [subprocess.Popen([*base, "-q", *map(str, c)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True, cwd=tmp_path) for c in commands]
    outcomes = [(c, p.communicate(timeout=300), p.returncode) for c, p in zip(commands, procs, strict=True)]
    failed = [(c[0], code, err) for c, (_, err), code in outcomes if code != 0]
    assert not failed, failed
    # compare runs a config itself when no stored run matches yet: one or two runs of each config.
    assert 1 <= len(list(root.glob("small/*/manifest.json"))) <= 2
    assert 1 <= len(list(root.glob("other/*/manifest.json"))) <= 2
    for name in ("compare", "small-sweep", "small-walkforward"):
        assert len(list(root.glob(f"{name}/*/manifest.json"))) == 1, name
    assert not list((root / ".staging").iterdir())
