"""Hashed features of whole columns at once, equal to scikit-learn's ``HashingVectorizer`` of each row.

The end model's featurizer hashed one row at a time in Python (tokens, bigrams, murmur3). Here words are
split for a whole column in one RE2 pass over an Arrow array (the non-word class spelled out as Python's
``re`` defines it), each distinct token and bigram is hashed once (murmur3 in numpy), and the counts
become a CSR matrix in scikit-learn's canonical form (duplicates summed, indices sorted): the same
matrix, so the same predictions. Short or repetitive columns (domains, structured tokens) are
featurized once per distinct value.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import scipy.sparse as sp

from classifiers.lf.prefilter import word_split_pattern

_C1, _C2 = np.uint32(0xCC9E2D51), np.uint32(0x1B873593)


def murmur3_32(data: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Signed murmurhash3_32 (seed 0) of the byte strings ``data[offsets[i]:offsets[i+1]]``, as scikit-learn's.

    >>> s = "news".encode(); int(murmur3_32(np.frombuffer(s, np.uint8), np.array([0, len(s)]))[0])
    -839153328
    """
    starts = offsets[:-1].astype(np.int64)
    lens = (offsets[1:] - offsets[:-1]).astype(np.int64)
    n = len(lens)
    h = np.zeros(n, dtype=np.uint32)
    nblocks = lens // 4
    d = data.astype(np.uint32)
    with np.errstate(over="ignore"):
        for b in range(int(nblocks.max()) if n else 0):
            idx = np.flatnonzero(nblocks > b)
            p = starts[idx] + 4 * b
            k: np.ndarray = d[p] | (d[p + 1] << 8) | (d[p + 2] << 16) | (d[p + 3] << 24)
            k = _rotl(k * _C1, 15) * _C2
            hh = _rotl(h[idx] ^ k, 13)
            h[idx] = hh * np.uint32(5) + np.uint32(0xE6546B64)
        rem = lens & 3
        tail = starts + nblocks * 4
        k1 = np.zeros(n, dtype=np.uint32)
        for j in (2, 1, 0):
            sel = np.flatnonzero(rem > j)
            k1[sel] ^= d[tail[sel] + j] << (8 * j)
        sel = rem > 0
        k1 = _rotl(k1 * _C1, 15) * _C2
        h = np.where(sel, h ^ k1, h)
        h ^= lens.astype(np.uint32)
        h ^= h >> 16
        h *= np.uint32(0x85EBCA6B)
        h ^= h >> 13
        h *= np.uint32(0xC2B2AE35)
        h ^= h >> 16
    return h.view(np.int32)


def _rotl(x: np.ndarray, r: int) -> np.ndarray:
    return (x << np.uint32(r)) | (x >> np.uint32(32 - r))


def buckets(strings: pa.Array, n_features: int) -> np.ndarray:
    """The column index scikit-learn's ``FeatureHasher`` gives each string (``abs(h) % n_features``)."""
    arr = strings.cast(pa.large_binary()) if len(strings) else pa.array([], pa.large_binary())
    bufs = arr.buffers()
    offsets = np.frombuffer(bufs[1], dtype=np.int64)[arr.offset : arr.offset + len(arr) + 1]
    data = np.frombuffer(bufs[2], dtype=np.uint8) if bufs[2] is not None else np.zeros(0, np.uint8)
    h = murmur3_32(data, offsets).astype(np.int64)
    out = np.abs(h) % n_features
    return np.where(h == -(2**31), (2**31 - 1 - (n_features - 1)) % n_features, out)


