"""When an owner name found by a system counts as the gold name: the rules of every real-data evaluation.

- *strict*: the names normalize to the same key (``resolver.names``: legal form, case, punctuation aside);
- *entity*: strict, or the keys are equal without spaces and a web suffix ("cvwriting.net" = "CV Writing"),
  or one is the initials of the other ("L&T" = "Larsen & Toubro");
- *lenient*: entity, or rapidfuzz ``token_set_ratio`` ≥ 90 between the keys ("Abacus" = "Abacus Solutions").

>>> [names_match("Larsen & Toubro", "L&T", rule) for rule in RULES]
[False, True, True]
"""

from __future__ import annotations

from collections.abc import Iterable

from rapidfuzz import fuzz

from resolver.names import normalize_name

RULES = ("strict", "entity", "lenient")
"""From the narrowest to the widest; each accepts everything the one before it accepts."""

LENIENT_RATIO = 90
"""``token_set_ratio`` from which the lenient rule accepts two keys."""

_WEB_SUFFIX = (" com", " net", " org", " us", " co uk", " info")
_NOT_INITIALS = {"the", "and", "of", "for"}


def name_key(name: str) -> str:
    """The normalized identity key of a name; "" for no name."""
    return normalize_name(name).key if name else ""


def _compact(key: str) -> str:
    for suffix in _WEB_SUFFIX:
        key = key.removesuffix(suffix)
    return key.replace(" ", "")


def same_entity(gold_key: str, pred_key: str) -> bool:
    """The *entity* rule on two keys: equal keys, equal compact forms, or one the initials of the other."""
    if not gold_key or not pred_key:
        return False
    if gold_key == pred_key or _compact(gold_key) == _compact(pred_key):
        return True
    for short, long in ((gold_key, pred_key), (pred_key, gold_key)):
        initials = "".join(w[0] for w in long.split() if w not in _NOT_INITIALS)
        if len(initials) >= 2 and short.replace(" ", "") == initials:
            return True
    return False


def keys_match(gold_key: str, pred_key: str, rule: str) -> bool:
    """Whether two keys (:func:`name_key`) name the same owner under ``rule`` (one of :data:`RULES`)."""
    if not gold_key or not pred_key:
        return False
    if rule == "strict":
        return gold_key == pred_key
    if same_entity(gold_key, pred_key):
        return True
    if rule == "entity":
        return False
    if rule == "lenient":
        return fuzz.token_set_ratio(gold_key, pred_key) >= LENIENT_RATIO
    raise ValueError(f"unknown matching rule {rule!r}: use one of {', '.join(RULES)}")


def names_match(gold: str, pred: str, rule: str) -> bool:
    """Whether the names ``gold`` and ``pred`` name the same owner under ``rule``."""
    return keys_match(name_key(gold), name_key(pred), rule)


def any_names_match(golds: Iterable[str], preds: Iterable[str], rule: str) -> bool:
    """Whether any predicted name matches any gold name (a gold owner has several accepted names)."""
    gold_keys = {name_key(g) for g in golds} - {""}
    pred_keys = {name_key(p) for p in preds} - {""}
    return any(keys_match(g, p, rule) for g in gold_keys for p in pred_keys)
