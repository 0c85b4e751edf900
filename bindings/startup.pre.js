// SPDX-License-Identifier: Apache-2.0
// Linked with --pre-js: runs inside the module factory before the minimal runtime instantiates the
// wasm. The minimal runtime (-sMINIMAL_RUNTIME, bindings/CMakeLists.txt) calls
// WebAssembly.instantiate(Module.wasm, imports).then(start) with no error path, and its abort()
// throws a bare string: a failed start-up would leave createTcccCore()'s promise pending forever,
// and an abort would reach the shim as "". These two definitions give both the error path the
// full runtime had.

// Every failure (the instantiation itself, or a trap or abort in the static constructors that
// start() runs) rejects createTcccCore()'s promise. A factory-local WebAssembly shadows the global
// one for the runtime's single use of it, WebAssembly.instantiate(…).then(start).
var WebAssembly = {
  instantiate: function (wasm, imports) {
    var global = typeof globalThis != 'undefined' ? globalThis : self;
    var instantiated = global.WebAssembly.instantiate(wasm, imports);
    return {
      then: function (start) {
        instantiated.then(function (output) {
          try {
            start(output);
          } catch (e) {
            readyPromiseReject(e);
          }
        }, readyPromiseReject);
      },
    };
  },
};

// The C++ abort() (a failed allocation, say): an Error that says so, thrown at the caller (the shim
// then stops using the core), and a rejection if it happens during start-up. Assigned, not
// declared: the runtime's own `function abort` comes later in the file and would win.
abort = function (what) {
  var error = new Error('tccc-core aborted' + (what ? ': ' + what : ''));
  readyPromiseReject(error);
  throw error;
};
