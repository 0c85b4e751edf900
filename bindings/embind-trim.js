// SPDX-License-Identifier: Apache-2.0
// Emscripten JS library (--js-library, linked after the system libraries, so it overrides them):
// drops embind glue that the TcccCore surface never uses from the script-tag download. The surface
// (CoreBinding.cpp) passes only numbers and std::string, and its one class handle is created
// with `new` and released with delete(). embind's bind.cpp still registers every builtin type at
// start-up (emcc links it --whole-archive, so it cannot be replaced), so these registrations must
// stay callable; they just register nothing, and a function bound with one of those types would
// throw embind's UnboundTypeError when called, not misbehave. Measured in bindings/CMakeLists.txt
// (the "size pass" rows of the table).
mergeInto(LibraryManager.library, {
  // std::wstring / std::u16string / std::u32string: pulls in the UTF-16 and UTF-32 codecs.
  _embind_register_std_wstring__deps: [],
  _embind_register_std_wstring: function(rawType, charSize, name) {},
  // emscripten::val: pulls in the emval handle table and its debugging exports.
  _embind_register_emval__deps: [],
  _embind_register_emval: function(rawType, name) {},
  // typed_memory_view<T>.
  _embind_register_memory_view__deps: [],
  _embind_register_memory_view: function(rawType, dataTypeIndex, name) {},
  // Class handles keep delete() and isDeleted() (CoreAdapter.ts uses delete()); clone(),
  // deleteLater() and isAliasOf() and the deferred-deletion queue behind them are unused.
  $init_ClassHandle__deps: ['$ClassHandle_delete', '$ClassHandle_isDeleted'],
  $init_ClassHandle: function() {
    ClassHandle.prototype['delete'] = ClassHandle_delete;
    ClassHandle.prototype['isDeleted'] = ClassHandle_isDeleted;
  },
  // Module.getInheritedInstanceCount/getLiveInheritedInstances/flushPendingDeletes/setDelayFunction:
  // leak-debugging helpers for embind's own test suite.
  $init_embind__deps: [],
  $init_embind: function() {},
  // Passing handles of classes with a base class or held by smart pointers (class_<T, base<B>>,
  // smart_ptr<>): TcccCore has neither, so embind always picks its raw-pointer converters. Should a
  // binding ever need them, this fails loudly instead of converting wrongly.
  $genericPointerToWireType__deps: ['$throwBindingError'],
  $genericPointerToWireType: function(destructors, handle) {
    throwBindingError('embind base classes and smart pointers are trimmed from this build (bindings/embind-trim.js)');
  },
});
