// SPDX-License-Identifier: Apache-2.0
#include "json/LiteJson.hpp"

#include "json/DoubleText.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace tccc::json {

// Paths that real frames rarely take (escapes, non-ASCII, floats, unsorted keys, pretty output):
// kept out of line so that -O3 inlining in the hot parse/dump loops does not copy them around.
#ifdef __clang__
#define TCCC_JSON_COLD __attribute__((noinline, cold, minsize))
#else
#define TCCC_JSON_COLD __attribute__((noinline, cold))
#endif
// Paths that are taken, but whose bulk is in the standard library's containers: built for size.
#ifdef __clang__
#define TCCC_JSON_SMALL __attribute__((noinline, minsize))
#else
#define TCCC_JSON_SMALL __attribute__((noinline))
#endif

// --- lifetime ------------------------------------------------------------------------------------

Value::Value(value_t type) : mType(type) {
  switch (type) {
    case value_t::object:
      new (&mU.o) Object();
      break;
    case value_t::array:
      new (&mU.a) Array();
      break;
    case value_t::string:
      new (&mU.s) std::string();
      break;
    case value_t::binary:
      mType = value_t::null;
      mU.i = 0;
      break;  // binary is not supported
    default:
      mU.i = 0;
      break;
  }
}

Value::Value(std::initializer_list<Value> init) {
  // nlohmann's rule: a list of [string, value] pairs is an object, anything else an array.
  bool isObject = true;
  for (const Value& v : init) {
    if (!v.is_array() || v.mU.a.size() != 2 || !v.mU.a[0].is_string()) {
      isObject = false;
      break;
    }
  }
  if (isObject) {
    mType = value_t::object;
    new (&mU.o) Object();
    mU.o.reserve(init.size());
    for (const Value& v : init) (*this)[v.mU.a[0].mU.s] = v.mU.a[1];
  } else {
    mType = value_t::array;
    new (&mU.a) Array(init.begin(), init.end());
  }
}

Value Value::array(std::initializer_list<Value> init) {
  Value v(value_t::array);
  v.mU.a.assign(init.begin(), init.end());
  return v;
}

Value::Value(const Value& other) : mType(other.mType) {
  switch (mType) {
    case value_t::object:
      new (&mU.o) Object(other.mU.o);
      break;
    case value_t::array:
      new (&mU.a) Array(other.mU.a);
      break;
    case value_t::string:
      new (&mU.s) std::string(other.mU.s);
      break;
    default:
      mU.u = other.mU.u;
      break;  // every scalar fits in the 64-bit member
  }
}

Value::Value(Value&& other) noexcept : mType(other.mType) {
  switch (mType) {
    case value_t::object:
      new (&mU.o) Object(std::move(other.mU.o));
      break;
    case value_t::array:
      new (&mU.a) Array(std::move(other.mU.a));
      break;
    case value_t::string:
      new (&mU.s) std::string(std::move(other.mU.s));
      break;
    default:
      mU.u = other.mU.u;
      break;
  }
  // Like nlohmann, a moved-from value is null.
  other.destroy();
  other.mType = value_t::null;
  other.mU.i = 0;
}

Value& Value::operator=(const Value& other) {
  if (this != &other) {
    Value copy(other);  // copy first: `other` may live inside *this
    *this = std::move(copy);
  }
  return *this;
}

Value& Value::operator=(Value&& other) noexcept {
  if (this != &other) {
    // Move `other` out before destroying *this, which may own it (j = std::move(j["x"])).
    Value tmp(std::move(other));
    destroy();
    mType = tmp.mType;
    switch (mType) {
      case value_t::object:
        new (&mU.o) Object(std::move(tmp.mU.o));
        break;
      case value_t::array:
        new (&mU.a) Array(std::move(tmp.mU.a));
        break;
      case value_t::string:
        new (&mU.s) std::string(std::move(tmp.mU.s));
        break;
      default:
        mU.u = tmp.mU.u;
        break;
    }
  }
  return *this;
}

void Value::destroy() noexcept {
  switch (mType) {
    case value_t::object:
      mU.o.~Object();
      break;
    case value_t::array:
      mU.a.~Array();
      break;
    case value_t::string:
      mU.s.~basic_string();
      break;
    default:
      break;
  }
}

