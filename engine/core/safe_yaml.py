"""Config stage helper: YAML read with the safe loader only, bounded before it is built (bytes, nesting depth,
alias expansion), refusing duplicate keys (last-one-wins hides typos)."""

from __future__ import annotations

import yaml
from yaml.composer import ComposerError
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, SequenceNode

# A config is a page of settings (the largest shipped is ~1 KiB): the bounds are far above any real one and
# far below what exhausts time or memory (a 1 KiB alias bomb expands to billions of nodes; 20,000 nested
# brackets overflow the composer's recursion).
MAX_CONFIG_BYTES = 256 * 1024
MAX_DEPTH = 64
MAX_EXPANDED_NODES = 100_000


class UniqueKeySafeLoader(yaml.SafeLoader):
    """yaml.SafeLoader (no python/* tags) that raises on a key repeated in one mapping, on nesting deeper
    than MAX_DEPTH and on aliases that expand to more than MAX_EXPANDED_NODES nodes."""

    _depth = 0

    def compose_node(self, parent, index):
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                mark = self.peek_event().start_mark
                raise ComposerError(None, None, f"nested deeper than {MAX_DEPTH} levels (the limit)", mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def get_single_data(self):
        node = self.get_single_node()
        if node is None:
            return None
        check_expansion(node)
        return self.construct_document(node)

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


def _children(node) -> list:
    if isinstance(node, SequenceNode):
        return list(node.value)
    if isinstance(node, MappingNode):
        return [child for pair in node.value for child in pair]
    return []


def check_expansion(root) -> None:
    """Count the nodes the document has once every alias is expanded (shared nodes counted once per use),
    without expanding it: an explicit stack, one visit per distinct node. Recursive aliases are refused."""
    size: dict[int, int] = {}
    stack = [(root, False)]
    open_nodes: set[int] = set()
    while stack:
        node, done = stack.pop()
        key = id(node)
        if done:
            open_nodes.discard(key)
            total = 1 + sum(size[id(c)] for c in _children(node))
            if total > MAX_EXPANDED_NODES:
                raise ComposerError(None, None, f"aliases expand to more than {MAX_EXPANDED_NODES:,} values "
                                    "(the limit)", node.start_mark)
            size[key] = total
            continue
        if key in size:
            continue
        if key in open_nodes:
            raise ComposerError(None, None, "an alias refers to the node that contains it", node.start_mark)
        open_nodes.add(key)
        stack.append((node, True))
        stack.extend((c, False) for c in _children(node) if id(c) not in size)


def safe_load_unique(text: str):
    return yaml.load(text, Loader=UniqueKeySafeLoader)  # noqa: S506 - a SafeLoader subclass
