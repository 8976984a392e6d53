/// Gaussian copula: conversion, achieved rank correlations against targets, unchanged marginals, singular
/// matrices, and every validation error.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "socval/sampling.hpp"

using namespace socval;

namespace {

std::vector<double> ranks(const std::vector<double>& x) {
    std::vector<std::size_t> idx(x.size());
    std::iota(idx.begin(), idx.end(), 0);
    std::sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) { return x[a] < x[b]; });
    std::vector<double> r(x.size());
    for (std::size_t i = 0; i < idx.size(); ++i) r[idx[i]] = double(i);
    return r;
}

double spearman(const std::vector<double>& a, const std::vector<double>& b) {
    const auto ra = ranks(a), rb = ranks(b);
    const double n = double(a.size()), m = (n - 1) / 2;
    double s = 0, v = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        s += (ra[i] - m) * (rb[i] - m);
        v += (ra[i] - m) * (ra[i] - m);
    }
    return s / v;
}

Eigen::MatrixXd m3(double ab, double ac, double bc) {
    Eigen::MatrixXd m(3, 3);
    m << 1, ab, ac, ab, 1, bc, ac, bc, 1;
    return m;
}

/// Correlated uniforms of n draws for the copula's parameters from their keyed streams.
std::vector<std::vector<double>> correlated(const GaussianCopula& c, std::size_t n, Sampler s, std::uint64_t seed) {
    std::vector<std::vector<double>> cols(c.size(), std::vector<double>(n));
    std::vector<double*> ptr;
    for (std::size_t i = 0; i < c.size(); ++i) {
        uniform_block(StreamKey::of(seed, c.parameters()[i]), 0, n, s, n, cols[i].data());
        ptr.push_back(cols[i].data());
    }
    c.correlate_block(ptr.data(), n);
    return cols;
}

}  // namespace

TEST_CASE("Spearman -> normal-copula Pearson: r = 2 sin(pi rho / 6)", "[sampling][copula]") {
    const GaussianCopula c({"a", "b", "c"}, m3(0.7, -0.3, 0.1));
    // numpy: 2 sin(pi 0.7 / 6) = 0.7167358990906006, 2 sin(-pi 0.3 / 6) = -0.31286893008046174.
    CHECK(c.pearson()(0, 1) == Approx(0.7167358990906006).epsilon(1e-14));
    CHECK(c.pearson()(0, 2) == Approx(-0.31286893008046174).epsilon(1e-14));
    CHECK(c.pearson()(1, 1) == 1.0);
    CHECK((c.factor() * c.factor().transpose() - c.pearson()).norm() < 1e-14);
    CHECK(c.index_of("c") == 2);
    CHECK(c.index_of("zzz") == -1);
}

TEST_CASE("achieved rank correlations match the targets; marginals unchanged (MC and LHS)", "[sampling][copula]") {
    // n = 200,000: the SE of a sample Spearman correlation is at most ~1/sqrt(n) = 0.0022 (its value under
    // independence; smaller for |rho| > 0); tolerance 5 SE = 0.011.
    const std::size_t n = 200000;
    const double tol = 5 / std::sqrt(double(n));
    const GaussianCopula c({"jobs", "wage", "carbon"}, m3(0.7, -0.3, 0.1));
    for (Sampler s : {Sampler::monte_carlo, Sampler::latin_hypercube}) {
        INFO(sampler_name(s));
        const auto u = correlated(c, n, s, 77);
        CHECK(std::fabs(spearman(u[0], u[1]) - 0.7) < tol);
        CHECK(std::fabs(spearman(u[0], u[2]) + 0.3) < tol);
        CHECK(std::fabs(spearman(u[1], u[2]) - 0.1) < tol);
        // Marginals stay uniform: Kolmogorov-Smirnov distance below the 0.1% critical value 1.95 / sqrt(n).
        for (auto col : u) {
            std::sort(col.begin(), col.end());
            double ks = 0;
            for (std::size_t i = 0; i < n; ++i)
                ks = std::max({ks, std::fabs(col[i] - double(i) / n), std::fabs(col[i] - double(i + 1) / n)});
            CHECK(ks < 1.95 / std::sqrt(double(n)));
            CHECK(col.front() > 0.0);
            CHECK(col.back() < 1.0);
        }
        if (s == Sampler::latin_hypercube) {  // the first parameter's row of L is e1: its strata are kept exactly
            std::vector<char> hit(n, 0);
            for (double v : u[0]) hit[static_cast<std::size_t>(v * n)] = 1;
            CHECK(std::count(hit.begin(), hit.end(), 1) == static_cast<long>(n));
        }
    }
}

