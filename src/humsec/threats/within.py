"""Two-way fixed-effects estimates for many country-block bootstrap replications at once.

A country-block bootstrap draws countries with replacement and re-estimates the model on the
drawn panel. Each draw is equivalent to frequency weights ``w_c`` (how often country c was
drawn) with one fixed effect per country, because the copies of a country share their data
and so their estimated effect. Since a country's weight is constant over its rows, the
weighted within-country mean equals the unweighted one, so the within-country transformation
``z̃_it = z_it − z̄_i`` is done once for all replications. The year effects enter as explicit
dummies (few columns), which makes the two-way estimator exact on unbalanced panels without
iterating. With ``Z̃ = [X̃, D̃, ỹ]`` and per-country cross products ``C_c = Z̃_c'Z̃_c``:

    G(w) = Σ_c w_c C_c,    [β; δ] = G_xx(w)⁻¹ G_xy(w)

so all R replications cost one matrix product ``W·C`` (R × countries by countries × q²) and R
small solves. With every weight 1 this is the ordinary two-way within estimator (the tests
check it against pyfixest to 1e-8).

The half-panel jackknife of Dhaene & Jochmans (2015, Review of Economic Studies 82(3)) for
short panels is ``β̃ = 2β̂ − (β̂₁ + β̂₂)/2``, with β̂₁ and β̂₂ estimated on the first and the
second half of the years (halves of ⌈T/2⌉ years, overlapping by one year when T is odd);
it removes the O(1/T) bias of dynamic fixed-effects estimates (Nickell 1981).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class CrossProducts:
    """Per-country cross products of the within-transformed ``[X, year dummies, y]``."""

    products: np.ndarray  # (countries, q, q)
    k: int  # number of regressors (the first k columns)


def cross_products(
    y: np.ndarray, x: np.ndarray, country: np.ndarray, year: np.ndarray, n_countries: int
) -> CrossProducts:
    """``C_c = Z̃_c'Z̃_c`` for every country code ``0 … n_countries−1`` (zeros if absent)."""
    years = np.unique(year)
    dummies = (year[:, None] == years[None, 1:]).astype(np.float64)
    z = np.column_stack([x, dummies, y]).astype(np.float64)
    counts = np.bincount(country, minlength=n_countries).astype(np.float64)
    sums = np.zeros((n_countries, z.shape[1]))
    np.add.at(sums, country, z)
    means = sums / np.maximum(counts, 1.0)[:, None]
    z -= means[country]
    order = np.argsort(country, kind="stable")
    bounds = np.searchsorted(country[order], np.arange(n_countries + 1))
    products = np.zeros((n_countries, z.shape[1], z.shape[1]))
    for c in np.flatnonzero(counts):
        block = z[order[bounds[c] : bounds[c + 1]]]
        products[c] = block.T @ block
    return CrossProducts(products=products, k=x.shape[1])


def weighted_estimates(cross: CrossProducts, weights: np.ndarray) -> np.ndarray:
    """β for each row of ``weights`` (R × countries): ``G_xx(w)⁻¹ G_xy(w)``, shape (R, k)."""
    n_countries, q, _ = cross.products.shape
    gram = (weights @ cross.products.reshape(n_countries, q * q)).reshape(-1, q, q)
    gxx, gxy = gram[:, :-1, :-1], gram[:, :-1, -1]
    try:
        solution = np.linalg.solve(gxx, gxy[..., None])[..., 0]
    except np.linalg.LinAlgError:
        # a replication without any country observed in some year: that dummy is empty
        solution = np.einsum("rij,rj->ri", np.linalg.pinv(gxx, rcond=1e-12), gxy)
    return np.asarray(solution[:, : cross.k])


def half_panel_split(year: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row masks of the first and second half of the distinct years (Dhaene–Jochmans)."""
    years = np.unique(year)
    half = int(np.ceil(len(years) / 2))
    first = np.isin(year, years[:half])
    second = np.isin(year, years[len(years) - half :])
    return first, second


@dataclass(frozen=True)
class EquationSystem:
    """Cross products of one equation for the full sample and, optionally, its two halves."""

    full: CrossProducts
    halves: tuple[CrossProducts, CrossProducts] | None

    def estimates(self, weights: np.ndarray) -> np.ndarray:
        """β (or the half-panel jackknife β̃ when halves are present) per weight row."""
        beta = weighted_estimates(self.full, weights)
        if self.halves is None:
            return beta
        first = weighted_estimates(self.halves[0], weights)
        second = weighted_estimates(self.halves[1], weights)
        return 2.0 * beta - 0.5 * (first + second)


def equation_system(
    y: np.ndarray,
    x: np.ndarray,
    country: np.ndarray,
    year: np.ndarray,
    n_countries: int,
    jackknife: bool,
) -> EquationSystem:
    """Cross products for one equation (full sample, and the halves for the jackknife)."""
    full = cross_products(y, x, country, year, n_countries)
    if not jackknife:
        return EquationSystem(full, None)
    first, second = half_panel_split(year)
    halves = tuple(
        cross_products(y[m], x[m], country[m], year[m], n_countries) for m in (first, second)
    )
    return EquationSystem(full, (halves[0], halves[1]))


def block_weights(n_countries: int, replications: int, seed: int) -> np.ndarray:
    """Country-block bootstrap draws as counts: row r says how often each country was drawn
    (``n_countries`` draws with replacement, numpy PCG64 seeded with ``seed``)."""
    rng = np.random.default_rng(seed)
    draws = rng.integers(0, n_countries, size=(replications, n_countries))
    offsets = np.arange(replications)[:, None] * n_countries
    counts = np.bincount((draws + offsets).ravel(), minlength=replications * n_countries)
    return counts.reshape(replications, n_countries).astype(np.float64)
