// SPDX-License-Identifier: Apache-2.0
// Module.TcccCore: the class js/src/CoreAdapter.ts drives, over the C exports of CoreBinding.cpp.
// Linked with --post-js, so it runs inside the glue's module factory and sees its HEAPU8, _malloc
// and friends (and the optimizer drops what it does not use). It is defined before the wasm is
// instantiated; createTcccCore() resolves once it can be used.
//
// Heap ownership: a string argument is encoded into a malloc'd block that is freed as soon as the
// call returns (the core copies what it keeps); a text result lives in the C++ object until the next
// text call on it and is decoded at once; the C++ object itself is freed by delete(). What embind
// gave the shim is kept: text arguments must be strings (TypeError otherwise, before the core sees
// anything), a deleted object throws on every call, and handles come back unsigned.
var tcccEncoder = new TextEncoder();

// Calls fn(ptr0, len0, ptr1, len1, …) with each string in wasm memory as UTF-8.
function tcccWithStrings(strings, fn) {
  var args = [];
  try {
    for (var i = 0; i < strings.length; i++) {
      if (typeof strings[i] != 'string') throw new TypeError('TcccCore: text arguments must be strings');
      var bytes = tcccEncoder.encode(strings[i]);
      var ptr = _malloc(bytes.length || 1);
      HEAPU8.set(bytes, ptr);
      args.push(ptr, bytes.length);
    }
    return fn.apply(null, args);
  } finally {
    for (var j = 0; j < args.length; j += 2) _free(args[j]);
  }
}

function TcccCore(configJson) {
  this.p = tcccWithStrings([configJson], _tcccNew);
}

// The C++ object, or a throw once delete() has run (never a dangling pointer).
function tcccSelf(core) {
  if (!core.p) throw new Error('TcccCore: the object has been deleted');
  return core.p;
}

// Text results: 0 drain, 1 agentStatus, 2 sessions, 3 stats (CoreBinding.cpp, enum Text).
function tcccText(core, which) {
  var self = tcccSelf(core);
  var ptr = _tcccText(self, which);
  return UTF8Decoder.decode(HEAPU8.subarray(ptr, ptr + _tcccTextLength(self)));
}

TcccCore.prototype = {
  start: function (now) {
    _tcccStart(tcccSelf(this), now);
  },
  call: function (api, argsJson, now) {
    var self = tcccSelf(this);
    return tcccWithStrings([api, argsJson], function (a, aLength, b, bLength) {
      return _tcccCall(self, a, aLength, b, bLength, now) >>> 0;
    });
  },
  onOpen: function (now) {
    _tcccOnOpen(tcccSelf(this), now);
  },
  onMessage: function (text, now) {
    var self = tcccSelf(this);
    tcccWithStrings([text], function (ptr, length) {
      _tcccOnMessage(self, ptr, length, now);
    });
  },
  inputBuffer: function (capacity) {
    return _tcccInputBuffer(tcccSelf(this), capacity);
  },
  onMessageInput: function (length, now) {
    _tcccOnMessageInput(tcccSelf(this), length, now);
  },
  onClose: function (code, now) {
    _tcccOnClose(tcccSelf(this), code, now);
  },
  onTick: function (now) {
    _tcccOnTick(tcccSelf(this), now);
  },
  destroy: function (now) {
    _tcccDestroy(tcccSelf(this), now);
  },
  nextDeadline: function () {
    return _tcccNextDeadline(tcccSelf(this));
  },
  drain: function () {
    return tcccText(this, 0);
  },
  phase: function () {
    return _tcccPhase(tcccSelf(this));
  },
  agentStatus: function () {
    return tcccText(this, 1);
  },
  sessions: function () {
    return tcccText(this, 2);
  },
  stats: function () {
    return tcccText(this, 3);
  },
  delete: function () {
    _tcccDelete(tcccSelf(this));
    this.p = 0;
  },
  isDeleted: function () {
    return !this.p;
  },
};

Module['TcccCore'] = TcccCore;
// The memory views, for the shim's fast input path and heap checks. Getters: growing the memory
// replaces the views (addresses stay valid).
Object.defineProperties(Module, {
  HEAP8: {
    get: function () {
      return HEAP8;
    },
  },
  HEAPU8: {
    get: function () {
      return HEAPU8;
    },
  },
});
