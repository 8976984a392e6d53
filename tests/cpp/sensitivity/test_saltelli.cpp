// Sobol indices: known answers (Ishigami, Sobol G), groups, second order, convergence, reproducibility, errors.
#include <cmath>
#include <vector>

#include <catch2/catch.hpp>

#include "socval/common/hash.hpp"
#include "socval/errors.hpp"
#include "socval/sensitivity.hpp"

namespace sv = socval::sensitivity;

namespace {

constexpr double kPi = 3.14159265358979323846;

/// Ishigami function on [-pi, pi]^3 from unit points (Ishigami & Homma 1990).
Eigen::VectorXd ishigami(const Eigen::MatrixXd& u, double a = 7.0, double b = 0.1) {
    Eigen::VectorXd y(u.rows());
    for (Eigen::Index i = 0; i < u.rows(); ++i) {
        const double x1 = -kPi + 2 * kPi * u(i, 0), x2 = -kPi + 2 * kPi * u(i, 1), x3 = -kPi + 2 * kPi * u(i, 2);
        y[i] = std::sin(x1) + a * std::sin(x2) * std::sin(x2) + b * std::pow(x3, 4) * std::sin(x1);
    }
    return y;
}

/// Sobol G function prod_i (|4 x_i - 2| + a_i) / (1 + a_i) on [0, 1]^k.
Eigen::VectorXd g_function(const Eigen::MatrixXd& u, const std::vector<double>& a) {
    Eigen::VectorXd y = Eigen::VectorXd::Ones(u.rows());
    for (Eigen::Index i = 0; i < u.rows(); ++i)
        for (std::size_t j = 0; j < a.size(); ++j)
            y[i] *= (std::abs(4 * u(i, static_cast<Eigen::Index>(j)) - 2) + a[j]) / (1 + a[j]);
    return y;
}

}  // namespace

TEST_CASE("Ishigami a = 7, b = 0.1: indices within their intervals", "[sobol][known-answer]") {
    // Closed form (Ishigami & Homma 1990; Saltelli et al. 2008, Global Sensitivity Analysis. The Primer, p. 179):
    // V = a^2/8 + b pi^4/5 + b^2 pi^8/18 + 1/2, V1 = (1 + b pi^4/5)^2 / 2, V2 = a^2/8, V13 = 8 b^2 pi^8 / 225,
    // giving S1 = 0.3139, 0.4424, 0 and ST = 0.5576, 0.4424, 0.2437 (issue 7).
    const double a = 7, b = 0.1, pi4 = std::pow(kPi, 4), pi8 = pi4 * pi4;
    const double v = a * a / 8 + b * pi4 / 5 + b * b * pi8 / 18 + 0.5;
    const double v1 = 0.5 * std::pow(1 + b * pi4 / 5, 2), v2 = a * a / 8, v13 = 8 * b * b * pi8 / 225;
    const std::vector<double> s1{v1 / v, v2 / v, 0.0}, st{(v1 + v13) / v, v2 / v, v13 / v};
    CHECK(s1[0] == Approx(0.3139).margin(5e-5));
    CHECK(st[2] == Approx(0.2437).margin(5e-5));

    const auto layout = sv::saltelli_layout(1 << 14, 3);
    const Eigen::VectorXd y = ishigami(sv::saltelli_design(layout, 2024));
    sv::SobolOptions opt;
    opt.n_bootstrap = 500;
    opt.conf_level = 0.99;
    opt.seed = 5;
    const auto r = sv::sobol_indices(y, layout, opt);
    for (int i = 0; i < 3; ++i) {
        INFO("input " << i << " S1 " << r.S1[i] << " +- " << r.S1_conf[i] << " ST " << r.ST[i] << " +- "
                      << r.ST_conf[i]);
        CHECK(std::abs(r.S1[i] - s1[i]) <= r.S1_conf[i]);
        CHECK(std::abs(r.ST[i] - st[i]) <= r.ST_conf[i]);
        CHECK(r.S1_conf[i] < 0.03);   // tight enough to separate the three inputs
        CHECK(r.ST_conf[i] < 0.03);
    }
}

