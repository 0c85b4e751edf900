// SPDX-License-Identifier: Apache-2.0
#include "json/DoubleText.hpp"

#include <cstdint>
#include <cstring>
#include <vector>

// Rare paths: optimise them for size in the WebAssembly build (clang), whatever the -O level.
#ifdef __clang__
#define TCCC_JSON_SMALL __attribute__((minsize))
#else
#define TCCC_JSON_SMALL
#endif

namespace tccc::json::detail {
namespace {

// Unsigned big integer, little-endian 32-bit words: just the operations the conversions need.
class BigUint {
 public:
  explicit BigUint(std::uint64_t v = 0) {
    while (v != 0) {
      mWords.push_back(static_cast<std::uint32_t>(v));
      v >>= 32;
    }
  }

  void mulSmall(std::uint32_t m) {
    std::uint64_t carry = 0;
    for (auto& w : mWords) {
      std::uint64_t t = static_cast<std::uint64_t>(w) * m + carry;
      w = static_cast<std::uint32_t>(t);
      carry = t >> 32;
    }
    if (carry != 0) mWords.push_back(static_cast<std::uint32_t>(carry));
    trim();  // m == 0 leaves zero words, and compare() relies on there being no leading zeros
  }

  void addSmall(std::uint32_t a) {
    std::uint64_t carry = a;
    for (std::size_t i = 0; carry != 0; ++i) {
      if (i == mWords.size()) mWords.push_back(0);
      std::uint64_t t = static_cast<std::uint64_t>(mWords[i]) + carry;
      mWords[i] = static_cast<std::uint32_t>(t);
      carry = t >> 32;
    }
  }

  void mulPow5(long k) {
    for (; k >= 13; k -= 13) mulSmall(1220703125u);  // 5^13
    std::uint32_t p = 1;
    for (; k > 0; --k) p *= 5;
    mulSmall(p);
  }

  // *this *= m, for m < 2^64.
  void mulU64(std::uint64_t m) {
    BigUint high = *this;
    mulSmall(static_cast<std::uint32_t>(m));
    high.mulSmall(static_cast<std::uint32_t>(m >> 32));
    high.shiftLeft(32);
    add(high);
  }

  void add(const BigUint& o) {
    if (mWords.size() < o.mWords.size()) mWords.resize(o.mWords.size(), 0);
    std::uint64_t carry = 0;
    for (std::size_t i = 0; i < mWords.size(); ++i) {
      std::uint64_t t = static_cast<std::uint64_t>(mWords[i]) + (i < o.mWords.size() ? o.mWords[i] : 0) + carry;
      mWords[i] = static_cast<std::uint32_t>(t);
      carry = t >> 32;
    }
    if (carry != 0) mWords.push_back(static_cast<std::uint32_t>(carry));
  }

  void shiftLeft(long bits) {
    if (mWords.empty() || bits <= 0) return;
    const std::size_t words = static_cast<std::size_t>(bits / 32);
    const unsigned rest = static_cast<unsigned>(bits % 32);
    if (rest != 0) {
      std::uint32_t carry = 0;
      for (auto& w : mWords) {
        std::uint32_t next = w >> (32 - rest);
        w = (w << rest) | carry;
        carry = next;
      }
      if (carry != 0) mWords.push_back(carry);
    }
    mWords.insert(mWords.begin(), words, 0u);
  }

  // *this /= d; returns the remainder.
  std::uint32_t divSmall(std::uint32_t d) {
    std::uint64_t rem = 0;
    for (std::size_t i = mWords.size(); i-- > 0;) {
      std::uint64_t cur = (rem << 32) | mWords[i];
      mWords[i] = static_cast<std::uint32_t>(cur / d);
      rem = cur % d;
    }
    trim();
    return static_cast<std::uint32_t>(rem);
  }

  bool isZero() const { return mWords.empty(); }

  static int compare(const BigUint& a, const BigUint& b) {
    if (a.mWords.size() != b.mWords.size()) return a.mWords.size() < b.mWords.size() ? -1 : 1;
    for (std::size_t i = a.mWords.size(); i-- > 0;)
      if (a.mWords[i] != b.mWords[i]) return a.mWords[i] < b.mWords[i] ? -1 : 1;
    return 0;
  }

 private:
  void trim() {
    while (!mWords.empty() && mWords.back() == 0) mWords.pop_back();
  }
  std::vector<std::uint32_t> mWords;
};

std::uint64_t bitsOf(double d) {
  std::uint64_t b;
  std::memcpy(&b, &d, sizeof b);
  return b;
}

double doubleOf(std::uint64_t b) {
  double d;
  std::memcpy(&d, &b, sizeof d);
  return d;
}

// A positive finite double's bit pattern as mantissa x 2^exponent.
void decompose(std::uint64_t bits, std::uint64_t& mantissa, long& exponent) {
  const std::uint64_t field = bits >> 52;
  mantissa = bits & ((1ULL << 52) - 1);
  if (field == 0) {
    exponent = -1074;
  } else {
    mantissa |= 1ULL << 52;
    exponent = static_cast<long>(field) - 1075;
  }
}

constexpr std::uint64_t kInfinityBits = 0x7FF0000000000000ULL;

// The decimal value A/B x 2^E (A = digits x 5^e or digits, B = 5^-e or 1, E = e) compared with
// M x 2^F, exactly.
struct ExactDecimal {
  BigUint a, b;
  long e = 0;

