"""Labeling functions: what one is (:class:`LF`), declarative rules, and user-registered Python LFs."""

from collections.abc import Sequence

from classifiers.lf.core import ABSTAIN, LF
from classifiers.lf.rules import compile_rules, tld_text
from classifiers.lf.user import clear_registry, labeling_function, load_lf_modules, registered_lfs
from classifiers.taxonomy import Taxonomy

__all__ = [
    "ABSTAIN",
    "LF",
    "build_lfs",
    "clear_registry",
    "compile_rules",
    "labeling_function",
    "load_lf_modules",
    "registered_lfs",
    "tld_text",
]


def build_lfs(taxonomy: Taxonomy, target: str, extra: Sequence[LF] = ()) -> list[LF]:
    """All LFs of ``target``: the taxonomy's rules, registered user functions, then ``extra`` (reference lists)."""
    lfs = compile_rules(taxonomy, target) + registered_lfs(taxonomy, target) + list(extra)
    names = [lf.name for lf in lfs]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        from resolver.errors import ConfigError

        raise ConfigError(f"labeling functions share a name for target {target}: {', '.join(dupes)}; rename one")
    return lfs
