// SPDX-License-Identifier: Apache-2.0
// tccc::json::Value: a compact JSON value for the browser (WebAssembly) build of the SDK core.
//
// Why: nlohmann_json was over half of the wasm code and most of its run time (std::map objects,
// many small allocations, strtod/snprintf from libc). This type offers exactly the subset of the
// nlohmann API that src/protocol, src/core and bindings/ use, with the same observable behaviour:
//   - numbers are int64 / uint64 / double like nlohmann (a parsed non-negative integer is unsigned,
//     integers beyond 64 bits become doubles), compared across kinds the way nlohmann compares them;
//   - objects keep their keys sorted (nlohmann's std::map), so dump() output is byte-identical and a
//     duplicate key in parsed text keeps the last value (one exception: for the ~0.1% of doubles
//     where nlohmann's Grisu2 misses the shortest or closest digits, this prints those, which read
//     back as the same double; see LiteJsonNumbers.RandomDoublesRoundTripAndMatchNlohmann);
//   - `{{"k", v}, ...}` builds an object when every element is a two-element array with a string
//     first, otherwise an array (nlohmann's rule);
//   - dump() is compact, escapes control characters and replaces invalid UTF-8 with U+FFFD.
// It never throws: where nlohmann would throw (a type mismatch, a missing key in at(), invalid
// text), reads yield a null / zero / empty value and parse yields a discarded value.
#ifndef TCCC_JSON_LITEJSON_HPP
#define TCCC_JSON_LITEJSON_HPP

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <iosfwd>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace tccc::json {

struct Member;

class Value {
 public:
  enum class value_t : std::uint8_t {
    null,
    object,
    array,
    string,
    boolean,
    number_integer,
    number_unsigned,
    number_float,
    binary,  // never produced; present so that code written against nlohmann compiles
    discarded
  };
  // nlohmann's dump() error handler; this type always replaces invalid UTF-8 (it never throws).
  enum class error_handler_t : std::uint8_t { strict, replace, ignore };

  using Array = std::vector<Value>;
  using Object = std::vector<Member>;  // sorted by key, unique keys
  using size_type = std::size_t;

  template <bool Const>
  class Iter;
  using iterator = Iter<false>;
  using const_iterator = Iter<true>;

  // --- construction ---
  Value() noexcept : mType(value_t::null) { mU.i = 0; }
  Value(std::nullptr_t) noexcept : Value() {}
  Value(value_t type);
  Value(bool b) noexcept : mType(value_t::boolean) { mU.b = b; }
  template <typename T,
            std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool> && !std::is_same_v<T, char>, int> = 0>
  Value(T n) noexcept {
    if constexpr (std::is_signed_v<T>) {
      mType = value_t::number_integer;
      mU.i = static_cast<std::int64_t>(n);
    } else {
      mType = value_t::number_unsigned;
      mU.u = static_cast<std::uint64_t>(n);
    }
  }
  template <typename T, std::enable_if_t<std::is_floating_point_v<T>, int> = 0>
  Value(T d) noexcept : mType(value_t::number_float) {
    mU.d = static_cast<double>(d);
  }
  Value(const char* s) : Value(std::string_view(s)) {}
  Value(std::string_view s) : mType(value_t::string) { new (&mU.s) std::string(s); }
  Value(const std::string& s) : mType(value_t::string) { new (&mU.s) std::string(s); }
  Value(std::string&& s) noexcept : mType(value_t::string) { new (&mU.s) std::string(std::move(s)); }
  Value(std::initializer_list<Value> init);
  template <typename T, typename = decltype(Value(std::declval<const T&>()))>
  Value(const std::vector<T>& items) : Value(value_t::array) {
    mU.a.reserve(items.size());
    for (const auto& item : items) mU.a.emplace_back(item);
  }

  Value(const Value& other);
  Value(Value&& other) noexcept;
  Value& operator=(const Value& other);
  Value& operator=(Value&& other) noexcept;
  ~Value() { destroy(); }

  static Value object() { return Value(value_t::object); }
  static Value array() { return Value(value_t::array); }
  static Value array(std::initializer_list<Value> init);

  // --- parsing and output ---
  /// Strict RFC 8259 parse of [first, last). Never throws: invalid text (or nesting deeper than
  /// kMaxParseDepth) yields a discarded value. The callback and exception flag exist for
  /// source compatibility with nlohmann and are ignored.
  static Value parse(const char* first, const char* last, std::nullptr_t = nullptr, bool = true);
  template <typename It>
  static Value parse(It first, It last, std::nullptr_t cb = nullptr, bool allow = true) {
    if (first == last) return Value(value_t::discarded);
    return parse(&*first, &*first + (last - first), cb, allow);
  }
  static Value parse(std::string_view text, std::nullptr_t cb = nullptr, bool allow = true) {
    return parse(text.data(), text.data() + text.size(), cb, allow);
  }
  static Value parse(const std::string& text, std::nullptr_t cb = nullptr, bool allow = true) {
    return parse(std::string_view(text), cb, allow);
  }
  static Value parse(const char* text, std::nullptr_t cb = nullptr, bool allow = true) {
    return parse(std::string_view(text), cb, allow);
  }
  /// The parser is recursive; this bounds its stack use whatever the caller checked before (the
  /// wasm build has a 64 KB stack; protocol::parseJson already refuses more than 32 levels).
  static constexpr int kMaxParseDepth = 128;

  /// Compact (indent < 0) or pretty output. ensure_ascii is not supported (output is UTF-8);
  /// invalid UTF-8 in strings is always replaced by U+FFFD, whatever the handler.
  std::string dump(int indent = -1, char indentChar = ' ', bool ensureAscii = false,
                   error_handler_t handler = error_handler_t::strict) const;
  void dumpTo(std::string& out, int indent = -1, char indentChar = ' ') const;

  // --- type queries ---
  value_t type() const noexcept { return mType; }
  bool is_null() const noexcept { return mType == value_t::null; }
  bool is_boolean() const noexcept { return mType == value_t::boolean; }
  bool is_number() const noexcept { return is_number_integer() || mType == value_t::number_float; }
  bool is_number_integer() const noexcept {
    return mType == value_t::number_integer || mType == value_t::number_unsigned;
  }
  bool is_number_unsigned() const noexcept { return mType == value_t::number_unsigned; }
  bool is_number_float() const noexcept { return mType == value_t::number_float; }
  bool is_string() const noexcept { return mType == value_t::string; }
  bool is_array() const noexcept { return mType == value_t::array; }
  bool is_object() const noexcept { return mType == value_t::object; }
  bool is_structured() const noexcept { return is_array() || is_object(); }
  bool is_primitive() const noexcept { return !is_structured() && !is_discarded() && mType != value_t::binary; }
  bool is_discarded() const noexcept { return mType == value_t::discarded; }
  bool is_binary() const noexcept { return false; }

  // --- value access (never throws: a mismatch yields 0 / false / empty) ---
  template <typename T>
  T get() const {
    using U = std::remove_cv_t<std::remove_reference_t<T>>;
    if constexpr (std::is_same_v<U, Value>) {
      return *this;
    } else if constexpr (std::is_same_v<U, bool>) {
      return mType == value_t::boolean ? mU.b : false;
    } else if constexpr (std::is_arithmetic_v<U>) {
      switch (mType) {
        case value_t::number_integer:
          return static_cast<U>(mU.i);
        case value_t::number_unsigned:
          return static_cast<U>(mU.u);
        case value_t::number_float:
          return static_cast<U>(mU.d);
        case value_t::boolean:
          return static_cast<U>(mU.b);
        default:
          return U{};
      }
    } else if constexpr (std::is_same_v<U, std::string>) {
      return mType == value_t::string ? mU.s : std::string();
    } else {
      static_assert(std::is_same_v<U, std::string_view>, "unsupported get<T>()");
      return mType == value_t::string ? std::string_view(mU.s) : std::string_view();
    }
  }
  template <typename T>
  T get_ref() const {
    static_assert(std::is_same_v<T, const std::string&>, "only get_ref<const std::string&>() is offered");
    return mType == value_t::string ? mU.s : emptyString();
  }
  /// nlohmann's value(key, default): the member converted to the default's type, or the default.
  template <typename T>
  auto value(std::string_view key, const T& fallback) const {
    using R = std::conditional_t<std::is_convertible_v<const T&, std::string_view> && !std::is_same_v<T, Value>,
                                 std::string, T>;
    const Value* v = findMember(key);
    if (v == nullptr) return R(fallback);
    if constexpr (std::is_same_v<R, std::string>) {
      return v->is_string() ? v->mU.s : R(fallback);
    } else if constexpr (std::is_same_v<R, Value>) {
      return *v;
    } else if constexpr (std::is_same_v<R, bool>) {
      return v->is_boolean() ? v->mU.b : fallback;
    } else {
      return v->is_number() ? v->get<R>() : fallback;
    }
  }

  // --- containers ---
  /// Object member by key; a null value becomes an object first (like nlohmann).
  Value& operator[](std::string_view key);
  /// Const lookup: a missing key (or a non-object) yields a null value.
  const Value& operator[](std::string_view key) const;
  /// Array element; a null value becomes an array, and the array grows with nulls to reach idx.
  Value& operator[](size_type idx);
  const Value& operator[](size_type idx) const;
  /// Like operator[] const; never throws (a missing key or index yields a null value).
  const Value& at(std::string_view key) const { return (*this)[key]; }
  const Value& at(size_type idx) const { return (*this)[idx]; }

  iterator find(std::string_view key);
  const_iterator find(std::string_view key) const;
  bool contains(std::string_view key) const { return findMember(key) != nullptr; }
  size_type count(std::string_view key) const { return contains(key) ? 1 : 0; }
  size_type erase(std::string_view key);
  iterator erase(const_iterator pos);

  void push_back(Value v);
  void push_back(const Member& member);
  template <typename... Args>
  Value& emplace_back(Args&&... args) {
    push_back(Value(std::forward<Args>(args)...));
    return mU.a.back();
  }
  size_type size() const noexcept;
  bool empty() const noexcept { return size() == 0; }
  void clear() noexcept;
  const Value& front() const { return (*this)[size_type{0}]; }
  const Value& back() const { return size() ? (*this)[size() - 1] : nullValue(); }

  iterator begin() noexcept;
  iterator end() noexcept;
  const_iterator begin() const noexcept;
  const_iterator end() const noexcept;
  const_iterator cbegin() const noexcept;
  const_iterator cend() const noexcept;

  template <bool Const>
  struct ItemsRange {
    using It = Iter<Const>;
    It b, e;
    struct ItemIter {
      It it;
      const ItemIter& operator*() const { return *this; }
      ItemIter& operator++() {
        ++it;
        return *this;
      }
      bool operator!=(const ItemIter& o) const { return it != o.it; }
      bool operator==(const ItemIter& o) const { return it == o.it; }
      std::string key() const { return it.keyString(); }
      decltype(auto) value() const { return *it; }
    };
    ItemIter begin() const { return {b}; }
    ItemIter end() const { return {e}; }
  };
  ItemsRange<false> items() noexcept;
  ItemsRange<true> items() const noexcept;

  // Direct access for code that wants no copies (the parser, the tests).
  const Array* arrayPtr() const noexcept { return is_array() ? &mU.a : nullptr; }
  const Object* objectPtr() const noexcept { return is_object() ? &mU.o : nullptr; }

  friend bool operator==(const Value& a, const Value& b) noexcept;
  friend bool operator!=(const Value& a, const Value& b) noexcept { return !(a == b); }

  template <typename C, typename Tr>
  friend std::basic_ostream<C, Tr>& operator<<(std::basic_ostream<C, Tr>& os, const Value& v) {
    return os << v.dump();
  }

  static const Value& nullValue();

 private:
  friend class Parser;
  static const std::string& emptyString();
  const Value* findMember(std::string_view key) const noexcept;
  /// Index of the first member whose key is not less than `key` (the insertion point).
  static std::size_t lowerBound(const Object& o, std::string_view key) noexcept;
  void destroy() noexcept;
  void becomeObjectIfNull();
  /// operator[]'s insertion of a key it did not find, at index `i` of an object (out of line and
  /// small; see LiteJson.cpp).
  Value& addMember(std::string_view key, std::size_t i);

  value_t mType;
  union Storage {
    Storage() {}
    ~Storage() {}
    bool b;
    std::int64_t i;
    std::uint64_t u;
    double d;
    std::string s;
    Array a;
    Object o;
  } mU;
};

struct Member {
  std::string first;
  Value second;
};

/// nlohmann-style iterator: over an array's elements, an object's member values (key() names the
/// member), or a primitive value once; empty over null.
template <bool Const>
class Value::Iter {
 public:
  using Owner = std::conditional_t<Const, const Value, Value>;
  using value_type = Value;
  using reference = Owner&;
  using pointer = Owner*;
  using difference_type = std::ptrdiff_t;
  using iterator_category = std::forward_iterator_tag;

  Iter() = default;
  Iter(Owner* owner, std::size_t index) : mOwner(owner), mIndex(index) {}
  template <bool C = Const, typename = std::enable_if_t<C>>
  Iter(const Iter<false>& other) : mOwner(other.owner()), mIndex(other.index()) {}

  reference operator*() const {
    if (mOwner->is_array()) return mOwner->mU.a[mIndex];
    if (mOwner->is_object()) return mOwner->mU.o[mIndex].second;
    return *mOwner;
  }
  pointer operator->() const { return &**this; }
  Iter& operator++() {
    ++mIndex;
    return *this;
  }
  Iter operator++(int) {
    Iter old = *this;
    ++mIndex;
    return old;
  }
  bool operator==(const Iter& o) const { return mOwner == o.mOwner && mIndex == o.mIndex; }
  bool operator!=(const Iter& o) const { return !(*this == o); }

  const std::string& key() const { return mOwner->is_object() ? mOwner->mU.o[mIndex].first : emptyString(); }
  std::string keyString() const {
    // nlohmann's items() names array elements by their index.
    return mOwner->is_object() ? mOwner->mU.o[mIndex].first : std::to_string(mIndex);
  }
  reference value() const { return **this; }

  Owner* owner() const { return mOwner; }
  std::size_t index() const { return mIndex; }

 private:
  Owner* mOwner = nullptr;
  std::size_t mIndex = 0;
};

inline Value::iterator Value::begin() noexcept { return iterator(this, 0); }
inline Value::iterator Value::end() noexcept { return iterator(this, size()); }
inline Value::const_iterator Value::begin() const noexcept { return const_iterator(this, 0); }
inline Value::const_iterator Value::end() const noexcept { return const_iterator(this, size()); }

inline Value::const_iterator Value::cbegin() const noexcept { return begin(); }
inline Value::const_iterator Value::cend() const noexcept { return end(); }
inline Value::ItemsRange<false> Value::items() noexcept { return {begin(), end()}; }
inline Value::ItemsRange<true> Value::items() const noexcept { return {begin(), end()}; }

inline Value::size_type Value::size() const noexcept {
  switch (mType) {
    case value_t::null:
    case value_t::discarded:
      return 0;
    case value_t::array:
      return mU.a.size();
    case value_t::object:
      return mU.o.size();
    default:
      return 1;
  }
}

inline Value::iterator Value::find(std::string_view key) {
  if (!is_object()) return end();
  std::size_t i = lowerBound(mU.o, key);
  return (i < mU.o.size() && mU.o[i].first == key) ? iterator(this, i) : end();
}
inline Value::const_iterator Value::find(std::string_view key) const {
  if (!is_object()) return end();
  std::size_t i = lowerBound(mU.o, key);
  return (i < mU.o.size() && mU.o[i].first == key) ? const_iterator(this, i) : end();
}

}  // namespace tccc::json

#endif
