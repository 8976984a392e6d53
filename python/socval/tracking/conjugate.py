"""Closed-form (conjugate) posteriors for a yield that enters the measurement linearly (docs/model/tracking.md,
"Conjugate updates"; Gelman et al., *Bayesian Data Analysis*, 3rd ed., 2013, sections 2.4-2.6).

- normal mean, known variance: prior N(mu0, tau0^2), observations y_j ~ N(x_j theta, sigma_j^2);
- beta-binomial: prior Beta(alpha, beta) on a rate p, y_j successes of n_j trials;
- Poisson-gamma: prior Gamma(shape a, rate b) on a rate theta, counts y_j ~ Poisson(theta x_j) with exposure x_j.
"""
from __future__ import annotations

from typing import Sequence, Tuple

import numpy as np

from .returns import ReturnsError

__all__ = ["normal_mean", "beta_binomial", "poisson_gamma", "gamma_from_moments", "beta_from_moments"]


def _arr(x: Sequence[float], name: str) -> np.ndarray:
    a = np.atleast_1d(np.asarray(x, dtype=float))
    if not np.all(np.isfinite(a)):
        raise ReturnsError(f"{name}: expected finite numbers, found {x!r}")
    return a


def normal_mean(prior_mean: float, prior_sd: float, y: Sequence[float], sd: Sequence[float],
                x: Sequence[float] = (1.0,)) -> Tuple[float, float]:
    """Posterior (mean, sd) of theta: prior N(prior_mean, prior_sd^2), y_j ~ N(x_j theta, sd_j^2).

    precision = 1/tau0^2 + sum x_j^2 / sigma_j^2;  mean = (mu0/tau0^2 + sum x_j y_j / sigma_j^2) / precision
    (BDA3 eq. 2.12 with a design x_j)."""
    y, s = _arr(y, "y"), _arr(sd, "sd")
    xs = np.broadcast_to(_arr(x, "x"), y.shape)
    if prior_sd <= 0 or np.any(s <= 0):
        raise ReturnsError("normal_mean: expected standard deviations > 0")
    prec = 1.0 / prior_sd ** 2 + np.sum(xs ** 2 / s ** 2)
    mean = (prior_mean / prior_sd ** 2 + np.sum(xs * y / s ** 2)) / prec
    return float(mean), float(np.sqrt(1.0 / prec))


def beta_binomial(alpha: float, beta: float, successes: Sequence[float],
                  trials: Sequence[float]) -> Tuple[float, float]:
    """Posterior Beta(alpha + sum y, beta + sum (n - y)) of a rate (BDA3 section 2.4)."""
    y, n = _arr(successes, "successes"), _arr(trials, "trials")
    if alpha <= 0 or beta <= 0 or np.any(y < 0) or np.any(y > n):
        raise ReturnsError("beta_binomial: expected alpha, beta > 0 and 0 <= successes <= trials")
    return float(alpha + y.sum()), float(beta + (n - y).sum())


def poisson_gamma(shape: float, rate: float, counts: Sequence[float],
                  exposure: Sequence[float] = (1.0,)) -> Tuple[float, float]:
    """Posterior Gamma(a + sum y, b + sum x) of a Poisson rate with exposures x_j (BDA3 section 2.6)."""
    y = _arr(counts, "counts")
    x = np.broadcast_to(_arr(exposure, "exposure"), y.shape)
    if shape <= 0 or rate <= 0 or np.any(y < 0) or np.any(x < 0):
        raise ReturnsError("poisson_gamma: expected shape, rate > 0, counts and exposures >= 0")
    return float(shape + y.sum()), float(rate + x.sum())


def gamma_from_moments(mean: float, sd: float) -> Tuple[float, float]:
    """(shape, rate) of the gamma distribution with this mean and sd: shape = (mean/sd)^2, rate = mean/sd^2."""
    return (mean / sd) ** 2, mean / sd ** 2


def beta_from_moments(mean: float, sd: float) -> Tuple[float, float]:
    """(alpha, beta) of the beta distribution with this mean and sd (sd^2 < mean (1 - mean))."""
    k = mean * (1 - mean) / sd ** 2 - 1
    return mean * k, (1 - mean) * k
