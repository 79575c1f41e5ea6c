#!/usr/bin/python3
"""Reference values for the canary judge's statistics, from SciPy (an implementation independent of the SDK).

Run once with Debian's SciPy (apt-get install python3-scipy) and /usr/bin/python3:

    /usr/bin/python3 tests/Code.Learning.Tests/Statistics/Reference/make_reference_values.py

It prints the numbers kept in ReferenceValueTests.cs. The samples are literal, so nothing depends on a
random generator shared with C#.

- Mann-Whitney p-values: scipy.stats.mannwhitneyu, two-sided; method='exact' for small samples without
  ties, method='asymptotic' with use_continuity=True (tie-corrected variance) otherwise.
- Hodges-Lehmann intervals: by brute-force inversion of SciPy's own test. Every shift d between two
  consecutive distinct pairwise differences is tried, mannwhitneyu(y - d, x) is run, and the interval is
  the closure of the shifts it does not reject at level alpha. For the exact test this is exactly the
  definition the SDK implements. For the normal approximation the SDK keeps the tie-corrected sigma of
  the observed samples for every shift (so the interval excludes 0 exactly when the observed p < alpha);
  the script therefore inverts the z statistic with that fixed sigma, and checks that at d = 0 it gives
  SciPy's p-value.
- Student's t: scipy.stats.t.sf and t.ppf.
- Tail test: the statistic, mean and variance of the linear rank statistic with tail scores computed
  from scipy.stats.rankdata, and the p-value from scipy.stats.norm.
"""
import itertools
import numpy as np
from scipy import stats


def mw_exact_p(x, y):
    return stats.mannwhitneyu(y, x, alternative="two-sided", method="exact").pvalue


def mw_asymptotic_p(x, y):
    return stats.mannwhitneyu(y, x, alternative="two-sided", method="asymptotic", use_continuity=True).pvalue


def candidate_shifts(x, y):
    d = np.unique(np.subtract.outer(np.asarray(y, float), np.asarray(x, float)).ravel())
    mids = (d[:-1] + d[1:]) / 2
    return d, np.concatenate(([d[0] - 1], mids, [d[-1] + 1]))


def closure(d, shifts, accepted):
    """Interval [inf, sup] of the accepted shifts; the ends are pairwise differences (or infinite)."""
    idx = np.nonzero(accepted)[0]
    if len(idx) == 0:
        return None
    lo, hi = idx[0], idx[-1]
    lower = -np.inf if lo == 0 else d[lo - 1]
    upper = np.inf if hi == len(shifts) - 1 else d[hi]
    return lower, upper


def hl_exact_interval(x, y, alpha):
    d, shifts = candidate_shifts(x, y)
    accepted = [mw_exact_p(x, np.asarray(y) - s) >= alpha for s in shifts]
    return closure(d, shifts, accepted)


def hl_fixed_sigma_interval(x, y, alpha):
    """Inverts |U(d) - mn/2| - 1/2 <= z sigma, sigma from the observed data (ties included)."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    m, n = len(x), len(y)
    ranks = stats.rankdata(np.concatenate((x, y)))
    _, counts = np.unique(np.concatenate((x, y)), return_counts=True)
    big_n = m + n
    sigma = np.sqrt(m * n / 12 * (big_n + 1 - (counts ** 3 - counts).sum() / (big_n * (big_n - 1))))
    u0 = ranks[m:].sum() - n * (n + 1) / 2
    z0 = max(0.0, abs(u0 - m * n / 2) - 0.5) / sigma
    p0 = 2 * stats.norm.sf(z0)
    assert abs(p0 - mw_asymptotic_p(x, y)) < 1e-12, (p0, mw_asymptotic_p(x, y))
    z = stats.norm.ppf(1 - alpha / 2)
    d, shifts = candidate_shifts(x, y)
    accepted = []
    for s in shifts:
        u = (np.subtract.outer(y - s, x) > 0).sum() + 0.5 * (np.subtract.outer(y - s, x) == 0).sum()
        accepted.append(max(0.0, abs(u - m * n / 2) - 0.5) <= z * sigma)
    return p0, closure(d, shifts, accepted)


def tail_test(x, y, q):
    """Upper-tail rank test: S = sum of canary tail scores (top K of the pooled ranks, mid-scores at ties)."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    m, n = len(x), len(y)
    pooled = np.concatenate((x, y))
    big_n = m + n
    k = int(min(max(round((1 - q) * big_n), 1), big_n - 1))
    ranks = stats.rankdata(pooled)  # mid-ranks
    # score of a value = share of its tie group's positions that fall in the top k
    scores = np.zeros(big_n)
    for value in np.unique(pooled):
        members = pooled == value
        t = members.sum()
        first = big_n - (pooled > value).sum() - t + 1  # lowest position of the group, 1-based
        last = first + t - 1
        places = max(0, last - max(first, big_n - k + 1) + 1)
        scores[members] = places / t
    s = scores[m:].sum()
    mean = n * k / big_n
    var = m * n / (big_n * (big_n - 1)) * ((scores ** 2).sum() - big_n * (k / big_n) ** 2)
    p = 2 * stats.norm.sf(max(0.0, abs(s - mean) - 0.5) / np.sqrt(var))
    return s, mean, var, min(1.0, p)