TEST_CASE("Sobol G function against its closed form", "[sobol][known-answer]") {
    // Saltelli et al. 2010, Comput. Phys. Commun. 181:259-270, section 4 (eq. 30-31): V_i = 1 / (3 (1 + a_i)^2),
    // V = prod (1 + V_i) - 1, S_i = V_i / V, ST_i = V_i prod_{j != i} (1 + V_j) / V.
    const std::vector<double> a{0, 1, 4.5, 9, 99, 99};
    const int k = static_cast<int>(a.size());
    std::vector<double> vi(k);
    double prod = 1;
    for (int i = 0; i < k; ++i) {
        vi[i] = 1.0 / (3 * (1 + a[i]) * (1 + a[i]));
        prod *= 1 + vi[i];
    }
    const double v = prod - 1;
    const auto layout = sv::saltelli_layout(1 << 14, k);
    const Eigen::VectorXd y = g_function(sv::saltelli_design(layout, 11), a);
    sv::SobolOptions opt;
    opt.n_bootstrap = 400;
    opt.conf_level = 0.99;
    const auto r = sv::sobol_indices(y, layout, opt);
    for (int i = 0; i < k; ++i) {
        const double s1 = vi[i] / v, st = vi[i] * prod / (1 + vi[i]) / v;
        INFO("input " << i << " S1 " << r.S1[i] << " vs " << s1 << " +- " << r.S1_conf[i] << "; ST " << r.ST[i]
                      << " vs " << st << " +- " << r.ST_conf[i]);
        CHECK(std::abs(r.S1[i] - s1) <= r.S1_conf[i]);
        CHECK(std::abs(r.ST[i] - st) <= r.ST_conf[i]);
        // The bootstrap treats the scrambled-Sobol rows as independent, so it overstates the error of a QMC
        // design (here about 0.04 for S1 of x0, whose actual error is < 0.001); still tight enough to rank inputs.
        CHECK(r.S1_conf[i] < 0.05);
    }
}

TEST_CASE("group indices and second order on an additive-plus-interaction model", "[sobol]") {
    // f = x0 + x1 + 2 x2 x3 with x uniform on [0, 1]: Var x = 1/12, Var(2 x2 x3) = 4 (1/9 - 1/16) = 7/36.
    // V = 1/12 + 1/12 + 7/36 = 13/36. Group {x2, x3}: S1 = ST = (7/36) / (13/36) = 7/13.
    // Second order of x2, x3: V23 = Var(2 (x2 - 1/2)(x3 - 1/2)) = 4/144 = 1/36, S2 = 1/13.
    auto f = [](const Eigen::MatrixXd& u) {
        Eigen::VectorXd y = u.col(0) + u.col(1) + 2 * u.col(2).cwiseProduct(u.col(3));
        return y;
    };
    sv::SobolOptions opt;
    opt.n_bootstrap = 300;
    opt.conf_level = 0.99;
    const auto grouped = sv::saltelli_layout(1 << 13, 4, {0, 1, 2, 2});
    CHECK(grouped.factors == 3);
    const auto r = sv::sobol_indices(f(sv::saltelli_design(grouped, 3)), grouped, opt);
    CHECK(r.S1.size() == 3);
    CHECK(std::abs(r.S1[2] - 7.0 / 13) <= r.S1_conf[2]);
    CHECK(std::abs(r.ST[2] - 7.0 / 13) <= r.ST_conf[2]);
    CHECK(std::abs(r.S1[0] - 3.0 / 13) <= r.S1_conf[0]);

    const auto second = sv::saltelli_layout(1 << 13, 4, {}, true);
    CHECK(second.rows() == (1 << 13) * 10);
    const auto r2 = sv::sobol_indices(f(sv::saltelli_design(second, 3)), second, opt);
    INFO("S2(2,3) " << r2.S2(2, 3) << " +- " << r2.S2_conf(2, 3));
    CHECK(std::abs(r2.S2(2, 3) - 1.0 / 13) <= r2.S2_conf(2, 3));
    CHECK(std::abs(r2.S2(0, 1)) <= r2.S2_conf(0, 1));
    CHECK(std::isnan(r2.S2(3, 2)));
}

