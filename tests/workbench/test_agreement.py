"""Weighted kappa and Gwet's AC1 against values worked out by hand for a small table.

The table (rows: first inspector, columns: second; good, requires improvement, inadequate),
ten cases:

    2 1 0
    1 3 1
    0 1 1

Shares p_ij = count / 10; both graders' marginals are (0.3, 0.5, 0.2).

Linear-weighted kappa (weights 1, 0.5, 0):
  observed  = (2 + 3 + 1)/10 + 0.5 * (1 + 1 + 1 + 1)/10 = 0.8
  expected  = (0.09 + 0.25 + 0.04) + 0.5 * (2*0.15 + 2*0.10) = 0.38 + 0.25 = 0.63
  kappa     = (0.8 - 0.63) / 0.37 = 17/37 = 0.459
  wbar      = (0.55, 0.75, 0.45) for rows and columns alike; 1 - kappa = 20/37
  sum p (w - (wbar_i + wbar_j)(1 - kappa))^2
            = 0.2*0.405405^2 + 2*0.1*0.202703^2 + 0.3*0.189189^2 + 2*0.1*0.148649^2
              + 0.1*0.513514^2 = 0.082615
  (kappa - 0.63 * 20/37)^2 = 0.118919^2 = 0.014142
  var       = (0.082615 - 0.014142) / (10 * 0.37^2) = 0.068473 / 1.369 = 0.050017
  se        = 0.224; 95% CI 0.459 -/+ 1.96 * 0.224 = 0.021 to 0.898

Gwet's AC1:
  p_a = 0.6; pi = (0.3, 0.5, 0.2); p_e = (0.21 + 0.25 + 0.16) / 2 = 0.31
  AC1 = (0.6 - 0.31) / 0.69 = 0.420
  middle = (0.2*0.7 + 0.3*0.5 + 0.1*0.8)/2 - 0.6*0.31 = 0.185 - 0.186 = -0.001
  last   = (0.2*0.49 + 2*0.1*0.36 + 0.3*0.25 + 2*0.1*0.4225 + 0.1*0.64)/4 - 0.31^2
         = 0.3935/4 - 0.0961 = 0.002275
  var    = (0.24 + 4*0.579710*0.001 + 4*0.579710^2*0.002275) / (10 * 0.69^2)
         = (0.24 + 0.002319 + 0.003058) / 4.761 = 0.051539
  se     = 0.227; 95% CI 0.420 -/+ 1.96 * 0.227 = -0.025 to 0.865
"""

from __future__ import annotations

import numpy as np
import pytest

from workbench.agreement import agreement, describe, gwet_ac1, weighted_kappa

TABLE = np.array([[2, 1, 0], [1, 3, 1], [0, 1, 1]])


def test_weighted_kappa_and_its_interval_match_the_hand_calculation() -> None:
    kappa = weighted_kappa(TABLE)
    assert kappa is not None
    assert kappa.value == pytest.approx(17 / 37)
    assert kappa.standard_error == pytest.approx(0.050017**0.5, abs=1e-5)
    assert (round(kappa.low, 3), round(kappa.high, 3)) == (0.021, 0.898)


def test_ac1_and_its_interval_match_the_hand_calculation() -> None:
    ac1 = gwet_ac1(TABLE)
    assert ac1 is not None
    assert ac1.value == pytest.approx(0.29 / 0.69)
    assert ac1.standard_error == pytest.approx(0.051539**0.5, abs=1e-5)
    assert (round(ac1.low, 3), round(ac1.high, 3)) == (-0.025, 0.865)


def test_ac1_standard_error_matches_gwets_published_example() -> None:
    # irrCAC's cont3x3abstractors table: AC1 0.84933, 95% CI 0.76358 to 0.93508 (t quantile
    # for 99 degrees of freedom, 1.984), so a standard error of 0.04322.
    ac1 = gwet_ac1(np.array([[13, 0, 0], [0, 20, 7], [0, 4, 56]]))
    assert ac1 is not None
    assert round(ac1.value, 5) == 0.84933
    assert ac1.standard_error == pytest.approx((0.93508 - 0.84933) / 1.984, abs=2e-5)


def test_when_one_grade_dominates_kappa_collapses_and_ac1_does_not() -> None:
    # 19 cases both inspectors graded requires improvement, one they split on.
    table = np.array([[0, 1, 0], [0, 19, 0], [0, 0, 0]])
    kappa, ac1 = weighted_kappa(table), gwet_ac1(table)
    assert kappa is not None and ac1 is not None
    assert kappa.value == pytest.approx(0.0, abs=1e-9)
    assert ac1.value > 0.9


def test_under_ten_cases_the_figures_say_too_few_to_measure() -> None:
    few = agreement(np.array([[2, 1, 0], [0, 3, 0], [0, 0, 1]]))
    assert few["cases"] == 7 and few["too_few"] is True
    assert few["weighted_kappa"] is None and few["ac1"] is None
    assert describe(few) == "7 cases: too few to measure (at least 10 are needed)."
    enough = agreement(TABLE)
    assert enough["weighted_kappa"] == {
        "value": 0.459, "standard_error": 0.224, "ci_low": 0.021, "ci_high": 0.898,
    }  # fmt: skip
    assert describe(enough) == (
        "10 cases: weighted kappa 0.459 (95% CI 0.021 to 0.898), "
        "Gwet's AC1 0.420 (95% CI -0.025 to 0.865)."
    )


def test_every_case_the_same_grade_leaves_kappa_undefined() -> None:
    assert weighted_kappa(np.array([[10, 0], [0, 0]])) is None
    assert agreement(np.array([[10, 0], [0, 0]]))["weighted_kappa"] is None
