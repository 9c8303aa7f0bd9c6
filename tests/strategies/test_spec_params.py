"""NoteStrategy builds Backtrader's `params` from `spec` (metaclass SpecParams): a strategy declares its parameters
once; an explicit `params = bt_params(spec)` keeps working, and a spec name it lacks is added."""

from __future__ import annotations

from rtybt.strategies import STRATEGIES
from rtybt.strategies.base import LongRuleStrategy, NoteStrategy
from rtybt.strategies.params import Param, bt_params

SPEC = (Param("period", 20, "bars", "look-back", min=2), Param("hold_bars", 5, "bars", "held", min=1))


def test_the_spec_alone_makes_the_params():
    class OnlySpec(LongRuleStrategy):
        name = "only_spec"
        spec = SPEC

    assert dict(OnlySpec.params._getitems()) == {"period": 20, "hold_bars": 5}


def test_explicit_params_still_work_and_a_missing_spec_name_is_added():
    class Explicit(NoteStrategy):
        name = "explicit"
        spec = SPEC
        params = bt_params(SPEC)

    class Partial(NoteStrategy):
        name = "partial"
        spec = SPEC
        params = (("period", 30), ("extra", 1))  # its own default wins; the spec fills what it lacks

    assert dict(Explicit.params._getitems()) == {"period": 20, "hold_bars": 5}
    assert dict(Partial.params._getitems()) == {"period": 30, "extra": 1, "hold_bars": 5}


def test_a_subclass_inherits_its_parents_params_and_adds_its_own_spec():
    class Parent(NoteStrategy):
        name = "parent"
        spec = SPEC[:1]

    class Child(Parent):
        name = "child"
        spec = SPEC

    assert dict(Parent.params._getitems()) == {"period": 20}
    assert dict(Child.params._getitems()) == {"period": 20, "hold_bars": 5}


def test_every_registered_strategy_has_exactly_its_spec_as_params():
    for name, cls in STRATEGIES.items():
        assert dict(cls.params._getitems()) == {p.name: p.default for p in cls.spec}, name
