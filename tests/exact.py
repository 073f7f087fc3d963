"""Exact rational arithmetic for references: a matrix inverse in ``fractions.Fraction``."""

from fractions import Fraction


def inverse(matrix):
    """The exact inverse of a square matrix of Fractions (lists), by Gauss-Jordan elimination."""
    k = len(matrix)
    aug = [list(matrix[i]) + [Fraction(int(i == j)) for j in range(k)] for i in range(k)]
    for c in range(k):
        p = next(r for r in range(c, k) if aug[r][c] != 0)
        aug[c], aug[p] = aug[p], aug[c]
        aug[c] = [v / aug[c][c] for v in aug[c]]
        for r in range(k):
            if r != c and aug[r][c] != 0:
                f = aug[r][c]
                aug[r] = [a - f * b for a, b in zip(aug[r], aug[c], strict=True)]
    return [row[k:] for row in aug]