def show(name, value):
    if isinstance(value, tuple):
        print(f"{name}: ({', '.join(repr(float(v)) for v in value)})")
    else:
        print(f"{name}: {value!r}")


print("# scipy", __import__("scipy").__version__)

# Exact Mann-Whitney, no ties.
a = [0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46]
b = [1.15, 0.88, 0.90, 0.74, 1.21]
show("exact p Hollander-Wolfe (b vs a)", mw_exact_p(b, a))
x1 = [100, 101, 102, 103, 105]
y1 = [104, 130, 131, 132, 133]
show("exact p 5v5 one overlap", mw_exact_p(x1, y1))
show("exact HL interval 5v5 alpha 0.02", hl_exact_interval(x1, y1, 0.02))
show("exact HL interval 5v5 alpha 0.04", hl_exact_interval(x1, y1, 0.04))
x2 = [12.1, 13.4, 9.8, 11.7, 10.2, 14.9, 12.8, 10.9, 11.1, 13.0, 9.5, 12.4]
y2 = [13.9, 15.2, 12.6, 14.4, 16.1, 13.1, 12.2, 15.8, 14.7, 13.6, 11.9, 15.0, 14.1]
show("exact p 12v13", mw_exact_p(x2, y2))
show("exact HL interval 12v13 alpha 0.02", hl_exact_interval(x2, y2, 0.02))
show("exact HL interval 12v13 alpha 0.10", hl_exact_interval(x2, y2, 0.10))

# Normal approximation with ties (integer milliseconds).
x3 = [12, 14, 13, 15, 12, 13, 14, 16, 13, 12, 15, 14, 13, 13, 17, 12, 14, 13, 15, 14, 12, 13, 16, 14, 13, 15, 13, 12, 14, 13]
y3 = [14, 15, 13, 16, 15, 14, 17, 15, 14, 16, 13, 15, 18, 14, 15, 16, 14, 15, 17, 13, 15, 16, 14, 15, 16, 14, 15, 17, 14, 16]
p3, ci3 = hl_fixed_sigma_interval(x3, y3, 0.02)
show("asymptotic p ties 30v30", p3)
show("fixed-sigma HL interval ties 30v30 alpha 0.02", ci3)
x4 = [1, 2, 2, 3]
y4 = [2, 3, 3, 4]
show("asymptotic p ties 4v4", mw_asymptotic_p(x4, y4))

# Student's t.
for df, value in [(5, 2.0), (12.5, 2.681), (40, 1.3)]:
    show(f"t two-sided p df={df} t={value}", 2 * stats.t.sf(value, df))
for df, prob in [(5, 0.99), (12.5, 0.995), (29, 0.99)]:
    show(f"t quantile df={df} p={prob}", stats.t.ppf(prob, df))

# Tail test.
x5 = [100, 104, 98, 101, 97, 103, 99, 102, 105, 96, 100, 101, 98, 103, 99, 97, 102, 100, 104, 101]
y5 = [101, 99, 103, 98, 100, 102, 140, 97, 104, 150, 100, 99, 145, 101, 98, 103, 160, 100, 102, 99]
show("tail S, mean, variance, p q=0.9", tail_test(x5, y5, 0.9))
