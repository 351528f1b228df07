"""Agreement between two graders of the same cases, from their square table of grades.

Two coefficients, each with its large-sample standard error and a 95% confidence interval
(estimate ± 1.96 standard errors, clipped to [-1, 1]):

- **Linear-weighted Cohen's kappa** over the ordered grade scale (weights 1 - |i - j|/(q - 1)).
  Variance: Fleiss, J. L., Cohen, J. and Everitt, B. S. (1969), "Large sample standard errors
  of kappa and weighted kappa", *Psychological Bulletin* 72(5), 323-327
  (also Fleiss, Levin and Paik, *Statistical Methods for Rates and Proportions*, 3rd edition,
  2003, section 18.1):

      var = [sum_ij p_ij (w_ij - (wbar_i. + wbar_.j)(1 - k))^2 - (k - p_e (1 - k))^2]
            / (n (1 - p_e)^2)

  with wbar_i. = sum_j p_.j w_ij and wbar_.j = sum_i p_i. w_ij.

- **Gwet's AC1** (unweighted): Gwet, K. L. (2008), "Computing inter-rater reliability and its
  variance in the presence of high agreement", *British Journal of Mathematical and
  Statistical Psychology* 61, 29-48. With p_a the observed agreement and pi_k the mean of the
  two graders' shares of grade k, p_e = sum_k pi_k (1 - pi_k) / (q - 1), AC1 = (p_a - p_e) /
  (1 - p_e), and (two graders, no finite-population correction):

      var = [p_a (1 - p_a)
             - 4 (1 - AC1) (sum_k p_kk (1 - pi_k) / (q - 1) - p_a p_e)
             + 4 (1 - AC1)^2 (sum_kl p_kl (1 - (pi_k + pi_l) / 2)^2 / (q - 1)^2 - p_e^2)]
            / (n (1 - p_e)^2)

  (this reproduces the standard error of the irrCAC package's ``gwet.ac1.table`` example).
  Kappa collapses when one grade dominates (p_e near 1) even when graders nearly always
  agree; AC1 does not, which is why both are shown.

With fewer than ``MIN_CASES`` cases the coefficients are not reported ("too few to measure").
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

MIN_CASES = 10
Z_95 = 1.959964
TOO_FEW = "too few to measure"


@dataclass(frozen=True)
class Estimate:
    value: float
    standard_error: float
    low: float
    high: float

    def as_dict(self, places: int = 3) -> dict[str, float]:
        return {
            "value": round(self.value, places),
            "standard_error": round(self.standard_error, places),
            "ci_low": round(self.low, places),
            "ci_high": round(self.high, places),
        }


def _estimate(value: float, variance: float) -> Estimate:
    se = math.sqrt(max(variance, 0.0))
    return Estimate(value, se, max(-1.0, value - Z_95 * se), min(1.0, value + Z_95 * se))


def weighted_kappa(table: np.ndarray) -> Estimate | None:
    """Linear-weighted kappa of a q x q table of counts (rows: one grader); None when chance
    agreement is total (every case given the same grade by both) or the table is empty."""
    counts = np.asarray(table, dtype=float)
    n = counts.sum()
    q = counts.shape[0]
    if n == 0 or q < 2:
        return None
    p = counts / n
    index = np.arange(q)
    w = 1 - np.abs(index[:, None] - index[None, :]) / (q - 1)
    rows, cols = p.sum(axis=1), p.sum(axis=0)
    observed = float((w * p).sum())
    expected = float((w * np.outer(rows, cols)).sum())
    if math.isclose(expected, 1.0):
        return None
    kappa = (observed - expected) / (1 - expected)
    wbar_row = w @ cols  # wbar_i. = sum_j p_.j w_ij
    wbar_col = rows @ w  # wbar_.j = sum_i p_i. w_ij
    spread = w - (wbar_row[:, None] + wbar_col[None, :]) * (1 - kappa)
    numerator = float((p * spread**2).sum()) - (kappa - expected * (1 - kappa)) ** 2
    return _estimate(kappa, numerator / (n * (1 - expected) ** 2))


def gwet_ac1(table: np.ndarray) -> Estimate | None:
    """Gwet's AC1 of a q x q table of counts; None for an empty table."""
    counts = np.asarray(table, dtype=float)
    n = counts.sum()
    q = counts.shape[0]
    if n == 0 or q < 2:
        return None
    p = counts / n
    pa = float(np.trace(p))
    pi = (p.sum(axis=1) + p.sum(axis=0)) / 2
    pe = float((pi * (1 - pi)).sum()) / (q - 1)
    ac1 = (pa - pe) / (1 - pe)
    middle = float((np.diag(p) * (1 - pi)).sum()) / (q - 1) - pa * pe
    pair = 1 - (pi[:, None] + pi[None, :]) / 2
    last = float((p * pair**2).sum()) / (q - 1) ** 2 - pe**2
    variance = pa * (1 - pa) - 4 * (1 - ac1) * middle + 4 * (1 - ac1) ** 2 * last
    return _estimate(ac1, variance / (n * (1 - pe) ** 2))


def agreement(table: npt.ArrayLike) -> dict[str, object]:
    """The figures a report shows: cases, percent agreement, kappa and AC1 with their 95%
    intervals, or ``too_few`` with the coefficients left out under ``MIN_CASES`` cases."""
    counts = np.asarray(table, dtype=float)
    n = int(counts.sum())
    same = int(np.trace(counts))
    result: dict[str, object] = {
        "cases": n,
        "same": same,
        "percent_agreement": round(100 * same / n, 1) if n else None,
        "too_few": n < MIN_CASES,
        "weighted_kappa": None,
        "ac1": None,
    }
    if n >= MIN_CASES:
        kappa, ac1 = weighted_kappa(counts), gwet_ac1(counts)
        result["weighted_kappa"] = kappa.as_dict() if kappa else None
        result["ac1"] = ac1.as_dict() if ac1 else None
    return result


def describe(figures: dict[str, object]) -> str:
    """One line for people: "12 cases: weighted kappa 0.46 (95% CI 0.02 to 0.90), ..."."""
    n = figures["cases"]
    cases = "1 case" if n == 1 else f"{n} cases"
    if figures["too_few"]:
        return f"{cases}: {TOO_FEW} (at least {MIN_CASES} are needed)."
    parts = []
    for key, name in (("weighted_kappa", "weighted kappa"), ("ac1", "Gwet's AC1")):
        value = figures[key]
        if isinstance(value, dict):
            parts.append(
                f"{name} {value['value']:.3f} (95% CI {value['ci_low']:.3f} to "
                f"{value['ci_high']:.3f})"
            )
        else:
            parts.append(f"{name} not defined (every case has the same grade)")
    return f"{cases}: {', '.join(parts)}."
