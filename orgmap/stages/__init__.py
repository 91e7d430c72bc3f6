"""Pipeline stages: each reads its inputs from the store, calls pure library functions, writes in bulk."""
