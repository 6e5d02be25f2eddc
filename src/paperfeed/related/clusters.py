"""Regions of the topic space, so that close papers meet without comparing every pair.

Two papers can be close in the topic space (vectors.py) and share few words: "LiDAR
odometry" and "point cloud registration". Comparing every pair's place would cost
hours at 100,000 papers, so the word table also holds ``CLUSTERS`` centroids of the
topic space (spherical k-means over its reference corpus), and each paper belongs to
the ``MEMBERSHIP`` regions whose centroids it is closest to. Only papers sharing a region
are compared by place: a few percent of all pairs.

Whether two papers share a region depends on the two papers and the table alone, so a
daily build finds exactly the pairs a clean build finds. Dot products of signed bytes
are whole numbers below 2²⁴ (256 products of at most 128·128), which float32 matrix
products hold exactly: fast, and the same on every machine.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np

#: Regions of the topic space: a region of 100,000 papers holds about a thousand.
CLUSTERS = 256
#: Regions a paper belongs to: its nearest two, so that a paper near a border meets both sides
#: (three found no more judged on-topic pairs, at twice the products).
MEMBERSHIP = 2
#: A corpus needs this many papers per region for k-means to find regions, not papers.
PAPERS_PER_CLUSTER = 30


def centroids(places: np.ndarray, *, seed: int = 0, rounds: int = 100) -> np.ndarray:
    """Spherical k-means of the corpus's topic vectors (rows of signed bytes): the centroids
    scaled to signed bytes of length about 127, in a fixed order. Fewer for a small corpus,
    none for one too small to have regions."""
    count = min(CLUSTERS, len(places) // PAPERS_PER_CLUSTER)
    rows = places.astype(np.float64)
    rows = rows[np.linalg.norm(rows, axis=1) > 0]
    if count < 2 or len(rows) < count:
        return np.zeros((0, places.shape[1] if places.ndim == 2 else 0), dtype=np.int8)
    rows /= np.linalg.norm(rows, axis=1, keepdims=True)
    rng = np.random.default_rng(seed)
    # k-means++ start: each next centroid drawn among the papers far from those chosen
    chosen = [rows[rng.integers(len(rows))]]
    distance = 1 - rows @ chosen[0]
    for _ in range(count - 1):
        weight = np.maximum(distance, 0) ** 2
        chosen.append(rows[rng.choice(len(rows), p=weight / weight.sum())])
        distance = np.minimum(distance, 1 - rows @ chosen[-1])
    centres = np.array(chosen)
    for _ in range(rounds):
        nearest = np.argmax(rows @ centres.T, axis=1)
        summed = np.zeros_like(centres)
        np.add.at(summed, nearest, rows)
        length = np.linalg.norm(summed, axis=1, keepdims=True)
        moved = np.where(length > 0, summed / np.maximum(length, 1e-12), centres)  # an empty region stays put
        done = np.abs(moved - centres).max() < 1e-6
        centres = moved
        if done:
            break
    # biggest regions first: the order a table lists them in, nothing else depends on it
    sizes = np.bincount(np.argmax(rows @ centres.T, axis=1), minlength=count)
    centres = centres[np.lexsort((np.arange(count), -sizes))]
    return np.round(centres * 127).astype(np.int8)


def regions(topics: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """Each paper's ``MEMBERSHIP`` nearest regions (by exact dot product, ties to the lower
    number), ascending: one row per paper. A paper with no place belongs nowhere (-1)."""
    count = min(MEMBERSHIP, len(centres))
    out = np.full((len(topics), count), -1, dtype=np.int32)
    if not count or not len(topics) or topics.shape[1] != centres.shape[1]:
        return out
    dots = topics.astype(np.float32) @ centres.astype(np.float32).T
    rows = np.arange(len(topics))
    for m in range(count):
        best = np.argmax(dots, axis=1)  # argmax keeps the first of equals: ties go to the lower number
        out[:, m] = best
        dots[rows, best] = -np.inf
    out[~topics.any(axis=1)] = -1
    out.sort(axis=1)
    return out


def close_pairs(topics: np.ndarray, member_of: np.ndarray, rows: Sequence[int], *, least: int, workers: int = 1
                ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The pairs (row of ``rows``, other paper) that share a region and whose topic vectors'
    dot product is ``least`` or more, each once: rows, columns and dot products, by row then
    column (32-bit numbers: millions of pairs at 100,000 papers). ``workers`` threads take
    the regions (numpy's products and passes let go of the GIL)."""
    rows = np.asarray(rows, dtype=np.int64)
    empty = (np.zeros(0, np.int32),) * 3
    if not len(rows) or not member_of.size:
        return empty
    papers = np.repeat(np.arange(len(member_of)), member_of.shape[1])
    flat = member_of.ravel()
    placed = flat >= 0
    papers, flat = papers[placed], flat[placed]
    order = np.argsort(flat, kind="stable")  # each region's papers, ascending
    papers, flat = papers[order], flat[order]
    bounds = np.searchsorted(flat, np.arange(member_of.max() + 2))
    wanted = np.zeros(len(member_of), dtype=bool)
    wanted[rows] = True

    def region_pairs(region: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        members = papers[bounds[region]:bounds[region + 1]]
        asking = members[wanted[members]]
        if not len(asking) or len(members) < 2:
            return empty
        place = topics[members].astype(np.float32)
        dots = (place[np.searchsorted(members, asking)] if len(asking) < len(members) else place) @ place.T
        i, j = np.nonzero(dots >= least)
        left, right = asking[i], members[j]
        keep = left != right
        # a pair sharing two regions is kept in the lower one only
        mine, theirs = member_of[left], member_of[right]
        earlier = (mine[:, :, None] == theirs[:, None, :]) & (mine[:, :, None] < region)
        keep &= ~earlier.any(axis=(1, 2))
        return left[keep].astype(np.int32), right[keep].astype(np.int32), dots[i[keep], j[keep]].astype(np.int32)

    regions_ = range(len(bounds) - 1)
    if workers > 1:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            found = list(pool.map(region_pairs, regions_))
    else:
        found = list(map(region_pairs, regions_))
    if not found:  # no paper has a place
        return empty
    left, right, dots = (np.concatenate([f[n] for f in found]) for n in range(3))
    order = np.argsort(left.astype(np.int64) * len(member_of) + right)  # each pair once: no ties
    return left[order], right[order], dots[order]