  TCCC_JSON_SMALL int compare(std::uint64_t m, long f) const {
    BigUint lhs = a;
    BigUint rhs = b;
    rhs.mulU64(m);
    if (e >= f)
      lhs.shiftLeft(e - f);
    else
      rhs.shiftLeft(f - e);
    return BigUint::compare(lhs, rhs);
  }
  int compareBits(std::uint64_t bits) const {
    std::uint64_t m;
    long f;
    decompose(bits, m, f);
    return compare(m, f);
  }
};

}  // namespace

TCCC_JSON_SMALL bool decimalToDouble(std::string_view digits, long exponent, double& out) {
  std::size_t first = 0;
  while (first < digits.size() && digits[first] == '0') ++first;
  std::size_t last = digits.size();
  while (last > first && digits[last - 1] == '0') {
    --last;
    ++exponent;
  }
  if (first == last) {
    out = 0.0;
    return true;
  }
  // 768 significant digits decide any rounding; further digits only matter as "something nonzero
  // follows", which one extra 1 preserves (the last kept digit cannot be a trailing zero here).
  constexpr std::size_t kKeep = 780;
  std::string_view d = digits.substr(first, last - first);
  std::string sticky;
  if (d.size() > kKeep) {
    exponent += static_cast<long>(d.size() - kKeep);
    sticky.assign(d.substr(0, kKeep - 1));
    sticky += '1';
    d = sticky;
  }
  const long magnitude = static_cast<long>(d.size()) + exponent;  // value < 10^magnitude
  if (magnitude > 310) return false;                              // > 1e309: overflow
  if (magnitude < -330) {                                         // < 1e-330: rounds to 0
    out = 0.0;
    return true;
  }

  ExactDecimal value;
  for (std::size_t i = 0; i < d.size(); i += 9) {
    std::uint32_t chunk = 0, scale = 1;
    for (std::size_t j = i; j < d.size() && j < i + 9; ++j) {
      chunk = chunk * 10 + static_cast<std::uint32_t>(d[j] - '0');
      scale *= 10;
    }
    value.a.mulSmall(scale);
    value.a.addSmall(chunk);
  }
  value.b = BigUint(1);
  if (exponent >= 0)
    value.a.mulPow5(exponent);
  else
    value.b.mulPow5(-exponent);
  value.e = exponent;

  // Positive doubles are ordered like their bit patterns: binary search for the largest one that
  // is <= the value, then round against the midpoint to its successor.
  std::uint64_t lo = 0, hi = kInfinityBits;  // invariant: bits(lo) <= value < bits(hi)
  while (hi - lo > 1) {
    std::uint64_t mid = lo + (hi - lo) / 2;
    if (value.compareBits(mid) >= 0)
      lo = mid;
    else
      hi = mid;
  }
  std::uint64_t m1, m2;
  long e1, e2;
  decompose(lo, m1, e1);
  if (hi == kInfinityBits) {
    m2 = 1ULL << 53;  // 2^1024, the first value that is no longer finite
    e2 = 971;
  } else {
    decompose(hi, m2, e2);
  }
  const long e0 = e1 < e2 ? e1 : e2;
  const std::uint64_t midMantissa = (m1 << (e1 - e0)) + (m2 << (e2 - e0));  // midpoint x 2^(1-e0)
  const int c = value.compare(midMantissa, e0 - 1);
  std::uint64_t bits = (c < 0 || (c == 0 && (lo & 1) == 0)) ? lo : hi;
  if (bits == kInfinityBits) return false;
  out = doubleOf(bits);
  return true;
}

TCCC_JSON_SMALL void shortestDigits(double value, std::string& digits, int& exponent) {
  std::uint64_t m;
  long e;
  const std::uint64_t bits = bitsOf(value);
  decompose(bits, m, e);
  // The exact decimal expansion: m x 2^e = (m << e), or (m x 5^-e) x 10^e.
  BigUint n(m);
  long x = 0;
  if (e >= 0) {
    n.shiftLeft(e);
  } else {
    n.mulPow5(-e);
    x = e;
  }
  std::string exact;
  while (!n.isZero()) {
    std::uint32_t chunk = n.divSmall(1000000000u);
    for (int k = 0; k < 9; ++k) {
      exact += static_cast<char>('0' + chunk % 10);
      chunk /= 10;
    }
  }
  while (!exact.empty() && exact.back() == '0') exact.pop_back();
  std::string forward(exact.rbegin(), exact.rend());  // most significant digit first

  // The fewest significant digits, correctly rounded, that convert back to the same double.
  for (std::size_t p = 1; p < forward.size() && p <= 17; ++p) {
    std::string candidate = forward.substr(0, p);
    bool up = forward[p] > '5' || (forward[p] == '5' && (forward.find_first_not_of('0', p + 1) != std::string::npos ||
                                                         ((candidate.back() - '0') & 1) != 0));
    long candidateExp = x + static_cast<long>(forward.size() - p);
    if (up) {
      std::size_t i = p;
      while (i > 0 && candidate[i - 1] == '9') candidate[--i] = '0';
      if (i == 0) {
        candidate.insert(candidate.begin(), '1');
        candidate.pop_back();
        ++candidateExp;
      } else {
        ++candidate[i - 1];
      }
    }
    double back;
    if (decimalToDouble(candidate, candidateExp, back) && bitsOf(back) == bits) {
      while (candidate.size() > 1 && candidate.back() == '0') {
        candidate.pop_back();
        ++candidateExp;
      }
      digits = candidate;
      exponent = static_cast<int>(candidateExp);
      return;
    }
  }
  // The exact expansion itself (it has at most 17 significant digits when the loop got here).
  while (forward.size() > 1 && forward.back() == '0') {
    forward.pop_back();
    ++x;
  }
  digits = forward;
  exponent = static_cast<int>(x);
}

}  // namespace tccc::json::detail