TEST_CASE("convergence uses the design prefix: its last row is the full estimate", "[sobol]") {
    const auto layout = sv::saltelli_layout(1 << 12, 3);
    const Eigen::VectorXd y = ishigami(sv::saltelli_design(layout, 1));
    sv::SobolOptions opt;
    opt.n_bootstrap = 100;
    const auto conv = sv::sobol_convergence(y, layout, opt);
    REQUIRE(conv.size() == 4);
    CHECK(conv[0].n == 512);
    CHECK(conv[3].n == 4096);
    CHECK(conv[3].S1 == sv::sobol_indices(y, layout, opt).S1);
    // The prefix of size m is the design of size m: same indices as a fresh run with n = m.
    const auto small = sv::saltelli_layout(512, 3);
    const auto fresh = sv::sobol_indices(ishigami(sv::saltelli_design(small, 1)), small, opt);
    CHECK((conv[0].S1 - fresh.S1).cwiseAbs().maxCoeff() < 1e-12);
    CHECK((conv[0].S1_conf - fresh.S1_conf).cwiseAbs().maxCoeff() < 1e-12);
    CHECK(conv[3].S1_conf.maxCoeff() < conv[0].S1_conf.maxCoeff());
}

TEST_CASE("same seed, same indices, whatever the thread count", "[sobol][reproducibility]") {
    const auto layout = sv::saltelli_layout(1 << 10, 3);
    const Eigen::VectorXd y = ishigami(sv::saltelli_design(layout, 9));
    CHECK(y == ishigami(sv::saltelli_design(layout, 9)));
    sv::SobolOptions opt;
    opt.n_bootstrap = 257;
    opt.seed = 3;
    opt.threads = 1;
    const auto one = sv::sobol_indices(y, layout, opt);
    for (int t : {2, 3, 8}) {
        opt.threads = t;
        const auto many = sv::sobol_indices(y, layout, opt);
        CHECK(many.S1_conf == one.S1_conf);
        CHECK(many.ST_conf == one.ST_conf);
    }
    opt.seed = 4;
    CHECK(sv::sobol_indices(y, layout, opt).S1_conf != one.S1_conf);
}

TEST_CASE("indices do not move when the output is shifted by a constant", "[sobol][property]") {
    // The estimators centre the outputs on their mean (docs/model/sensitivity.md section 2), so S1, ST, S2 and their
    // intervals are invariant under y -> y + c; the uncentred first-order sum would move by c sum(f(AB) - f(A)).
    const auto layout = sv::saltelli_layout(1 << 10, 3, {}, true);
    const Eigen::VectorXd y = ishigami(sv::saltelli_design(layout, 4));
    sv::SobolOptions opt;
    opt.n_bootstrap = 50;
    const auto base = sv::sobol_indices(y, layout, opt);
    const auto shifted = sv::sobol_indices((y.array() + 1e6).matrix(), layout, opt);
    CHECK((base.S1 - shifted.S1).cwiseAbs().maxCoeff() < 1e-7);
    CHECK((base.ST - shifted.ST).cwiseAbs().maxCoeff() < 1e-7);
    CHECK(std::abs(base.S2(0, 2) - shifted.S2(0, 2)) < 1e-7);
    CHECK((base.S1_conf - shifted.S1_conf).cwiseAbs().maxCoeff() < 1e-7);
}