def count_matrix(rows: np.ndarray, cols: np.ndarray, n_rows: int, n_features: int) -> sp.csr_matrix:
    """Counts of (row, column) pairs as a float32 CSR matrix with sorted indices (scikit-learn's canonical form)."""
    keys = np.sort(rows.astype(np.int64) * n_features + cols.astype(np.int64))  # np.unique is ~10x slower
    first = np.flatnonzero(np.concatenate([[True], keys[1:] != keys[:-1]])) if len(keys) else np.zeros(0, np.int64)
    uniq = keys[first]
    counts = np.diff(np.append(first, len(keys)))
    r = uniq // n_features
    indptr = np.zeros(n_rows + 1, dtype=np.int64)
    np.cumsum(np.bincount(r, minlength=n_rows), out=indptr[1:])
    index_dtype = np.int32 if n_features < 2**31 and len(uniq) < 2**31 else np.int64
    return sp.csr_matrix(
        (counts.astype(np.float32), (uniq % n_features).astype(index_dtype), indptr.astype(index_dtype)),
        shape=(n_rows, n_features),
    )


def word_counts(docs: Sequence[str], n_features: int) -> sp.csr_matrix | None:
    """``HashingVectorizer(ngram_range=(1, 2), lowercase=True, norm=None, alternate_sign=False)`` of ``docs``.

    None when a document cannot go to Arrow (a lone surrogate): the caller then uses scikit-learn itself.
    """
    lowered = [d.lower() for d in docs]
    try:
        col = pa.array(lowered, type=pa.large_string())
    except (pa.ArrowException, UnicodeEncodeError):
        return None
    n = len(lowered)
    ascii_only = all(d.isascii() for d in lowered)
    parts = pc.split_pattern_regex(col, word_split_pattern(ascii_only))
    flat = parts.flatten()
    list_offsets = parts.offsets.to_numpy()
    row_of = np.repeat(np.arange(n), np.diff(list_offsets))
    keep = np.asarray(pc.greater_equal(pc.utf8_length(flat), 2).to_numpy(zero_copy_only=False), dtype=bool)
    tokens = flat.filter(pa.array(keep))
    rows = row_of[keep]
    if not len(tokens):
        return sp.csr_matrix((n, n_features), dtype=np.float32)
    codes_arr = pc.dictionary_encode(tokens)
    vocab = codes_arr.dictionary
    codes = codes_arr.indices.to_numpy().astype(np.int64)
    uni = buckets(vocab, n_features)[codes]
    same = rows[1:] == rows[:-1]
    pair_keys = codes[:-1][same] * len(vocab) + codes[1:][same]
    pair_codes, pair_uniques = pd.factorize(pair_keys)
    left = pa.array(pair_uniques // len(vocab))
    right = pa.array(pair_uniques % len(vocab))
    bigrams = pc.binary_join_element_wise(vocab.take(left), vocab.take(right), pa.scalar(" ", vocab.type))
    bi = buckets(bigrams, n_features)[pair_codes] if len(pair_uniques) else np.zeros(0, np.int64)
    all_rows = np.concatenate([rows, rows[:-1][same]])
    return count_matrix(all_rows, np.concatenate([uni, bi]), n, n_features)


def per_value_counts(
    values: Sequence[str], analyze: Callable[[str], list[str]], n_features: int
) -> tuple[np.ndarray, np.ndarray]:
    """(row, column) pairs of the hashed features ``analyze`` gives each row, computed once per distinct value."""
    codes, uniques = pd.factorize(np.asarray(values, dtype=object))
    feats = [analyze(u) for u in uniques]
    lens = np.fromiter((len(f) for f in feats), dtype=np.int64, count=len(feats))
    flat = [t for f in feats for t in f]
    cols = buckets(pa.array(flat, type=pa.large_string()), n_features) if flat else np.zeros(0, np.int64)
    starts = np.concatenate([[0], np.cumsum(lens)[:-1]]) if len(lens) else np.zeros(0, np.int64)
    per_row = lens[codes]
    rows = np.repeat(np.arange(len(codes)), per_row)
    first = np.repeat(starts[codes] - (np.cumsum(per_row) - per_row), per_row)
    return rows, cols[first + np.arange(len(rows))]