const Value& Value::nullValue() {
  static const Value kNull;
  return kNull;
}

const std::string& Value::emptyString() {
  static const std::string kEmpty;
  return kEmpty;
}

// --- containers ----------------------------------------------------------------------------------

std::size_t Value::lowerBound(const Object& o, std::string_view key) noexcept {
  std::size_t lo = 0, hi = o.size();
  while (lo < hi) {
    std::size_t mid = (lo + hi) / 2;
    if (std::string_view(o[mid].first) < key)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

const Value* Value::findMember(std::string_view key) const noexcept {
  if (!is_object()) return nullptr;
  std::size_t i = lowerBound(mU.o, key);
  return (i < mU.o.size() && mU.o[i].first == key) ? &mU.o[i].second : nullptr;
}

void Value::becomeObjectIfNull() {
  if (mType == value_t::null) {
    mType = value_t::object;
    new (&mU.o) Object();
  }
}

Value& Value::operator[](std::string_view key) {
  std::size_t i = 0;
  if (is_object()) {
    i = lowerBound(mU.o, key);
    if (i < mU.o.size() && mU.o[i].first == key) return mU.o[i].second;
  }
  return addMember(key, i);
}

// A key operator[] did not find, to insert at `i`. Not vector::insert, which -O3 inlined with its
// reallocating variant into operator[] (1.8 KB, the JSON library's largest function after the
// parser): an append, which shares the parser's growth path, then a shift by Member's move
// assignment, the moves insert makes. Same speed (bench/core-wasm.mjs; bindings/CMakeLists.txt).
TCCC_JSON_SMALL Value& Value::addMember(std::string_view key, std::size_t i) {
  if (!is_object()) {
    // null becomes an object, as in nlohmann. nlohmann throws for anything else; replacing a
    // scalar by an object is the least surprising non-throwing behaviour and keeps the write.
    *this = Value(value_t::object);
    i = 0;
  }
  Object& o = mU.o;
  // The key is copied before the vector moves: it may be a view of one of this object's keys.
  Member added{std::string(key), Value()};
  o.push_back(Member{});
  for (std::size_t j = o.size() - 1; j > i; --j) o[j] = std::move(o[j - 1]);
  o[i] = std::move(added);
  return o[i].second;
}

const Value& Value::operator[](std::string_view key) const {
  const Value* v = findMember(key);
  return v ? *v : nullValue();
}

Value& Value::operator[](size_type idx) {
  if (mType == value_t::null) {
    mType = value_t::array;
    new (&mU.a) Array();
  }
  if (!is_array()) *this = Value(value_t::array);
  if (idx >= mU.a.size()) mU.a.resize(idx + 1);
  return mU.a[idx];
}

const Value& Value::operator[](size_type idx) const {
  return (is_array() && idx < mU.a.size()) ? mU.a[idx] : nullValue();
}

Value::size_type Value::erase(std::string_view key) {
  if (!is_object()) return 0;
  std::size_t i = lowerBound(mU.o, key);
  if (i == mU.o.size() || mU.o[i].first != key) return 0;
  mU.o.erase(mU.o.begin() + i);
  return 1;
}

Value::iterator Value::erase(const_iterator pos) {
  if (pos.owner() != this || pos.index() >= size()) return end();
  if (is_array())
    mU.a.erase(mU.a.begin() + pos.index());
  else if (is_object())
    mU.o.erase(mU.o.begin() + pos.index());
  else
    *this = Value();  // nlohmann: erasing a primitive's only "element" leaves null
  return iterator(this, pos.index());
}

void Value::push_back(Value v) {
  if (mType == value_t::null) {
    mType = value_t::array;
    new (&mU.a) Array();
  }
  if (is_array()) {
    mU.a.push_back(std::move(v));
  } else if (is_object() && v.is_array() && v.mU.a.size() == 2 && v.mU.a[0].is_string()) {
    (*this)[v.mU.a[0].mU.s] = std::move(v.mU.a[1]);  // nlohmann accepts a [key, value] pair
  }
}

void Value::push_back(const Member& member) {
  becomeObjectIfNull();
  if (is_object()) (*this)[member.first] = member.second;
}

void Value::clear() noexcept {
  switch (mType) {
    case value_t::object:
      mU.o.clear();
      break;
    case value_t::array:
      mU.a.clear();
      break;
    case value_t::string:
      mU.s.clear();
      break;
    case value_t::boolean:
      mU.b = false;
      break;
    case value_t::number_integer:
      mU.i = 0;
      break;
    case value_t::number_unsigned:
      mU.u = 0;
      break;
    case value_t::number_float:
      mU.d = 0.0;
      break;
    default:
      break;
  }
}

// --- comparison (nlohmann's rules) ---------------------------------------------------------------

bool operator==(const Value& a, const Value& b) noexcept {
  using T = Value::value_t;
  if (a.mType == T::discarded || b.mType == T::discarded) return false;
  if (a.mType == b.mType) {
    switch (a.mType) {
      case T::null:
        return true;
      case T::boolean:
        return a.mU.b == b.mU.b;
      case T::number_integer:
        return a.mU.i == b.mU.i;
      case T::number_unsigned:
        return a.mU.u == b.mU.u;
      case T::number_float:
        return a.mU.d == b.mU.d;
      case T::string:
        return a.mU.s == b.mU.s;
      case T::array:
        return a.mU.a == b.mU.a;
      case T::object: {
        if (a.mU.o.size() != b.mU.o.size()) return false;
        for (std::size_t i = 0; i < a.mU.o.size(); ++i)
          if (a.mU.o[i].first != b.mU.o[i].first || !(a.mU.o[i].second == b.mU.o[i].second)) return false;
        return true;
      }
      default:
        return false;
    }
  }
  auto asDouble = [](const Value& v) {
    return v.mType == T::number_integer    ? static_cast<double>(v.mU.i)
           : v.mType == T::number_unsigned ? static_cast<double>(v.mU.u)
                                           : v.mU.d;
  };
  if (a.is_number() && b.is_number()) {
    if (a.mType == T::number_float || b.mType == T::number_float) return asDouble(a) == asDouble(b);
    // One signed, one unsigned: nlohmann compares them as signed.
    std::int64_t x = a.mType == T::number_integer ? a.mU.i : static_cast<std::int64_t>(a.mU.u);
    std::int64_t y = b.mType == T::number_integer ? b.mU.i : static_cast<std::int64_t>(b.mU.u);
    return x == y;
  }
  return false;
}

// --- parsing -------------------------------------------------------------------------------------

namespace {

constexpr double kPow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                             1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

int hexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

TCCC_JSON_COLD void appendUtf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Length of the well-formed UTF-8 sequence at p (RFC 3629 ranges: no overlongs, no surrogates,
// nothing above U+10FFFF), or, when it is ill-formed, -(number of bytes that belong to the bad
// maximal prefix), at least 1. The caller replaces that prefix by one U+FFFD (dump) or fails (parse).
TCCC_JSON_COLD int utf8Sequence(const unsigned char* p, const unsigned char* end) {
  unsigned char c = p[0];
  if (c < 0x80) return 1;
  int n;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (c >= 0xC2 && c <= 0xDF)
    n = 2;
  else if (c == 0xE0) {
    n = 3;
    lo = 0xA0;
  } else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF)
    n = 3;
  else if (c == 0xED) {
    n = 3;
    hi = 0x9F;
  } else if (c == 0xF0) {
    n = 4;
    lo = 0x90;
  } else if (c >= 0xF1 && c <= 0xF3)
    n = 4;
  else if (c == 0xF4) {
    n = 4;
    hi = 0x8F;
  } else
    return -1;
  for (int k = 1; k < n; ++k) {
    if (p + k >= end) return -k;
    unsigned char b = p[k];
    if (k == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF)) return -k;
  }
  return n;
}

}  // namespace

class Parser {
 public:
  Parser(const char* p, const char* end) : mP(p), mEnd(end) {}

  bool document(Value& out) {
    skipWs();
    if (!value(out, 0)) return false;
    skipWs();
    return mP == mEnd;
  }

 private:
  void skipWs() {
    while (mP < mEnd && (*mP == ' ' || *mP == '\n' || *mP == '\r' || *mP == '\t')) ++mP;
  }

  bool literal(const char* word, std::size_t n) {
    if (static_cast<std::size_t>(mEnd - mP) < n || std::memcmp(mP, word, n) != 0) return false;
    mP += n;
    return true;
  }

  bool value(Value& out, int depth) {
    if (mP >= mEnd) return false;
    switch (*mP) {
      case '{':
        return object(out, depth + 1);
      case '[':
        return array(out, depth + 1);
      case '"':
        out = Value(Value::value_t::string);
        return string(out.mU.s);
      case 't':
        if (!literal("true", 4)) return false;
        out = Value(true);
        return true;
      case 'f':
        if (!literal("false", 5)) return false;
        out = Value(false);
        return true;
      case 'n':
        if (!literal("null", 4)) return false;
        out = Value();
        return true;
      default:
        return number(out);
    }
  }

  bool object(Value& out, int depth) {
    if (depth > Value::kMaxParseDepth) return false;
    ++mP;  // '{'
    out = Value(Value::value_t::object);
    Value::Object& members = out.mU.o;
    skipWs();
    if (mP < mEnd && *mP == '}') {
      ++mP;
      return true;
    }
    bool sorted = true;
    for (;;) {
      skipWs();
      if (mP >= mEnd || *mP != '"') return false;
      members.push_back(Member{});
      Member& m = members.back();
      if (!string(m.first)) return false;
      skipWs();
      if (mP >= mEnd || *mP != ':') return false;
      ++mP;
      skipWs();
      if (!value(m.second, depth)) return false;
      if (sorted && members.size() > 1 && !(members[members.size() - 2].first < m.first)) sorted = false;
      skipWs();
      if (mP >= mEnd) return false;
      if (*mP == ',') {
        ++mP;
        continue;
      }
      if (*mP != '}') return false;
      ++mP;
      break;
    }
    if (!sorted) normalise(members);
    return true;
  }

  // Sorts the members by key; of duplicate keys the last one wins (as with nlohmann).
  TCCC_JSON_COLD static void normalise(Value::Object& members) {
    // A bottom-up merge sort: stable (so "last wins" below holds), O(n log n) even for a hostile
    // frame with thousands of keys, and a fraction of std::stable_sort's code in WebAssembly.
    const std::size_t n = members.size();
    Value::Object buffer(n);
    for (std::size_t width = 1; width < n; width *= 2) {
      for (std::size_t lo = 0; lo < n; lo += 2 * width) {
        std::size_t mid = std::min(lo + width, n), hi = std::min(lo + 2 * width, n);
        std::size_t i = lo, j = mid, k = lo;
        while (i < mid && j < hi)
          buffer[k++] = std::move(members[j].first < members[i].first ? members[j++] : members[i++]);
        while (i < mid) buffer[k++] = std::move(members[i++]);
        while (j < hi) buffer[k++] = std::move(members[j++]);
      }
      members.swap(buffer);
    }
    std::size_t w = 0;
    for (std::size_t r = 0; r < members.size(); ++r) {
      if (r + 1 < members.size() && members[r + 1].first == members[r].first) continue;
      if (w != r) members[w] = std::move(members[r]);
      ++w;
    }
    members.resize(w);
  }

  bool array(Value& out, int depth) {
    if (depth > Value::kMaxParseDepth) return false;
    ++mP;  // '['
    out = Value(Value::value_t::array);
    Value::Array& items = out.mU.a;
    skipWs();
    if (mP < mEnd && *mP == ']') {
      ++mP;
      return true;
    }
    for (;;) {
      skipWs();
      items.emplace_back();
      if (!value(items.back(), depth)) return false;
      skipWs();
      if (mP >= mEnd) return false;
      if (*mP == ',') {
        ++mP;
        continue;
      }
      if (*mP != ']') return false;
      ++mP;
      return true;
    }
  }

  bool hex4(std::uint32_t& cp) {
    if (mEnd - mP < 4) return false;
    cp = 0;
    for (int k = 0; k < 4; ++k) {
      int h = hexDigit(mP[k]);
      if (h < 0) return false;
      cp = (cp << 4) | static_cast<std::uint32_t>(h);
    }
    mP += 4;
    return true;
  }

  bool string(std::string& out) {
    ++mP;  // '"'
    for (;;) {
      // Copy the longest run of bytes that need no attention in one go.
      const char* run = mP;
      while (mP < mEnd) {
        unsigned char c = static_cast<unsigned char>(*mP);
        if (c < 0x20 || c == '"' || c == '\\' || c >= 0x80) break;
        ++mP;
      }
      out.append(run, static_cast<std::size_t>(mP - run));
      if (mP >= mEnd) return false;
      unsigned char c = static_cast<unsigned char>(*mP);
      if (c == '"') {
        ++mP;
        return true;
      }
      if (c < 0x20) return false;  // raw control characters must be escaped
      if (c >= 0x80) {
        int n = utf8Sequence(reinterpret_cast<const unsigned char*>(mP), reinterpret_cast<const unsigned char*>(mEnd));
        if (n < 0) return false;
        out.append(mP, static_cast<std::size_t>(n));
        mP += n;
        continue;
      }
      if (!escape(out)) return false;
    }
  }

  // One escape sequence after a backslash (mP at the backslash).
  TCCC_JSON_COLD bool escape(std::string& out) {
    if (++mP >= mEnd) return false;
    char e = *mP++;
    switch (e) {
      case '"':
        out += '"';
        break;
      case '\\':
        out += '\\';
        break;
      case '/':
        out += '/';
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case 'u': {
        std::uint32_t cp;
        if (!hex4(cp)) return false;
        if (cp >= 0xDC00 && cp <= 0xDFFF) return false;  // a lone low surrogate
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          std::uint32_t low;
          if (mEnd - mP < 2 || mP[0] != '\\' || mP[1] != 'u') return false;
          mP += 2;
          if (!hex4(low) || low < 0xDC00 || low > 0xDFFF) return false;
          cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
        }
        appendUtf8(out, cp);
        break;
      }
      default:
        return false;
    }
    return true;
  }

  bool number(Value& out) {
    const char* start = mP;
    bool negative = false;
    if (mP < mEnd && *mP == '-') {
      negative = true;
      ++mP;
    }
    if (mP >= mEnd || *mP < '0' || *mP > '9') return false;
    std::uint64_t mantissa = 0;
    bool overflow = false;  // the integer does not fit in 64 bits
    if (*mP == '0') {
      ++mP;
    } else {
      while (mP < mEnd && *mP >= '0' && *mP <= '9') {
        unsigned d = static_cast<unsigned>(*mP - '0');
        if (!overflow && mantissa <= (UINT64_MAX - d) / 10) {
          mantissa = mantissa * 10 + d;
        } else {
          overflow = true;
        }
        ++mP;
      }
    }
    bool isFloat = false;
    long fractionExp = 0;  // -(fraction digits folded into mantissa)
    if (mP < mEnd && *mP == '.') {
      isFloat = true;
      ++mP;
      if (mP >= mEnd || *mP < '0' || *mP > '9') return false;
      while (mP < mEnd && *mP >= '0' && *mP <= '9') {
        if (!overflow && mantissa <= (UINT64_MAX - 9) / 10) {
          mantissa = mantissa * 10 + static_cast<unsigned>(*mP - '0');
          --fractionExp;
        } else {
          overflow = true;
        }
        ++mP;
      }
    }
    long explicitExp = 0;
    if (mP < mEnd && (*mP == 'e' || *mP == 'E')) {
      isFloat = true;
      ++mP;
      bool expNegative = false;
      if (mP < mEnd && (*mP == '+' || *mP == '-')) expNegative = *mP++ == '-';
      if (mP >= mEnd || *mP < '0' || *mP > '9') return false;
      while (mP < mEnd && *mP >= '0' && *mP <= '9') {
        if (explicitExp < 100000000) explicitExp = explicitExp * 10 + (*mP - '0');  // saturates
        ++mP;
      }
      if (expNegative) explicitExp = -explicitExp;
    }
    if (!isFloat && !overflow) {
      if (!negative) {
        out = Value(mantissa);
        return true;
      }
      if (mantissa <= static_cast<std::uint64_t>(INT64_MAX) + 1) {
        out = Value(static_cast<std::int64_t>(0 - mantissa));  // two's complement: -2^63 is exact
        return true;
      }
    }
    return floatNumber(out, start, negative, mantissa, overflow, fractionExp, explicitExp);
  }

  // The non-integer part of number(): [start, mP) is a valid JSON number; when !overflow its
  // value is mantissa x 10^(fractionExp + explicitExp).
  TCCC_JSON_COLD bool floatNumber(Value& out, const char* start, bool negative, std::uint64_t mantissa, bool overflow,
                                  long fractionExp, long explicitExp) {
    const long exponent10 = fractionExp + explicitExp;
    // Clinger's fast path: an exactly representable mantissa times an exact power of ten is
    // correctly rounded by one IEEE operation.
    if (!overflow && mantissa <= (1ULL << 53) && exponent10 >= -22 && exponent10 <= 22) {
      double d = static_cast<double>(mantissa);
      d = exponent10 < 0 ? d / kPow10[-exponent10] : d * kPow10[exponent10];
      out = Value(negative ? -d : d);
      return true;
    }
    // Rare: long mantissas, big exponents, integers beyond 64 bits. Like nlohmann, a number that
    // overflows the double range (1e400) is an error; underflow to zero is not.
    std::string digits;
    long exponent = explicitExp;  // lowered by one per fraction digit below
    bool inFraction = false;
    for (const char* q = start; q < mP && *q != 'e' && *q != 'E'; ++q) {
      if (*q == '.') {
        inFraction = true;
      } else if (*q != '-') {
        digits += *q;
        if (inFraction) --exponent;
      }
    }
    double d;
    if (!detail::decimalToDouble(digits, exponent, d)) return false;
    out = Value(negative ? -d : d);
    return true;
  }

  const char* mP;
  const char* mEnd;
};

