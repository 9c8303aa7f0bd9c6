"""Config stage helper: YAML read with the safe loader only, refusing duplicate keys (last-one-wins hides typos)."""

from __future__ import annotations

import yaml
from yaml.constructor import ConstructorError


class UniqueKeySafeLoader(yaml.SafeLoader):
    """yaml.SafeLoader (no python/* tags) that raises on a key repeated in one mapping."""

    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            self.flatten_mapping(node)
            seen = set()
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=deep)
                try:
                    is_dup = key in seen
                except TypeError:  # unhashable key: let the base class report it
                    continue
                if is_dup:
                    raise ConstructorError(
                        None, None, f"duplicate key {key!r} (each key may appear once)", key_node.start_mark
                    )
                seen.add(key)
        return super().construct_mapping(node, deep=deep)


def safe_load_unique(text: str):
    return yaml.load(text, Loader=UniqueKeySafeLoader)  # noqa: S506 - a SafeLoader subclass
