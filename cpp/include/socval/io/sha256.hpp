#pragma once
/// SHA-256 (FIPS 180-4), used to fingerprint the scenario text stored in a results file.
/// A small self-contained implementation: the project links no cryptography library and needs none beyond this.
#include <string>

namespace socval::io {

/// SHA-256 of the bytes of `data`, as 64 lowercase hexadecimal digits.
std::string sha256_hex(const std::string& data);

}  // namespace socval::io