Value Value::parse(const char* first, const char* last, std::nullptr_t, bool) {
  Value out;
  Parser parser(first, last);
  if (first == nullptr || !parser.document(out)) return Value(value_t::discarded);
  return out;
}

// --- output --------------------------------------------------------------------------------------

namespace {

void appendUnsigned(std::string& out, std::uint64_t v) {
  char buf[20];
  int n = 0;
  do {
    buf[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  while (n > 0) out += buf[--n];
}

void appendEscaped(std::string& out, const std::string& s) {
  static const char kHex[] = "0123456789abcdef";
  out += '"';
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  while (p < end) {
    const auto* run = p;
    while (p < end && *p >= 0x20 && *p < 0x80 && *p != '"' && *p != '\\') ++p;
    out.append(reinterpret_cast<const char*>(run), static_cast<std::size_t>(p - run));
    if (p >= end) break;
    unsigned char c = *p;
    if (c >= 0x80) {
      int n = utf8Sequence(p, end);
      if (n > 0) {
        out.append(reinterpret_cast<const char*>(p), static_cast<std::size_t>(n));
        p += n;
      } else {
        // nlohmann's error_handler_t::replace: one U+FFFD for the ill-formed prefix; the byte that
        // broke a sequence is read again as the start of the next one.
        out += "\xEF\xBF\xBD";
        p += -n;
      }
      continue;
    }
    ++p;
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 0xF];
        break;
    }
  }
  out += '"';
}

// nlohmann's layout of a double given its shortest digits and decimal exponent
// (value = digits x 10^exp): plain notation for exponents -4 < n <= 15, else d.ddde+XX.
void appendFormatted(std::string& out, const std::string& digits, int exp) {
  const int k = static_cast<int>(digits.size());
  const int n = k + exp;
  if (k <= n && n <= 15) {
    out += digits;
    out.append(static_cast<std::size_t>(n - k), '0');
    out += ".0";
  } else if (0 < n && n <= 15) {
    out.append(digits, 0, static_cast<std::size_t>(n));
    out += '.';
    out.append(digits, static_cast<std::size_t>(n), std::string::npos);
  } else if (-4 < n && n <= 0) {
    out += "0.";
    out.append(static_cast<std::size_t>(-n), '0');
    out += digits;
  } else {
    out += digits[0];
    if (k > 1) {
      out += '.';
      out.append(digits, 1, std::string::npos);
    }
    out += 'e';
    int e = n - 1;
    out += e < 0 ? '-' : '+';
    if (e < 0) e = -e;
    if (e < 10) out += '0';
    appendUnsigned(out, static_cast<std::uint64_t>(e));
  }
}

TCCC_JSON_COLD void appendDouble(std::string& out, double d) {
  if (!std::isfinite(d)) {
    out += "null";  // JSON has no NaN or infinity; nlohmann writes null
    return;
  }
  if (std::signbit(d)) {
    out += '-';
    d = -d;
  }
  if (d == 0) {
    out += "0.0";
    return;
  }
  std::string digits;
  int exp = 0;
  if (d < 9007199254740992.0 && d == std::floor(d)) {
    // Integral and exact: its digits without trailing zeros are the shortest round trip.
    appendUnsigned(digits, static_cast<std::uint64_t>(d));
    while (digits.size() > 1 && digits.back() == '0') {
      digits.pop_back();
      ++exp;
    }
  } else {
    // Rare (fractions, huge or tiny magnitudes): exact shortest round-trip digits.
    detail::shortestDigits(d, digits, exp);
  }
  appendFormatted(out, digits, exp);
}

TCCC_JSON_COLD void newline(std::string& out, int indent, char indentChar, int level) {
  out += '\n';
  out.append(static_cast<std::size_t>(indent) * static_cast<std::size_t>(level), indentChar);
}

void write(std::string& out, const Value& v, int indent, char indentChar, int level) {
  using T = Value::value_t;
  switch (v.type()) {
    case T::null:
    case T::discarded:  // nlohmann writes "<discarded>"; null keeps the output valid JSON
    case T::binary:
      out += "null";
      return;
    case T::boolean:
      out += v.get<bool>() ? "true" : "false";
      return;
    case T::number_integer: {
      std::int64_t i = v.get<std::int64_t>();
      if (i < 0) {
        out += '-';
        appendUnsigned(out, 0 - static_cast<std::uint64_t>(i));
      } else {
        appendUnsigned(out, static_cast<std::uint64_t>(i));
      }
      return;
    }
    case T::number_unsigned:
      appendUnsigned(out, v.get<std::uint64_t>());
      return;
    case T::number_float:
      appendDouble(out, v.get<double>());
      return;
    case T::string:
      appendEscaped(out, v.get_ref<const std::string&>());
      return;
    case T::array: {
      const auto& a = *v.arrayPtr();
      if (a.empty()) {
        out += "[]";
        return;
      }
      out += '[';
      for (std::size_t i = 0; i < a.size(); ++i) {
        if (i) out += ',';
        if (indent >= 0) newline(out, indent, indentChar, level + 1);
        write(out, a[i], indent, indentChar, level + 1);
      }
      if (indent >= 0) newline(out, indent, indentChar, level);
      out += ']';
      return;
    }
    case T::object: {
      const auto& o = *v.objectPtr();
      if (o.empty()) {
        out += "{}";
        return;
      }
      out += '{';
      for (std::size_t i = 0; i < o.size(); ++i) {
        if (i) out += ',';
        if (indent >= 0) newline(out, indent, indentChar, level + 1);
        appendEscaped(out, o[i].first);
        out += indent >= 0 ? ": " : ":";
        write(out, o[i].second, indent, indentChar, level + 1);
      }
      if (indent >= 0) newline(out, indent, indentChar, level);
      out += '}';
      return;
    }
  }
}

}  // namespace

void Value::dumpTo(std::string& out, int indent, char indentChar) const { write(out, *this, indent, indentChar, 0); }

std::string Value::dump(int indent, char indentChar, bool, error_handler_t) const {
  std::string out;
  dumpTo(out, indent, indentChar);
  return out;
}

}  // namespace tccc::json
