// SPDX-License-Identifier: Apache-2.0
// Correctly rounded decimal <-> double conversion for the lite JSON, without libc's strtod and
// printf: in the WebAssembly build those two (and the 128-bit long double arithmetic they pull in)
// were about 20 KB of code for numbers the core almost never sees. The common cases stay on fast
// paths in LiteJson.cpp (integers, Clinger's exact multiply); these exact big-integer routines
// handle the rest and trade speed for size.
#ifndef TCCC_JSON_DOUBLETEXT_HPP
#define TCCC_JSON_DOUBLETEXT_HPP

#include <string>
#include <string_view>

namespace tccc::json::detail {

/// The double nearest to digits x 10^exponent (ties to even). `digits` holds only '0'-'9' (leading
/// zeros allowed). Returns false when the value overflows the double range; underflow gives 0.
bool decimalToDouble(std::string_view digits, long exponent, double& out);

/// The shortest decimal digits (no leading or trailing zeros) that read back as `value`, which must
/// be finite and positive: value == digits x 10^exponent after rounding.
void shortestDigits(double value, std::string& digits, int& exponent);

}  // namespace tccc::json::detail

#endif
