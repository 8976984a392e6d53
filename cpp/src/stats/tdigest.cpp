/// Merging t-digest (Dunning & Ertl 2019, "Computing extremely accurate quantiles using t-digests", arXiv
/// 1902.04023), scale function k1, deterministic compaction.
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "socval/stats.hpp"

namespace socval {

namespace {
constexpr double kPi = 3.14159265358979323846;
}

QuantileSketch::QuantileSketch(double compression) : delta_(compression < 20.0 ? 20.0 : compression) {}

void QuantileSketch::push(double mean, double weight) {
    buf_means_.push_back(mean);
    buf_weights_.push_back(weight);
    if (static_cast<double>(buf_means_.size() + values_.size()) >= 10.0 * delta_) compress();
}

void QuantileSketch::add(double x) {
    if (std::isnan(x)) return;
    if (x < min_) min_ = x;
    if (x > max_) max_ = x;
    values_.push_back(x);  // unit weight: kept apart so that compress() sorts plain doubles
    if (static_cast<double>(buf_means_.size() + values_.size()) >= 10.0 * delta_) compress();
}

void QuantileSketch::add_block(const double* x, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) add(x[i]);
}

void QuantileSketch::merge(const QuantileSketch& other) {
    if (other.min_ < min_) min_ = other.min_;
    if (other.max_ > max_) max_ = other.max_;
    for (std::size_t i = 0; i < other.means_.size(); ++i) push(other.means_[i], other.weights_[i]);
    for (std::size_t i = 0; i < other.buf_means_.size(); ++i) push(other.buf_means_[i], other.buf_weights_[i]);
    for (double v : other.values_) push(v, 1.0);
}

void QuantileSketch::compress() {
    if (buf_means_.empty() && values_.empty()) return;
    // Sorted runs: the current centroids (already sorted), the buffered centroids, the unit-weight values.
    std::vector<std::pair<double, double>> cents;
    cents.reserve(means_.size() + buf_means_.size());
    for (std::size_t i = 0; i < means_.size(); ++i) cents.emplace_back(means_[i], weights_[i]);
    for (std::size_t i = 0; i < buf_means_.size(); ++i) cents.emplace_back(buf_means_[i], buf_weights_[i]);
    std::sort(cents.begin(), cents.end());  // equal (mean, weight) pairs are interchangeable: result unique
    std::sort(values_.begin(), values_.end());
    std::vector<std::pair<double, double>> all;
    all.reserve(cents.size() + values_.size());
    std::size_t a = 0, b = 0;
    while (a < cents.size() || b < values_.size()) {
        if (b == values_.size() || (a < cents.size() && cents[a] < std::make_pair(values_[b], 1.0))) all.push_back(cents[a++]);
        else all.emplace_back(values_[b++], 1.0);
    }
    buf_means_.clear();
    buf_weights_.clear();
    values_.clear();
    double total = 0.0;
    for (const auto& c : all) total += c.second;
    // k1 scale: a merged centroid may span at most one unit of k(q) = delta / (2 pi) asin(2q - 1).
    const double d = delta_;
    auto k = [d](double q) { return d / (2.0 * kPi) * std::asin(2.0 * q - 1.0); };
    auto k_inv = [d](double kv) { return 0.5 * (std::sin(kv * 2.0 * kPi / d) + 1.0); };
    means_.clear();
    weights_.clear();
    double so_far = 0.0;
    double limit = total * k_inv(k(0.0) + 1.0);
    double cur_mean = all[0].first, cur_w = all[0].second;
    for (std::size_t i = 1; i < all.size(); ++i) {
        const double m = all[i].first, w = all[i].second;
        if (so_far + cur_w + w <= limit) {
            cur_w += w;
            cur_mean += (m - cur_mean) * w / cur_w;
        } else {
            so_far += cur_w;
            means_.push_back(cur_mean);
            weights_.push_back(cur_w);
            limit = total * k_inv(std::min(k(so_far / total) + 1.0, d / 4.0));
            cur_mean = m;
            cur_w = w;
        }
    }
    means_.push_back(cur_mean);
    weights_.push_back(cur_w);
}

double QuantileSketch::count() const {
    return std::accumulate(weights_.begin(), weights_.end(), 0.0) +
           std::accumulate(buf_weights_.begin(), buf_weights_.end(), 0.0) + static_cast<double>(values_.size());
}

double QuantileSketch::quantile(double q) const {
    if (!(q >= 0.0 && q <= 1.0) || size() == 0) return std::numeric_limits<double>::quiet_NaN();
    if (!buf_means_.empty() || !values_.empty()) {  // answer from a compressed copy: the sketch's own state does not change
        QuantileSketch copy = *this;
        copy.compress();
        return copy.quantile(q);
    }
    if (q == 0.0) return min_;
    if (q == 1.0) return max_;
    const std::size_t n = means_.size();
    const double total = std::accumulate(weights_.begin(), weights_.end(), 0.0);
    const double t = q * total;
    if (n == 1) return min_ + q * (max_ - min_);
    // Centroid i is centred at cumulative weight c_i = sum_{j<i} w_j + w_i / 2; interpolate between centres,
    // and between the extremes and the first / last centre.
    double cum = 0.0;
    if (t < weights_[0] / 2.0) return min_ + (means_[0] - min_) * t / (weights_[0] / 2.0);
    for (std::size_t i = 0; i + 1 < n; ++i) {
        const double left = cum + weights_[i] / 2.0;
        const double right = cum + weights_[i] + weights_[i + 1] / 2.0;
        if (t <= right) {
            const double f = (t - left) / (right - left);
            return means_[i] + f * (means_[i + 1] - means_[i]);
        }
        cum += weights_[i];
    }
    const double last_centre = total - weights_[n - 1] / 2.0;
    const double f = (t - last_centre) / (weights_[n - 1] / 2.0);
    return means_[n - 1] + std::min(f, 1.0) * (max_ - means_[n - 1]);
}

double QuantileSketch::cdf(double x) const {
    if (size() == 0 || std::isnan(x)) return std::numeric_limits<double>::quiet_NaN();
    if (x < min_) return 0.0;
    if (x >= max_) return 1.0;
    // Invert quantile() by bisection on q (monotone): 60 halvings reach double resolution in q.
    double lo = 0.0, hi = 1.0;
    for (int i = 0; i < 60; ++i) {
        const double mid = 0.5 * (lo + hi);
        if (quantile(mid) <= x) lo = mid; else hi = mid;
    }
    return lo;
}

}  // namespace socval
