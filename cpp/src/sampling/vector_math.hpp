#pragma once
/// Private to the sampling area: exp and log written with plain arithmetic and integer bit operations, so that
/// g++ vectorises loops over them (glibc's exp / log are only vectorised under -ffast-math), and so that their
/// results are the same on every platform and C library. Algorithms of fdlibm (Sun Microsystems 1993, e_exp.c and
/// e_log.c; the same in musl and FreeBSD libm): error below 1 ulp. Sources and tests: docs/model/sampling.md.
#include <cstddef>
#include <cstdint>
#include <cstring>

/// Compile a block kernel twice, for baseline x86-64 (SSE2) and for AVX2 (4 doubles per vector instead of 2), and
/// pick one at load time (GCC function multiversioning). AVX2 does not imply FMA and the area is built with
/// -ffp-contract=off, so both versions give the same bits (IEEE add, mul, div, sqrt are correctly rounded).
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__) && !defined(SOCVAL_NO_CLONES)
#define SOCVAL_VECTOR_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define SOCVAL_VECTOR_CLONES
#endif

namespace socval::detail {

inline std::uint64_t to_bits(double x) {
    std::uint64_t b;
    std::memcpy(&b, &x, sizeof b);
    return b;
}

inline double from_bits(std::uint64_t b) {
    double x;
    std::memcpy(&x, &b, sizeof x);
    return x;
}

/// ln 2 split into a high part with 32 trailing zero bits (k ln2_hi is exact for |k| < 2^20) and the rest.
constexpr double kLn2Hi = 6.93147180369123816490e-01, kLn2Lo = 1.90821492927058770002e-10;

/// Natural logarithm for a positive normal finite x (fdlibm e_log.c without the special cases): x = 2^k (1 + f)
/// with 1 + f in [sqrt(2)/2, sqrt(2)), s = f / (2 + f), log(1 + f) = f - f^2/2 + s (f^2/2 + R(s^2)) with the
/// Remez polynomial R of degree 7 in s^2 (Lg1..Lg7). Zero, subnormal, negative, inf and NaN inputs are the
/// caller's business.
inline double log_core(double x) {
    // Shift the mantissa range so that the exponent field counts from sqrt(2)/2 (0x3fe6a09e... in the high word).
    std::uint64_t ix = to_bits(x) + (std::uint64_t{0x3ff00000 - 0x3fe6a09e} << 32);
    const std::uint64_t kbiased = ix >> 52;  // k + 1023
    ix = (ix & 0x000fffffffffffffULL) + (std::uint64_t{0x3fe6a09e} << 32);
    const double f = from_bits(ix) - 1.0;
    // k as a double without an int -> double conversion (none vectorises before AVX-512): 2^52 + k + 1023 - ...
    const double k = from_bits(0x4330000000000000ULL | kbiased) - (4503599627370496.0 + 1023.0);
    const double hfsq = 0.5 * f * f, s = f / (2.0 + f), z = s * s, w = z * z;
    const double t1 = w * (3.999999999940941908e-01 + w * (2.222219843214978396e-01 + w * 1.531383769920937332e-01));
    const double t2 = z * (6.666666666666735130e-01 +
                           w * (2.857142874366239149e-01 + w * (1.818357216161805012e-01 + w * 1.479819860511658591e-01)));
    const double r = t2 + t1;
    return s * (hfsq + r) + k * kLn2Lo - hfsq + f + k * kLn2Hi;
}

/// e^x for |x| <= 708 (fdlibm e_exp.c without the special cases): x = k ln 2 + r, |r| <= ln(2)/2, k = round(x /
/// ln 2) (round-half-even through the 1.5 * 2^52 shifter), e^r = 1 + r + r c / (2 - c) with
/// c = r - r^2 P(r^2) (Remez, degree 5 in r^2), and 2^k assembled in the exponent bits. Outside |x| <= 708 the
/// result is wrong: callers fall back to std::exp there.
inline double exp_core(double x) {
    constexpr double shifter = 6755399441055744.0;  // 1.5 * 2^52: adding it rounds x / ln 2 to an integer
    const double kd_shifted = x * 1.44269504088896338700e+00 + shifter;
    const std::uint64_t kbits = to_bits(kd_shifted) - to_bits(shifter);  // k in two's complement
    const double kd = kd_shifted - shifter;
    const double hi = x - kd * kLn2Hi, lo = kd * kLn2Lo, r = hi - lo, t = r * r;
    const double c = r - t * (1.66666666666666019037e-01 +
                              t * (-2.77777777770155933842e-03 +
                                   t * (6.61375632143793436117e-05 +
                                        t * (-1.65339022054652515390e-06 + t * 4.13813679705723846039e-08))));
    const double y = 1.0 - ((lo - (r * c) / (2.0 - c)) - hi);
    return y * from_bits((kbits + 1023) << 52);
}

/// AS241 PPND16 (Wichura 1988), central region |q| <= 0.425, q = p - 1/2: q A(r) / B(r), r = 0.180625 - q^2.
inline double as241_central(double q) {
    const double r = 0.180625 - q * q;
    return q *
           (((((((r * 2509.0809287301226727 + 33430.575583588128105) * r + 67265.770927008700853) * r +
                45921.953931549871457) * r + 13731.693765509461125) * r + 1971.5909503065514427) * r +
             133.14166789178437745) * r + 3.387132872796366608) /
           (((((((r * 5226.495278852545925 + 28729.085735721942674) * r + 39307.89580009271061) * r +
                21213.794301586595867) * r + 5394.1960214247511077) * r + 687.1870074920579083) * r +
             42.313330701600911252) * r + 1.0);
}

/// AS241 near tail, s = sqrt(-ln(min(p, 1 - p))) <= 5: C(s - 1.6) / D(s - 1.6) (the magnitude of the quantile).
inline double as241_near(double s) {
    const double r = s - 1.6;
    return (((((((r * 7.7454501427834140764e-4 + .0227238449892691845833) * r + .24178072517745061177) * r +
               1.27045825245236838258) * r + 3.64784832476320460504) * r + 5.7694972214606914055) * r +
             4.6303378461565452959) * r + 1.42343711074968357734) /
           (((((((r * 1.05075007164441684324e-9 + 5.475938084995344946e-4) * r + .0151986665636164571966) * r +
               .14810397642748007459) * r + .68976733498510000455) * r + 1.6763848301838038494) * r +
             2.05319162663775882187) * r + 1.0);
}

/// AS241 far tail, s > 5: E(s - 5) / F(s - 5).
inline double as241_far(double s) {
    const double r = s - 5.0;
    return (((((((r * 2.01033439929228813265e-7 + 2.71155556874348757815e-5) * r + .0012426609473880784386) * r +
               .026532189526576123093) * r + .29656057182850489123) * r + 1.7848265399172913358) * r +
             5.4637849111641143699) * r + 6.6579046435011037772) /
           (((((((r * 2.04426310338993978564e-15 + 1.4215117583164458887e-7) * r + 1.8463183175100546818e-5) * r +
               7.868691311456132591e-4) * r + .0148753612908506148525) * r + .13692988092273580531) * r +
             .59983220655588793769) * r + 1.0);
}

/// Block forms (x may alias u). Each x[i] depends only on u[i] and equals the scalar function's result bit for
/// bit, whatever n and the position of i in the block.
/// z[i] = normal_quantile(u[i]).
void normal_quantile_block(const double* u, double* z, std::size_t n);
/// x[i] = e^(x[i]): exp_core where |x| <= 708, std::exp elsewhere.
void exp_block(double* x, std::size_t n);
/// The scalar rule of exp_block.
double exp_value(double x);

}  // namespace socval::detail
