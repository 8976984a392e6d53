/// Mergeable running moments (Welford 1962; Chan, Golub & LeVeque 1979).
#include <cmath>

#include "socval/stats.hpp"

namespace socval {

void RunningMoments::add(double x) {
    ++n_;
    const double delta = x - mean_;
    mean_ += delta / static_cast<double>(n_);
    m2_ += delta * (x - mean_);
    if (x < min_) min_ = x;
    if (x > max_) max_ = x;
}

void RunningMoments::add_block(const double* x, std::size_t n) {
    if (n == 0) return;
    // Two passes over the block (exact mean, then centred sum of squares), then one pairwise merge.
    RunningMoments block;
    double sum = 0.0, lo = x[0], hi = x[0];
    for (std::size_t i = 0; i < n; ++i) {
        sum += x[i];
        lo = x[i] < lo ? x[i] : lo;
        hi = x[i] > hi ? x[i] : hi;
    }
    const double mean = sum / static_cast<double>(n);
    double m2 = 0.0;
    for (std::size_t i = 0; i < n; ++i) m2 += (x[i] - mean) * (x[i] - mean);
    block.n_ = n;
    block.mean_ = mean;
    block.m2_ = m2;
    block.min_ = lo;
    block.max_ = hi;
    merge(block);
}

void RunningMoments::merge(const RunningMoments& other) {
    if (other.n_ == 0) return;
    if (n_ == 0) {
        *this = other;
        return;
    }
    const double na = static_cast<double>(n_), nb = static_cast<double>(other.n_), n = na + nb;
    const double delta = other.mean_ - mean_;
    mean_ += delta * nb / n;
    m2_ += other.m2_ + delta * delta * na * nb / n;
    n_ += other.n_;
    if (other.min_ < min_) min_ = other.min_;
    if (other.max_ > max_) max_ = other.max_;
}

double RunningMoments::variance() const { return n_ < 2 ? 0.0 : m2_ / static_cast<double>(n_ - 1); }

double RunningMoments::sd() const { return std::sqrt(variance()); }

}  // namespace socval
