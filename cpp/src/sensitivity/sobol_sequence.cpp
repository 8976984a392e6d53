/// Scrambled Sobol points: Joe-Kuo direction numbers (from Boost's table), natural order, hash-based Owen scramble.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include <boost/random/detail/sobol_table.hpp>

#include "detail.hpp"
#include "socval/sensitivity.hpp"

namespace socval::sensitivity {
namespace {

using Table = boost::random::detail::qrng_tables::sobol;
constexpr int kBits = 32;

/// Direction numbers v_j (j = 0..31) of one dimension, as in Bratley & Fox (1988) / Joe & Kuo (2008):
/// m_j from the table for j < degree, then m_j = m_{j-s} ^ (m_{j-s} << s) ^ sum_k a_k m_{j-k} << k; v_j = m_j << 31-j.
std::array<std::uint32_t, kBits> direction_numbers(int dim) {
    std::array<std::uint32_t, kBits> m{};
    if (dim == 0) {
        m.fill(1u);
    } else {
        const unsigned poly = Table::polynomial(static_cast<std::size_t>(dim - 1));
        unsigned degree = 0;
        while ((poly >> (degree + 1)) != 0u) ++degree;
        for (unsigned k = 0; k < degree && k < static_cast<unsigned>(kBits); ++k)
            m[k] = Table::minit(static_cast<std::size_t>(dim - 1), k);
        for (unsigned j = degree; j < static_cast<unsigned>(kBits); ++j) {
            unsigned p = poly;
            m[j] = m[j - degree];
            for (unsigned k = 0; k < degree; ++k, p >>= 1u) {
                const unsigned rem = degree - k;
                if (p & 1u) m[j] ^= m[j - rem] << rem;
            }
        }
    }
    std::array<std::uint32_t, kBits> v{};
    for (int j = 0; j < kBits; ++j) v[j] = m[j] << (kBits - 1 - j);
    return v;
}

/// Direction numbers of every dimension of the table, built once on first use (a function-local static: its
/// initialisation is thread-safe and it is never written again, so the reference handed out stays valid and
/// needs no lock). About 0.5 MB for the table's dimensions.
const std::vector<std::array<std::uint32_t, kBits>>& directions() {
    static const std::vector<std::array<std::uint32_t, kBits>> table = [] {
        std::vector<std::array<std::uint32_t, kBits>> v;
        v.reserve(Table::max_dimension);
        for (unsigned d = 0; d < Table::max_dimension; ++d) v.push_back(direction_numbers(static_cast<int>(d)));
        return v;
    }();
    return table;
}

std::uint32_t reverse_bits(std::uint32_t x) {
    x = ((x >> 1) & 0x55555555u) | ((x & 0x55555555u) << 1);
    x = ((x >> 2) & 0x33333333u) | ((x & 0x33333333u) << 2);
    x = ((x >> 4) & 0x0f0f0f0fu) | ((x & 0x0f0f0f0fu) << 4);
    x = ((x >> 8) & 0x00ff00ffu) | ((x & 0x00ff00ffu) << 8);
    return (x >> 16) | (x << 16);
}

/// Laine-Karras style hash (the improved constants of N. Vegdahl 2021, building on Burley 2020): each output bit
/// depends only on the same and lower input bits, so applied to bit-reversed values it is a nested uniform scramble.
std::uint32_t lk_hash(std::uint32_t x, std::uint32_t seed) {
    x ^= x * 0x3d20adeau;
    x += seed;
    x *= (seed >> 16) | 1u;
    x ^= x * 0x05526c56u;
    x ^= x * 0x53a22864u;
    return x;
}

std::uint32_t owen_scramble(std::uint32_t x, std::uint32_t seed) {
    return reverse_bits(lk_hash(reverse_bits(x), seed));
}

}  // namespace

int sobol_max_dimensions() { return static_cast<int>(Table::max_dimension); }

Eigen::MatrixXd sobol_points(std::int64_t n, int dimensions, std::uint64_t seed, bool scramble, std::int64_t first) {
    detail::require(n >= 0, "sobol_points: n must be >= 0, got " + std::to_string(n));
    detail::require(first >= 0, "sobol_points: first must be >= 0, got " + std::to_string(first));
    detail::require(dimensions >= 1 && dimensions <= sobol_max_dimensions(),
                    "sobol_points: dimensions must be in 1.." + std::to_string(sobol_max_dimensions()) + ", got " +
                        std::to_string(dimensions));
    detail::require(first + n <= (std::int64_t{1} << kBits),
                    "sobol_points: at most 2^32 points, asked for points up to " + std::to_string(first + n));
    const auto& v = directions();
    std::vector<std::uint32_t> dim_seed(static_cast<std::size_t>(dimensions));
    for (int d = 0; d < dimensions; ++d)
        dim_seed[static_cast<std::size_t>(d)] = static_cast<std::uint32_t>(detail::key_hash(seed, 0x50b0u, d) >> 32);
    Eigen::MatrixXd out(n, dimensions);
    // One dimension per task, on all threads (each writes its own column). Point `first` directly (the XOR of the
    // direction numbers of its set bits), then i -> i + 1 flips bits 0..t of i, t its trailing ones, so
    // x(i + 1) = x(i) ^ (v_0 ^ .. ^ v_t): the same values as the direct sum, one XOR per point.
    detail::parallel_for(dimensions, 0, [&](std::int64_t d_begin, std::int64_t d_end) {
        for (auto d = static_cast<int>(d_begin); d < d_end; ++d) {
            const auto& vd = v[static_cast<std::size_t>(d)];
            std::uint32_t flip[kBits];
            std::uint32_t acc = 0;
            for (int j = 0; j < kBits; ++j) flip[j] = acc ^= vd[static_cast<std::size_t>(j)];
            const std::uint32_t seed_d = dim_seed[static_cast<std::size_t>(d)];
            std::uint32_t x = 0;
            for (std::uint32_t b = static_cast<std::uint32_t>(first), j = 0; b != 0u; b >>= 1u, ++j)
                if (b & 1u) x ^= vd[j];
            double* col = out.col(d).data();
            for (std::int64_t r = 0; r < n; ++r) {
                const std::uint32_t y = scramble ? owen_scramble(x, seed_d) : x;
                col[r] = (static_cast<double>(y) + 0.5) * 0x1.0p-32;
                const auto i = static_cast<std::uint32_t>(first + r);
                if (r + 1 < n) x ^= flip[__builtin_ctz(~i)];  // trailing ones of i
            }
        }
    });
    return out;
}

}  // namespace socval::sensitivity