TEST_CASE("one-pass bootstrap equals resampling the rows one replicate at a time", "[sobol][bootstrap]") {
    // Reference: replicate r draws base row j as floor(u m), u the top 53 bits of the keyed hash
    // mix64(mix64(mix64(seed ^ (m << 40)) ^ r) ^ j) / 2^53 (docs/model/sensitivity.md section 2), gathers the rows of
    // every block, and applies the estimators with the outputs centred on the mean of the sample (first m rows).
    const std::int64_t n = 256;
    const int reps = 21;  // not a multiple of the kernel's replicate block
    const auto layout = sv::saltelli_layout(n, 3, {}, true);
    const Eigen::VectorXd y = ishigami(sv::saltelli_design(layout, 8));
    sv::SobolOptions opt;
    opt.n_bootstrap = reps;
    opt.seed = 17;
    opt.conf_level = 0.9;
    const std::int64_t m = n / 2;
    const auto got = sv::sobol_indices(y, layout, opt, m);
    const double ybar = (y.segment(layout.row_a(), m).sum() + y.segment(layout.row_b(), m).sum()) / (2.0 * m);
    auto at = [&](std::int64_t row0, std::int64_t i) { return y[row0 + i] - ybar; };
    Eigen::MatrixXd s1(reps, 3), st(reps, 3), s2(reps, 3);  // s2 columns: pairs (0,1), (0,2), (1,2)
    for (int r = 0; r < reps; ++r) {
        std::vector<std::int64_t> idx(static_cast<std::size_t>(m));
        for (std::int64_t j = 0; j < m; ++j) {
            const std::uint64_t h = socval::mix64(
                socval::mix64(socval::mix64(opt.seed ^ (static_cast<std::uint64_t>(m) << 40)) ^ r) ^ j);
            idx[static_cast<std::size_t>(j)] =
                std::min<std::int64_t>(m - 1, static_cast<std::int64_t>((h >> 11) * 0x1.0p-53 * m));
        }
        double sum = 0, sq = 0;
        for (auto i : idx) {
            sum += at(layout.row_a(), i) + at(layout.row_b(), i);
            sq += at(layout.row_a(), i) * at(layout.row_a(), i) + at(layout.row_b(), i) * at(layout.row_b(), i);
        }
        const double var = sq / (2.0 * m) - (sum / (2.0 * m)) * (sum / (2.0 * m));
        for (int g = 0; g < 3; ++g) {
            double first = 0, total = 0;
            for (auto i : idx) {
                const double d = y[layout.row_ab(g) + i] - y[layout.row_a() + i];
                first += at(layout.row_b(), i) * d;
                total += d * d;
            }
            s1(r, g) = first / m / var;
            st(r, g) = 0.5 * total / m / var;
        }
        int col = 0;
        for (int g = 0; g < 3; ++g)
            for (int h = g + 1; h < 3; ++h, ++col) {
                double v = 0;
                for (auto i : idx)
                    v += at(layout.row_ba(g), i) * at(layout.row_ab(h), i) -
                         at(layout.row_a(), i) * at(layout.row_b(), i);
                s2(r, col) = v / m / var - s1(r, g) - s1(r, h);
            }
    }
    const double z = 1.6448536269514722;  // two-sided 90%
    auto half_width = [&](const Eigen::VectorXd& v) {
        return z * std::sqrt((v.array() - v.mean()).square().sum() / (reps - 1));
    };
    for (int g = 0; g < 3; ++g) {
        CHECK(got.S1_conf[g] == Approx(half_width(s1.col(g))).epsilon(1e-9));
        CHECK(got.ST_conf[g] == Approx(half_width(st.col(g))).epsilon(1e-9));
    }
    CHECK(got.S2_conf(0, 1) == Approx(half_width(s2.col(0))).epsilon(1e-9));
    CHECK(got.S2_conf(0, 2) == Approx(half_width(s2.col(1))).epsilon(1e-9));
    CHECK(got.S2_conf(1, 2) == Approx(half_width(s2.col(2))).epsilon(1e-9));
}

TEST_CASE("Sobol bad inputs", "[sobol][errors]") {
    using Catch::Contains;
    CHECK_THROWS_AS(sv::saltelli_layout(1000, 3), socval::SensitivityError);
    CHECK_THROWS_WITH(sv::saltelli_layout(1000, 3), Contains("n must be a power of 2") && Contains("1000"));
    CHECK_THROWS_WITH(sv::saltelli_layout(64, 0), Contains("at least one input"));
    CHECK_THROWS_WITH(sv::saltelli_layout(64, 3, {0, 1}), Contains("expected 3 entries, got 2"));
    CHECK_THROWS_WITH(sv::saltelli_layout(64, 3, {0, 2, 2}), Contains("group 1 has no input"));
    CHECK_THROWS_WITH(sv::saltelli_layout(64, 2, {0, 0}, true), Contains("at least 2 factors"));
    const auto layout = sv::saltelli_layout(64, 2);
    Eigen::VectorXd y = Eigen::VectorXd::LinSpaced(layout.rows(), 0, 1);
    CHECK_THROWS_WITH(sv::sobol_indices(y.head(10), layout), Contains("expected 256 outputs") && Contains("got 10"));
    y[64 + 3] = std::nan("");
    CHECK_THROWS_WITH(sv::sobol_indices(y, layout), Contains("output 67 (block B, row 3) is not finite"));
    CHECK_THROWS_WITH(sv::sobol_indices(Eigen::VectorXd::Ones(layout.rows()), layout), Contains("constant"));
    sv::SobolOptions bad;
    bad.conf_level = 1.5;
    CHECK_THROWS_WITH(sv::sobol_indices(Eigen::VectorXd::LinSpaced(layout.rows(), 0, 1), layout, bad),
                      Contains("conf_level must be in (0, 1)"));
}
