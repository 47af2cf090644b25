"""A one-sided Mann–Whitney U test, small enough to need no scipy.

``check`` asks whether the samples of a new run are *larger* than those of an
earlier run scaled by the tolerated regression: ``after`` against
``before × (1 + PCT/100)``. The test is on ranks, so one slow sample (the
machine was busy for a moment) moves it by one rank, not by its size, and it
makes no assumption about the shape of the timings' distribution, which is
skewed to the right.

With no ties and at most :data:`EXACT_LIMIT` pairs the p-value is exact (the
distribution of U counted by the classic recurrence); otherwise it is the
normal approximation with tie and continuity corrections.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

#: Up to this many pairs (``len(a) * len(b)``), an exact p-value.
EXACT_LIMIT = 2500


def u_statistic(a: Sequence[float], b: Sequence[float]) -> float:
    """Pairs ``(x, y)`` with ``x > y``, ties counting one half."""
    return sum(1.0 if x > y else 0.5 if x == y else 0.0 for x in a for y in b)


def _exact_upper_tail(n: int, m: int, u: float) -> float:
    """``P(U >= u)`` under the null hypothesis, for samples of ``n`` and ``m`` without ties."""
    # counts[k][v]: arrangements of k values of one sample among j of the other with U = v,
    # built up one value of the other sample at a time.
    total_pairs = n * m
    previous = [[1] + [0] * total_pairs for _ in range(n + 1)]  # j = 0: U = 0 for any k
    for j in range(1, m + 1):
        current = [[1] + [0] * total_pairs]  # k = 0
        for k in range(1, n + 1):
            row = [0] * (total_pairs + 1)
            # The largest of the k + j values belongs to `a` (adds j pairs) or to `b`.
            above, beside = current[k - 1], previous[k]
            for v in range(total_pairs + 1):
                row[v] = beside[v] + (above[v - j] if v >= j else 0)
            current.append(row)
        previous = current
    counts = previous[n]
    threshold = math.ceil(u - 1e-9)
    return sum(counts[threshold:]) / math.comb(n + m, n)


def p_greater(a: Sequence[float], b: Sequence[float]) -> float:
    """The p-value of "``a`` tends to be larger than ``b``" (one-sided Mann–Whitney U)."""
    n, m = len(a), len(b)
    if not n or not m:
        return 1.0
    u = u_statistic(a, b)
    values = [*a, *b]
    tied = len(set(values)) < len(values)
    if not tied and n * m <= EXACT_LIMIT:
        return _exact_upper_tail(n, m, u)
    # Normal approximation, with the variance corrected for ties.
    counts: dict[float, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    total = n + m
    ties = sum(t**3 - t for t in counts.values())
    variance = n * m / 12 * ((total + 1) - ties / (total * (total - 1)))
    if variance <= 0:
        return 1.0
    z = (u - n * m / 2 - 0.5) / math.sqrt(variance)
    return 0.5 * math.erfc(z / math.sqrt(2))


def smallest_p(n: int, m: int) -> float:
    """The smallest p-value samples of ``n`` and ``m`` values can reach (one side, no ties)."""
    if not n or not m:
        return 1.0
    return 1 / math.comb(n + m, n)