TEST_CASE("correlated draws keep the keyed-stream invariances", "[sampling][copula]") {
    const GaussianCopula c({"a", "b"}, m3(0.5, 0, 0).topLeftCorner(2, 2));
    const auto full = correlated(c, 2000, Sampler::monte_carlo, 3);
    const auto half = correlated(c, 1000, Sampler::monte_carlo, 3);
    CHECK(std::equal(half[1].begin(), half[1].end(), full[1].begin()));  // N / 2N prefix survives the copula
    double u[2] = {stream_uniform(StreamKey::of(3, "a"), 1500), stream_uniform(StreamKey::of(3, "b"), 1500)};
    c.correlate(u);
    CHECK(u[1] == full[1][1500]);  // one draw at a time == block
}

TEST_CASE("positive semidefinite but singular matrix: eigenvalue-clipped factor", "[sampling][copula]") {
    const GaussianCopula c({"a", "b", "c"}, m3(1.0, 0.5, 0.5));  // a and b perfectly rank-correlated
    CHECK((c.factor() * c.factor().transpose() - c.pearson()).norm() < 1e-12);
    const auto u = correlated(c, 20000, Sampler::monte_carlo, 5);
    CHECK(spearman(u[0], u[1]) > 0.9999);
    CHECK(std::fabs(spearman(u[0], u[2]) - 0.5) < 5 / std::sqrt(20000.0));
}

TEST_CASE("invalid correlation matrices: the error says which check fails", "[sampling][copula]") {
    using Catch::Matchers::Contains;
    Eigen::MatrixXd rect(2, 3);
    rect.setZero();
    CHECK_THROWS_WITH(GaussianCopula({"a", "b"}, rect), "correlation matrix: expected a square matrix, found 2 x 3");
    CHECK_THROWS_WITH(GaussianCopula({"a", "b"}, m3(0, 0, 0)),
                      "correlation matrix: expected one row and column per parameter (2), found 3 x 3");
    CHECK_THROWS_WITH(GaussianCopula({"a", "b", "a"}, m3(0, 0, 0)),
                      "correlation matrix: expected distinct parameters, found 'a' twice");
    CHECK_THROWS_WITH(GaussianCopula({"a", "", "c"}, m3(0, 0, 0)),
                      "correlation matrix: expected non-empty parameter ids, found an empty id");
    auto asym = m3(0.5, 0, 0);
    asym(1, 0) = 0.4;
    CHECK_THROWS_WITH(GaussianCopula({"a", "b", "c"}, asym),
                      "correlation matrix: not symmetric: expected entry [a, b] = entry [b, a], found 0.5 and 0.4");
    auto diag = m3(0.5, 0, 0);
    diag(2, 2) = 0.9;
    CHECK_THROWS_WITH(GaussianCopula({"a", "b", "c"}, diag),
                      "correlation matrix: diagonal not 1: expected 1 at [c, c], found 0.9");
    CHECK_THROWS_WITH(GaussianCopula({"a", "b", "c"}, m3(1.5, 0, 0)),
                      "correlation matrix: entry out of range: expected a rank correlation in [-1, 1] at [a, b], found 1.5");
    auto nan = m3(0, 0, 0);
    nan(0, 1) = nan(1, 0) = std::nan("");
    CHECK_THROWS_WITH(GaussianCopula({"a", "b", "c"}, nan), Contains("expected finite entries, found nan at [a, b]"));
    // numpy.linalg.eigvalsh([[1,.9,.9],[.9,1,-.9],[.9,-.9,1]]) = [-0.8, 1.9, 1.9].
    CHECK_THROWS_AS(GaussianCopula({"a", "b", "c"}, m3(0.9, 0.9, -0.9)), SamplingError);
    CHECK_THROWS_WITH(GaussianCopula({"a", "b", "c"}, m3(0.9, 0.9, -0.9)),
                      Contains("not positive semidefinite") && Contains("smallest eigenvalue -0.8"));
}
