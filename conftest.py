"""Doctest collection over the packages (``--doctest-modules`` in pyproject.toml runs every ``>>>`` example)."""

# Modules whose examples fail today and that other work in progress is changing; each leaves this list
# when its example runs.
collect_ignore = [
    "classifiers/drift.py",  # pending: classes work (its `>>>` example needs a drift report it never builds)
]
