/// Streaming summaries of the simulation's series (docs/model/simulation.md, "Per-year summaries").
#include "simulation_summary.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include <socval/errors.hpp>

namespace socval::engine::detail {

namespace {
constexpr double inf = std::numeric_limits<double>::infinity();
}

SeriesSummaries::SeriesSummaries(int series, int bins)
    : series_(series),
      bins_(bins),
      lo_(static_cast<std::size_t>(series), 0.0),
      inv_width_(static_cast<std::size_t>(series), 1.0),
      width_(static_cast<std::size_t>(series), 1.0),
      shift_(static_cast<std::size_t>(series), 0.0),
      mean_(static_cast<std::size_t>(series), 0.0),
      m2_(static_cast<std::size_t>(series), 0.0),
      min_(static_cast<std::size_t>(series), inf),
      max_(static_cast<std::size_t>(series), -inf),
      positive_(static_cast<std::size_t>(series), 0),
      histogram_(static_cast<std::size_t>(series) * static_cast<std::size_t>(bins + 2), 0) {}

void SeriesSummaries::begin_edges() {
    pilot_lo_.assign(static_cast<std::size_t>(series_), inf);
    pilot_hi_.assign(static_cast<std::size_t>(series_), -inf);
    pilot_sum_.assign(static_cast<std::size_t>(series_), 0.0);
}

void SeriesSummaries::add_edges(const double* const* x, std::size_t n) {
    for (std::size_t s = 0; s < static_cast<std::size_t>(series_); ++s) {
        const double* v = x[s];
        double lo = pilot_lo_[s], hi = pilot_hi_[s], sum = pilot_sum_[s];
        for (std::size_t d = 0; d < n; ++d) {
            lo = std::min(lo, v[d]);
            hi = std::max(hi, v[d]);
            sum += v[d];
        }
        pilot_lo_[s] = lo;
        pilot_hi_[s] = hi;
        pilot_sum_[s] = sum;
    }
}

void SeriesSummaries::finish_edges(std::size_t n) {
    for (int s = 0; s < series_; ++s) {
        const auto i = static_cast<std::size_t>(s);
        double lo = pilot_lo_[i], hi = pilot_hi_[i];
        shift_[i] = n ? pilot_sum_[i] / static_cast<double>(n) : 0.0;
        double r = hi - lo;
        if (!(r > 0) || !std::isfinite(r)) {  // constant pilot (or empty / non-finite): a small interval around it
            const double c = std::isfinite(lo) ? lo : 0.0;
            r = std::max(std::abs(c) * 1e-9, 1e-300);
            lo = c - r / 2;
            hi = c + r / 2;
        }
        lo_[i] = lo - r / 4;
        width_[i] = (hi + r / 4 - lo_[i]) / bins_;
        inv_width_[i] = 1.0 / width_[i];
        if (!std::isfinite(shift_[i])) shift_[i] = 0.0;
    }
    std::vector<double>().swap(pilot_lo_);
    std::vector<double>().swap(pilot_hi_);
    std::vector<double>().swap(pilot_sum_);
}

void SeriesSummaries::set_edges(const double* const* x, std::size_t n) {
    begin_edges();
    add_edges(x, n);
    finish_edges(n);
}

LocalCounts SeriesSummaries::make_local() const {
    LocalCounts l;
    const auto S = static_cast<std::size_t>(series_);
    l.min.assign(S, inf);
    l.max.assign(S, -inf);
    l.positive.assign(S, 0);
    // l.histogram and l.recent are allocated when first needed (LocalCounts): a thread that counts fewer than
    // 65,536 values per series (the default 1e5 quantile draws on two threads or more) never needs `histogram`.
    return l;
}

namespace {

// Eight accumulator lanes as one vector (GCC vector extension: one AVX-512 register, two AVX2 or four SSE2
// registers, per clone below). The compiler does not vectorise these reductions by itself because floating-point
// addition is not associative. Each lane adds its own values in draw order and the lanes are added in a fixed
// order, so results depend only on n: the same in every clone and whatever the thread count.
typedef double v8d __attribute__((vector_size(64)));
constexpr std::size_t kLanes = 8;

}  // namespace

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(SOCVAL_NO_CLONES)
#define SOCVAL_SUMMARY_KERNEL __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define SOCVAL_SUMMARY_KERNEL
#endif

/// Shifted sums (Chan, Golub & LeVeque 1983) of the whole chunks of 8 values of each series (x[s], shifted by
/// shift[s]), in 8 accumulator lanes per series carried in s1 / s2; extremes and counts of positive values per lane
/// in lo, hi, pos (8 each per series). One call for every series of a part: the lanes stay vectors (no reduction
/// per call) and the dispatch to the clone is paid once.
SOCVAL_SUMMARY_KERNEL void lane_sums(const double* const* x, std::size_t series, std::size_t whole, const double* shift,
                                     double* s1, double* s2, double* lo, double* hi, double* pos) {
    const v8d zero = v8d{}, one = zero + 1.0;
    for (std::size_t s = 0; s < series; ++s) {
        const double* v = x[s];
        const std::size_t at = s * kLanes;
        const v8d cc = v8d{} + shift[s];
        v8d a1, a2, w, mn, mx, ps;
        std::memcpy(&a1, s1 + at, sizeof a1);
        std::memcpy(&a2, s2 + at, sizeof a2);
        std::memcpy(&mn, lo + at, sizeof mn);
        std::memcpy(&mx, hi + at, sizeof mx);
        std::memcpy(&ps, pos + at, sizeof ps);  // counted in doubles (exact below 2^53; no mask conversion)
        for (std::size_t d = 0; d < whole; d += kLanes) {
            std::memcpy(&w, v + d, sizeof w);
            const v8d y = w - cc;
            a1 += y;
            a2 += y * y;
            mn = w < mn ? w : mn;
            mx = w > mx ? w : mx;
            ps += (w > zero) ? one : zero;
        }
        std::memcpy(s1 + at, &a1, sizeof a1);
        std::memcpy(s2 + at, &a2, sizeof a2);
        std::memcpy(lo + at, &mn, sizeof mn);
        std::memcpy(hi + at, &mx, sizeof mx);
        std::memcpy(pos + at, &ps, sizeof ps);
    }
}

/// Histogram counts of n values: bin 0 below lo (and NaN), 1..bins inside, bins + 1 at or above hi. The bins
/// of 8 values are computed together (vectorised), then counted.
SOCVAL_SUMMARY_KERNEL void count_bins(const double* v, std::size_t n, double lo, double iw, int bins,
                                      std::uint16_t* h) {
    const double top = static_cast<double>(bins);
    const std::int32_t over = bins + 1;
    std::int32_t b[kLanes];
    std::size_t d = 0;
    for (; d + kLanes <= n; d += kLanes) {
        for (std::size_t l = 0; l < kLanes; ++l) {
            const double t = (v[d + l] - lo) * iw;
            const double inside = t >= 0.0 && t < top ? t : 0.0;  // in range for the conversion
            const std::int32_t i = static_cast<std::int32_t>(inside) + 1;
            b[l] = t >= 0.0 ? (t < top ? i : over) : 0;
        }
        for (std::size_t l = 0; l < kLanes; ++l) ++h[b[l]];
    }
    for (; d < n; ++d) {
        const double t = (v[d] - lo) * iw;
        const std::size_t i = !(t >= 0.0) ? 0 : t >= top ? static_cast<std::size_t>(over) : static_cast<std::size_t>(t) + 1;
        ++h[i];
    }
}

/// count_bins() without the counting: the bin of each value (the same index), for counting later.
SOCVAL_SUMMARY_KERNEL void bin_indices(const double* v, std::size_t n, double lo, double iw, int bins,
                                       std::uint16_t* out) {
    const double top = static_cast<double>(bins);
    const std::int32_t over = bins + 1;
    for (std::size_t d = 0; d < n; ++d) {  // vectorised
        const double t = (v[d] - lo) * iw;
        const double inside = t >= 0.0 && t < top ? t : 0.0;  // in range for the conversion
        const std::int32_t i = static_cast<std::int32_t>(inside) + 1;
        out[d] = static_cast<std::uint16_t>(t >= 0.0 ? (t < top ? i : over) : 0);
    }
}

void SeriesSummaries::begin(BlockSums& sums) const {
    const std::size_t cells = static_cast<std::size_t>(series_) * kLanes;
    sums.s1.assign(cells, 0.0);
    sums.s2.assign(cells, 0.0);
    sums.lo.assign(cells, inf);
    sums.hi.assign(cells, -inf);
    sums.pos.assign(cells, 0.0);
}

void SeriesSummaries::add(const double* const* x, std::size_t n, BlockSums& sums, LocalCounts&) const {
    lane_sums(x, static_cast<std::size_t>(series_), n - n % kLanes, shift_.data(), sums.s1.data(), sums.s2.data(),
              sums.lo.data(), sums.hi.data(), sums.pos.data());
}

void SeriesSummaries::finish(const double* const* last, std::size_t n_last, std::size_t n, BlockSums& sums,
                             BlockMoments& out, LocalCounts& local) const {
    const auto S = static_cast<std::size_t>(series_);
    out.n = n;
    out.mean.resize(S);
    out.m2.resize(S);
    const double nd = static_cast<double>(n);
    const std::size_t whole = n_last - n_last % kLanes;
    lane_sums(last, S, whole, shift_.data(), sums.s1.data(), sums.s2.data(), sums.lo.data(), sums.hi.data(),
              sums.pos.data());
    for (std::size_t s = 0; s < S; ++s) {
        // mean = c + S1 / n, M2 = S2 - S1^2 / n with c the pilot mean; the lanes first, then the last values.
        const double* s1 = sums.s1.data() + s * kLanes;
        const double* s2 = sums.s2.data() + s * kLanes;
        const double c = shift_[s];
        double tlo = local.min[s], thi = local.max[s];
        std::uint64_t tp = 0;
        double t1 = 0, t2 = 0;
        for (std::size_t l = 0; l < kLanes; ++l) {
            t1 += s1[l];
            t2 += s2[l];
            tlo = std::min(tlo, sums.lo[s * kLanes + l]);
            thi = std::max(thi, sums.hi[s * kLanes + l]);
            tp += static_cast<std::uint64_t>(sums.pos[s * kLanes + l]);  // a whole number of values
        }
        const double* v = last[s];
        for (std::size_t d = whole; d < n_last; ++d) {
            const double w = v[d], y = w - c;
            t1 += y;
            t2 += y * y;
            tlo = w < tlo ? w : tlo;
            thi = w > thi ? w : thi;
            tp += w > 0.0;
        }
        out.mean[s] = c + t1 / nd;
        out.m2[s] = std::max(0.0, t2 - t1 * t1 / nd);
        local.min[s] = tlo;
        local.max[s] = thi;
        local.positive[s] += tp;
    }
}

void SeriesSummaries::block_stats(const double* const* x, std::size_t n, BlockMoments& out, LocalCounts& local) const {
    BlockSums sums;
    begin(sums);
    finish(x, n, n, sums, out, local);
}

namespace {
/// A thread's 16-bit counts added to its 32-bit ones (allocated now if need be), then zeroed.
void flush_recent(LocalCounts& local) {
    if (local.histogram.empty()) local.histogram.assign(local.recent.size(), 0);
    for (std::size_t i = 0; i < local.recent.size(); ++i) local.histogram[i] += local.recent[i];
    std::fill(local.recent.begin(), local.recent.end(), std::uint16_t{0});
    local.recent_values = 0;
}
}  // namespace

void SeriesSummaries::histogram(const double* const* x, std::size_t n, LocalCounts& local) const {
    const auto S = static_cast<std::size_t>(series_);
    const std::size_t row = static_cast<std::size_t>(bins_ + 2);
    if (local.recent.empty()) local.recent.assign(S * row, 0);
    if (row <= 65536) {  // bin now, count kPending values of a series at a time (LocalCounts::pending)
        if (local.pending.size() != S * kPending) local.pending.assign(S * kPending, 0);
        for (std::size_t done = 0; done < n;) {
            const std::size_t m = std::min(n - done, kPending - local.pending_values);
            for (std::size_t s = 0; s < S; ++s)
                bin_indices(x[s] + done, m, lo_[s], inv_width_[s], bins_,
                            local.pending.data() + s * kPending + local.pending_values);
            local.pending_values += static_cast<std::uint32_t>(m);
            done += m;
            if (local.pending_values == kPending) count_pending(local);
        }
        return;
    }
    if (local.recent_values + n > 65535) flush_recent(local);  // no 16-bit count may overflow
    for (std::size_t part = 0; part < n; part += 65535) {  // (a part of > 65,535 values: flush between chunks)
        const std::size_t m = std::min<std::size_t>(65535, n - part);
        if (part > 0) flush_recent(local);
        for (std::size_t s = 0; s < S; ++s)
            count_bins(x[s] + part, m, lo_[s], inv_width_[s], bins_, local.recent.data() + s * row);
        local.recent_values += static_cast<std::uint32_t>(m);
    }
}

void SeriesSummaries::count_pending(LocalCounts& local) const {
    const std::size_t row = static_cast<std::size_t>(bins_ + 2), k = local.pending_values;
    if (local.recent_values + k > 65535) flush_recent(local);  // no 16-bit count may overflow
    for (std::size_t s = 0; s < static_cast<std::size_t>(series_); ++s) {
        std::uint16_t* h = local.recent.data() + s * row;
        const std::uint16_t* b = local.pending.data() + s * kPending;
        for (std::size_t j = 0; j < k; ++j) ++h[b[j]];
    }
    local.recent_values += static_cast<std::uint32_t>(k);
    local.pending_values = 0;
}

void SeriesSummaries::merge_pending(const LocalCounts& local) {
    const std::size_t row = static_cast<std::size_t>(bins_ + 2);
    for (std::size_t s = 0; s < static_cast<std::size_t>(series_) && local.pending_values > 0; ++s) {
        std::uint32_t* h = histogram_.data() + s * row;
        const std::uint16_t* b = local.pending.data() + s * kPending;
        for (std::size_t j = 0; j < local.pending_values; ++j) ++h[b[j]];
    }
}

void SeriesSummaries::merge(const BlockMoments& block) {
    if (block.n == 0) return;
    const double na = static_cast<double>(n_), nb = static_cast<double>(block.n), nt = na + nb;
    for (std::size_t s = 0; s < static_cast<std::size_t>(series_); ++s) {
        const double delta = block.mean[s] - mean_[s];
        mean_[s] += delta * (nb / nt);
        m2_[s] += block.m2[s] + delta * delta * (na * nb / nt);
    }
    n_ += block.n;
}

void SeriesSummaries::merge(const LocalCounts& local) {
    for (std::size_t s = 0; s < static_cast<std::size_t>(series_); ++s) {
        min_[s] = std::min(min_[s], local.min[s]);
        max_[s] = std::max(max_[s], local.max[s]);
        positive_[s] += local.positive[s];
    }
    for (std::size_t i = 0; i < local.histogram.size(); ++i) histogram_[i] += local.histogram[i];
    for (std::size_t i = 0; i < local.recent.size(); ++i) histogram_[i] += local.recent[i];
    merge_pending(local);
}

void SeriesSummaries::merge_histogram(LocalCounts& local) {
    for (std::size_t i = 0; i < local.histogram.size(); ++i) histogram_[i] += local.histogram[i];
    for (std::size_t i = 0; i < local.recent.size(); ++i) histogram_[i] += local.recent[i];
    merge_pending(local);
    std::vector<std::uint32_t>().swap(local.histogram);
    std::vector<std::uint16_t>().swap(local.recent);
    std::vector<std::uint16_t>().swap(local.pending);
    local.recent_values = 0;
    local.pending_values = 0;
}

void ByteWriter::u64(std::uint64_t v) {
    for (int i = 0; i < 8; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

void ByteWriter::f64(double v) {
    std::uint64_t u;
    std::memcpy(&u, &v, sizeof u);
    u64(u);
}

std::uint64_t ByteReader::u64() {
    need(1, 8);
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= static_cast<std::uint64_t>(p_[at_ + static_cast<std::size_t>(i)]) << (8 * i);
    at_ += 8;
    return v;
}

double ByteReader::f64() {
    const std::uint64_t u = u64();
    double v;
    std::memcpy(&v, &u, sizeof v);
    return v;
}

void ByteReader::need(std::uint64_t count, std::size_t width) {
    if (count > (n_ - at_) / width)
        fail("expected " + std::to_string(count * width) + " more bytes at byte " + std::to_string(at_) + ", found " +
             std::to_string(n_ - at_));
}

void ByteReader::fail(const std::string& message) const {
    throw SamplingError(what_ + ": " + message + " (not a whole part or checkpoint of this socval version)");
}

namespace {
template <class T>
void load_same(ByteReader& r, std::vector<T>& into, const char* name) {
    std::vector<T> v = r.template array<T>();
    if (v.size() != into.size())
        r.fail(std::string(name) + ": expected " + std::to_string(into.size()) + " values, found " +
               std::to_string(v.size()));
    into.swap(v);
}
}  // namespace

void SeriesSummaries::save_edges(ByteWriter& w) const {
    w.array(lo_);
    w.array(inv_width_);
    w.array(width_);
    w.array(shift_);
}

void SeriesSummaries::load_edges(ByteReader& r) {
    load_same(r, lo_, "edges");
    load_same(r, inv_width_, "edges");
    load_same(r, width_, "edges");
    load_same(r, shift_, "edges");
}

void SeriesSummaries::save_counts(ByteWriter& w) const {
    w.array(min_);
    w.array(max_);
    w.array(positive_);
    // Histograms count only the first quantile_draws draws: a part past them has none to send (an empty array).
    const bool none = std::all_of(histogram_.begin(), histogram_.end(), [](std::uint32_t c) { return c == 0; });
    w.array(none ? std::vector<std::uint32_t>() : histogram_);
}

void SeriesSummaries::add_counts(ByteReader& r) {
    LocalCounts l = make_local();
    load_same(r, l.min, "minima");
    load_same(r, l.max, "maxima");
    load_same(r, l.positive, "positive counts");
    std::vector<std::uint32_t> h = r.array<std::uint32_t>();
    if (!h.empty()) {  // empty: no value counted (a part past the quantile draws)
        if (h.size() != histogram_.size())
            r.fail("histograms: expected " + std::to_string(histogram_.size()) + " counts, found " +
                   std::to_string(h.size()));
        l.histogram.swap(h);
    }
    merge(l);
}

void SeriesSummaries::save_moments(ByteWriter& w) const {
    w.u64(n_);
    w.array(mean_);
    w.array(m2_);
}

void SeriesSummaries::load_moments(ByteReader& r) {
    n_ = r.u64();
    load_same(r, mean_, "means");
    load_same(r, m2_, "moments");
}

double SeriesSummaries::sd(int s) const {
    return n_ < 2 ? 0.0 : std::sqrt(m2_[static_cast<std::size_t>(s)] / static_cast<double>(n_ - 1));
}

double SeriesSummaries::p_positive(int s) const {
    return n_ ? static_cast<double>(positive_[static_cast<std::size_t>(s)]) / static_cast<double>(n_)
              : std::numeric_limits<double>::quiet_NaN();
}

double SeriesSummaries::quantile(int s, double q) const {
    const auto i = static_cast<std::size_t>(s);
    const std::size_t row = static_cast<std::size_t>(bins_ + 2);
    const std::uint32_t* h = histogram_.data() + i * row;
    std::uint64_t total = 0;
    for (std::size_t b = 0; b < row; ++b) total += h[b];
    if (total == 0) return std::numeric_limits<double>::quiet_NaN();
    if (q <= 0) return min_[i];
    if (q >= 1) return max_[i];
    const double target = q * static_cast<double>(total);
    double cum = 0;
    for (std::size_t b = 0; b < row; ++b) {
        const double c = static_cast<double>(h[b]);
        if (c > 0 && cum + c >= target) {
            double left, right;
            if (b == 0) {
                left = min_[i];
                right = lo_[i];
            } else if (b == row - 1) {
                left = lo_[i] + width_[i] * bins_;
                right = max_[i];
            } else {
                left = lo_[i] + width_[i] * static_cast<double>(b - 1);
                right = left + width_[i];
            }
            const double x = left + (right - left) * ((target - cum) / c);
            return std::clamp(x, min_[i], max_[i]);
        }
        cum += c;
    }
    return max_[i];
}

}  // namespace socval::engine::detail
