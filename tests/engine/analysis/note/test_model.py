"""The note file: the seed validates; bad keys, kinds and values are one-line errors naming the file, key and value."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from rtybt.engine.analysis.note.model import NoteFile, load_note, note_json_schema, validate_note
from rtybt.engine.core.errors import ConfigError

REPO = Path(__file__).resolve().parents[4]
SEED = REPO / "data" / "note" / "rty-ready-to-rally.yaml"


@pytest.fixture(scope="module")
def raw() -> dict:
    return yaml.safe_load(SEED.read_text(encoding="utf-8"))


def test_the_seed_note_file_validates_with_every_kind_of_claim():
    note = load_note(SEED)
    assert isinstance(note, NoteFile)
    kinds = {c.kind for c in note.claims}
    assert kinds == {"forward_return", "target_before_stop", "rejection", "confirmation", "relative", "bias"}
    assert all(c.quote for c in note.claims)
    assert [c.claimed_sign for c in note.claims if c.kind == "bias"] == [1, 1, 0]  # Bullish, Cautiously Bullish, Neutral


def test_the_schema_names_every_claim_kind():
    schema = note_json_schema()
    kinds = schema["$defs"]["Claim"]["properties"]["kind"]["enum"]
    assert "target_before_stop" in kinds and "bias" in kinds
    assert schema["additionalProperties"] is False


def _error(raw: dict, change) -> str:
    bad = copy.deepcopy(raw)
    change(bad)
    with pytest.raises(ConfigError) as exc:
        validate_note(bad, "note.yaml")
    message = str(exc.value)
    assert "\n" not in message and message.startswith("note.yaml: ")
    return message


def test_an_unknown_key_in_a_claim_says_did_you_mean(raw):
    message = _error(raw, lambda r: r["claims"][0].update(horizn=20))
    assert "claims.0.horizn: unknown key (did you mean 'horizon'?)" in message


def test_an_unknown_claim_kind_names_the_path_and_value(raw):
    message = _error(raw, lambda r: r["claims"][1].update(kind="target_first"))
    assert "claims.1.kind" in message and "'target_first'" in message


def test_a_claim_missing_its_parameter_says_which(raw):
    message = _error(raw, lambda r: r["claims"][0].pop("horizon"))
    assert "claims.0" in message and "kind 'forward_return' needs horizon" in message


def test_a_parameter_of_another_kind_is_refused(raw):
    message = _error(raw, lambda r: r["claims"][0].update(peer="SPY"))
    assert "does not take peer" in message


def test_a_band_upside_down_and_a_price_and_band_together_are_refused(raw):
    assert "must be [low, high]" in _error(raw, lambda r: r["levels"]["table"][0].update(band=[2070, 2050]))
    assert "exactly one of `price` and `band`" in _error(raw, lambda r: r["levels"]["table"][1].update(band=[1, 2]))


def test_a_date_outside_the_levels_window_and_a_repeated_id_are_refused(raw):
    assert "outside levels.valid_from/valid_to" in _error(raw, lambda r: r.update(date="2024-05-08"))
    assert "is used twice" in _error(raw, lambda r: r["claims"][1].update(id=r["claims"][0]["id"]))


def test_true_as_a_number_is_refused(raw):
    assert "must be a number, not true" in _error(raw, lambda r: r["claims"][0].update(horizon=True))


def test_unknown_condition_keys_are_caught_inside_lists(raw):
    message = _error(raw, lambda r: r["setup"]["conditions"][0].update(perod=50))
    assert "setup.conditions.0.perod: unknown key (did you mean 'period'?)" in message


def test_rtybt_note_schema_prints_the_json_schema():
    import json

    from typer.testing import CliRunner

    from rtybt.engine.cli import app

    result = CliRunner().invoke(app, ["note", "schema"])
    assert result.exit_code == 0
    assert json.loads(result.output) == note_json_schema()
