"""Foundation: the one atomic writer: a reader sees every old file or every new one, never half of them."""

from __future__ import annotations

import os

import pytest

from rtybt.engine.core.atomic import write_files_atomic, write_text_atomic


def test_text_is_written_whole_with_its_newlines_as_given(tmp_path):
    target = tmp_path / "a.txt"
    target.write_text("old")
    write_text_atomic(target, "é\r\nnew\n")
    assert target.read_bytes() == "é\r\nnew\n".encode() and os.listdir(tmp_path) == ["a.txt"]


def test_a_failure_while_staging_replaces_none_of_the_files(tmp_path, monkeypatch):
    a, b = tmp_path / "a.html", tmp_path / "b.json"
    a.write_bytes(b"old a")
    b.write_bytes(b"old b")
    real_fsync, calls = os.fsync, []

    def full_disk(fd):
        calls.append(fd)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(OSError):
        write_files_atomic({a: b"new a", b: b"new b"})
    assert (a.read_bytes(), b.read_bytes()) == (b"old a", b"old b")
    assert sorted(os.listdir(tmp_path)) == ["a.html", "b.json"]  # no temporary file left behind
    monkeypatch.setattr(os, "fsync", real_fsync)
    write_files_atomic({a: b"new a", b: b"new b"})
    assert (a.read_bytes(), b.read_bytes()) == (b"new a", b"new b")
    assert sorted(os.listdir(tmp_path)) == ["a.html", "b.json"]
