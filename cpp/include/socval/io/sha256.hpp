#pragma once
/// SHA-256 (FIPS 180-4), used to fingerprint the scenario text stored in a results file.
/// A small self-contained implementation: the project links no cryptography library and needs none beyond this.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

namespace socval::io {

/// SHA-256 of the bytes of `data`, as 64 lowercase hexadecimal digits.
std::string sha256_hex(const std::string& data);

/// SHA-256 computed piece by piece (data streamed in several updates gives the same digest as in one).
class Sha256 {
public:
    Sha256();
    /// Add `n` bytes at `data`.
    void update(const void* data, std::size_t n);
    void update(const std::string& s) { update(s.data(), s.size()); }
    /// The digest of everything added, as 64 lowercase hexadecimal digits (the object is then spent).
    std::string hex();

private:
    std::array<std::uint32_t, 8> h_;
    std::array<unsigned char, 64> buffer_{};
    std::size_t buffered_ = 0;
    std::uint64_t length_ = 0;
};

}  // namespace socval::io
