/// SHA-256 known answers. Sources: FIPS 180-2 Appendix B (B.1 "abc", B.2 the 448-bit message, B.3 one million
/// 'a'); the empty message and the padding-boundary lengths were computed with Python's hashlib.sha256
/// (CPython 3.11, OpenSSL), e.g. hashlib.sha256(b"a" * 55).hexdigest().
#include <catch2/catch.hpp>

#include <socval/io/sha256.hpp>

#include <string>

using socval::io::sha256_hex;

TEST_CASE("sha256 matches the FIPS 180-2 examples", "[io][sha256]") {
    CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq") ==
          "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    CHECK(sha256_hex(std::string(1000000, 'a')) ==
          "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("sha256 of the empty message and at every padding boundary", "[io][sha256]") {
    CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    // 55 bytes: padding fits one block; 56: needs a second block; 63, 64, 65: around the block size.
    CHECK(sha256_hex(std::string(55, 'a')) == "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
    CHECK(sha256_hex(std::string(56, 'a')) == "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
    CHECK(sha256_hex(std::string(63, 'a')) == "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34");
    CHECK(sha256_hex(std::string(64, 'a')) == "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
    CHECK(sha256_hex(std::string(65, 'a')) == "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0");
    CHECK(sha256_hex(std::string(119, 'a')) == "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb");
    CHECK(sha256_hex(std::string(120, 'a')) == "2f3d335432c70b580af0e8e1b3674a7c020d683aa5f73aaaedfdc55af904c21c");
}

TEST_CASE("sha256 hashes the UTF-8 bytes", "[io][sha256]") {
    // hashlib.sha256("Wellbeing £13,000 per WELLBY".encode()).hexdigest()
    CHECK(sha256_hex("Wellbeing \xc2\xa3" "13,000 per WELLBY") ==
          "87882fc9bfe06109ecd0c7060fd79644384ce484bfbee8ba7ad7551c27ff1948");
}
