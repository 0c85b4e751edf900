// SPDX-License-Identifier: Apache-2.0
// The SDK/server contract test's cases, derived from src/protocol/vocabulary.json (never copied by
// hand): which public APIs there are, which options each takes (its wire method's fields, minus the
// ones the API fixes or the core adds, renamed as the API's `options` map says), and for every option
// field a list of boundary values with the verdict vocabulary.json's description implies.
//
// Also here, so that the test can say what "the same data" is on the wire:
//   - normalise(): the data the SDK sends for options it accepts, as docs/protocol.md and
//     src/protocol/Validator.hpp describe it. The test checks this model against every frame the SDK
//     really sends, and uses it for the cases the SDK stops locally for state (a made-up sessionId),
//     to ask the server about exactly that data.
//   - wireData(): the caller's options put on the wire unchanged except for what the API itself does
//     (rename, fixed field, clientRequestId), for the cases the SDK refuses.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const REPO = path.resolve(__dirname, '../../..');
const VOCAB = JSON.parse(fs.readFileSync(path.join(REPO, 'src/protocol/vocabulary.json'), 'utf8'));
const CATALOGUE = JSON.parse(fs.readFileSync(path.join(REPO, 'src/errors/catalogue.json'), 'utf8')).errors;

// The phone number's length limit is not in vocabulary.json: the generator that turns the vocabulary
// into the validators' tables owns it (scripts/gen-vocabulary.mjs, PHONE_MAX). Read it from there.
const GENERATOR = fs.readFileSync(path.join(REPO, 'scripts/gen-vocabulary.mjs'), 'utf8');
const PHONE_MAX_MATCH = /const PHONE_MAX = (\d+);/.exec(GENERATOR);
if (!PHONE_MAX_MATCH)
  throw new Error('scripts/gen-vocabulary.mjs no longer defines PHONE_MAX: update contract-cases.js');
const PHONE_MAX = Number(PHONE_MAX_MATCH[1]);
// The generator's name for the field the core adds to non-idempotent requests.
const CLIENT_REQUEST_ID = /const CLIENT_REQUEST_ID = '([A-Za-z]+)';/.exec(GENERATOR)[1];

const CODES = Object.fromEntries(CATALOGUE.map((e) => [e.name, e.code]));
const NAMES = Object.fromEntries(CATALOGUE.map((e) => [e.code, e.name]));
// "Refused for its shape": the catalogue's argument-kind errors, except the two that say a well-formed
// value names nothing (ERR_SESSION_NOT_FOUND, ERR_NOT_FOUND: state of the world, not shape) and the
// SDK's own ERR_UNKNOWN_EVENT (tccc.on); plus ERR_PROTOCOL, the server's answer to a malformed frame.
const LOOKUP_ERRORS = new Set(['ERR_SESSION_NOT_FOUND', 'ERR_NOT_FOUND', 'ERR_UNKNOWN_EVENT']);
const SHAPE_CODES = new Set(
  CATALOGUE.filter((e) => e.kind === 'argument' && !LOOKUP_ERRORS.has(e.name))
    .map((e) => e.code)
    .concat([CODES.ERR_PROTOCOL]),
);

const FIELDS = new Map(VOCAB.fields.map((f) => [f.name, f]));
const ENUMS = new Map(VOCAB.enums.map((e) => [e.name, e]));
const AGENT_METHODS = new Map(VOCAB.agentMethods.map((m) => [m.name, m]));
const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** A value that means "leave the option out". */
const ABSENT = Symbol('absent');

/** Every public API of the vocabulary, with what the contract test needs to know about it. */
function apiSpecs() {
  return VOCAB.apis.map((a) => {
    const [ns, fn] = a.name.split('.');
    const fixed = a.fixed || {};
    const renamed = a.options || {}; // wire field -> option name
    let method;
    let wireFields;
    if (a.method) {
      method = AGENT_METHODS.get(a.method);
      if (!method) throw new Error(`${a.name}: no agent method ${a.method}`);
      wireFields = [
        ...(method.required || []).map((name) => ({ name, required: true })),
        ...(method.optional || []).map((name) => ({ name, required: false })),
      ];
    } else {
      // Answered by the core itself: its `local` fields are its (required) options.
      wireFields = a.local.map((name) => ({ name, required: true }));
    }
    const options = wireFields
      .filter((f) => !(f.name in fixed))
      .map((f) => ({
        wire: f.name,
        option: renamed[f.name] || f.name,
        required: f.required,
        spec: FIELDS.get(f.name),
      }));
    for (const o of options)
      if (!o.spec) throw new Error(`${a.name}: field ${o.wire} is not in vocabulary.json's fields`);
    // The server-side counterpart a local API's refusals are compared with: the first agent method
    // whose fields are exactly the API's (Call.isMicMuted -> session.accept, {sessionId}).
    let compareMethod = a.method;
    if (!compareMethod) {
      const want = [...a.local].sort().join(',');
      const twin = VOCAB.agentMethods.find(
        (m) => [...(m.required || []), ...(m.optional || [])].sort().join(',') === want,
      );
      if (!twin) throw new Error(`${a.name}: no agent method takes exactly ${want}`);
      compareMethod = twin.name;
    }
    const rule =
      method && (method.exactlyOne || method.atLeastOne)
        ? {
            kind: method.exactlyOne ? 'exactlyOne' : 'atLeastOne',
            fields: method.exactlyOne || method.atLeastOne,
            message: method.ruleMessage,
          }
        : null;
    return {
      name: a.name,
      ns,
      fn,
      method: a.method || null, // null: answered by the core, never sent
      compareMethod,
      local: !a.method,
      idempotent: !method || method.idempotent !== false,
      fixed,
      renamed,
      optionsVoid: Boolean(a.returnsVoid), // Agent.online/offline: the SDK ignores its arguments
      family: a.family || null,
      settle: a.settle,
      options,
      rule,
    };
  });
}

// --- boundary values per field type ---------------------------------------------------------------

const rep = (s, n) => s.repeat(Math.max(0, n));

/**
 * Boundary values for one field, each {label, value, ok, code?}: `ok` is the verdict vocabulary.json's
 * description implies (true accepted, false refused, undefined when the description does not say),
 * `code` the error name a refusal should carry (default ERR_INVALID_ARGUMENT).
 */
function valuesFor(field, required) {
  const spec = field.spec;
  const out = [];
  const add = (label, value, ok, code) => out.push({ label, value, ok, code });
  add('absent', ABSENT, !required);
  add('null (counts as absent)', null, !required);
  const wrongTypes = (except = []) => {
    if (!except.includes('number')) add('a number', 42, false);
    if (!except.includes('float')) add('a float', 1.5, false);
    add('a boolean', true, false);
    add('an array', ['a'], false);
    add('an object', { a: 1 }, false);
  };
  const M = spec.max;
  switch (spec.type) {
    case 'id': {
      const n3 = Math.floor(M / 3);
      add('empty string', '', false);
      add('1 character (minimum)', 'a', true);
      add(`${M} bytes (maximum)`, rep('x', M), true);
      add(`${M + 1} bytes (maximum + 1)`, rep('x', M + 1), false);
      add(`${n3} x '你' (${3 * n3} bytes)`, rep('你', n3), true);
      add(`${n3 + 1} x '你' (${3 * (n3 + 1)} bytes, ${n3 + 1} characters)`, rep('你', n3 + 1), false);
      add('a string of digits', '12345', true);
      add('an integer (sent as its digits)', 12345, true);
      add('the integer 0 (sent as "0")', 0, true);
      add('a negative integer (not an id)', -7, false);
      add('Number.MAX_SAFE_INTEGER', MAX_SAFE, true);
      add('2^64 (a JSON integer beyond 64 bits)', 2 ** 64, undefined);
      wrongTypes(['number']);
      break;
    }
    case 'label': {
      const min = spec.min || 0;
      if (min === 0) add('empty string (minimum)', '', true);
      else {
        add('empty string', '', false);
        add(`${min} characters (minimum)`, rep('a', min), true);
      }
      add('1 character', 'a', true);
      add(`${M} characters (maximum)`, rep('a', M), true);
      add(`${M + 1} characters (maximum + 1)`, rep('a', M + 1), false);
      add(`${M} x '你' (${3 * M} bytes)`, rep('你', M), true);
      add(`${M + 1} x '你'`, rep('你', M + 1), false);
      add(`${M} x '😀' (${2 * M} UTF-16 units)`, rep('😀', M), true);
      add(`${M + 1} x '😀'`, rep('😀', M + 1), false);
      wrongTypes();
      break;
    }
    case 'text': {
      const n3 = Math.floor(M / 3);
      add('empty string (minimum)', '', true);
      add(`${M} bytes (maximum)`, rep('a', M), true);
      add(`${M + 1} bytes (maximum + 1)`, rep('a', M + 1), false);
      add(`${n3} x '你' (${3 * n3} bytes)`, rep('你', n3), true);
      add(`${n3 + 1} x '你' (${3 * (n3 + 1)} bytes, ${n3 + 1} characters)`, rep('你', n3 + 1), false);
      wrongTypes();
      break;
    }
    case 'message': {
      const code = spec.code || 'ERR_INVALID_ARGUMENT';
      add('empty string', '', false);
      add('blank (spaces, tab, newlines)', ' \t\r\n ', false);
      add('1 character (minimum)', 'a', true);
      add('text with spaces around', '  hi  ', true);
      add('only a no-break space (U+00A0)', '\u00a0', undefined);
      add(`${M} characters (maximum)`, rep('a', M), true);
      add(`${M + 1} characters (maximum + 1)`, rep('a', M + 1), false, code);
      add(`${M} x '你'`, rep('你', M), true);
      add(`${M + 1} x '你'`, rep('你', M + 1), false, code);
      add(`${M} x '😀' (${2 * M} UTF-16 units)`, rep('😀', M), true);
      add(`${M + 1} x '😀'`, rep('😀', M + 1), false, code);
      wrongTypes();
      break;
    }
    case 'decimal': {
      add('1 (minimum)', 1, true);
      add("'1' (minimum, as a string)", '1', true);
      add("'007' (leading zeros)", '007', true);
      add('1e3 (the number 1000)', 1e3, true);
      add('Number.MAX_SAFE_INTEGER', MAX_SAFE, true);
      add('Number.MAX_SAFE_INTEGER as a string', String(MAX_SAFE), true);
      add('2^53 (MAX_SAFE_INTEGER + 1)', 2 ** 53, undefined);
      add('2^53 as a string', String(2 ** 53), undefined);
      add('0', 0, false);
      add("'0'", '0', false);
      add('-1', -1, false);
      add("'-1'", '-1', false);
      add("'+1'", '+1', false);
      add("' 1' (a space)", ' 1', false);
      add("'1.5'", '1.5', false);
      add("'1e3'", '1e3', false);
      add("'abc'", 'abc', false);
      add('empty string', '', false);
      add('17 digits', rep('1', 17), false);
      add('1e21 (a float in JSON)', 1e21, false);
      wrongTypes(['number']);
      break;
    }
    case 'idList': {
      const item = spec.itemMax;
      add('empty array', [], true);
      add('one id', ['a'], true);
      add(
        `${M} ids (maximum)`,
        Array.from({ length: M }, (_, i) => `g${i}`),
        true,
      );
      add(
        `${M + 1} ids (maximum + 1)`,
        Array.from({ length: M + 1 }, (_, i) => `g${i}`),
        false,
      );
      add(`an id of ${item} bytes (item maximum)`, [rep('x', item)], true);
      add(`an id of ${item + 1} bytes`, [rep('x', item + 1)], false);
      add(`an id of ${Math.floor(item / 3) + 1} x '你'`, [rep('你', Math.floor(item / 3) + 1)], false);
      add('an integer id (sent as its digits)', [12], true);
      add('an empty id', [''], false);
      add('a null entry', [null], false);
      add('a boolean entry', [true], false);
      add('a float entry', [1.5], false);
      add('a nested array', [['a']], false);
      add('a string, not an array', 'a', false);
      add('a number', 42, false);
      add('true', true, false);
      add('an object', { a: 1 }, false);
      break;
    }
    case 'phone': {
      add('a plain number', '10000000001', true);
      add("a leading '+'", '+8613800138000', true);
      add('spaces, dashes, parentheses', '(010) 6000-1000', true);
      add('dots', '010.6000.1000', true);
      add('a tab', '010\t60001000', true);
      add("'*' and '#'", '*86#', true);
      add("'+1' (shortest with '+')", '+1', true);
      add('1 digit (minimum)', '5', true);
      add(`${PHONE_MAX} digits (maximum)`, rep('1', PHONE_MAX), true);
      add(`${PHONE_MAX + 1} digits (maximum + 1)`, rep('1', PHONE_MAX + 1), false);
      add(`${PHONE_MAX} digits between separators`, rep('1-', PHONE_MAX), true);
      // The limit counts the '+' (docs/protocol.md: "1–32 characters: 0-9 * # and a leading +").
      add(`'+' and ${PHONE_MAX - 1} digits (maximum)`, `+${rep('1', PHONE_MAX - 1)}`, true);
      add(`'+' and ${PHONE_MAX} digits (maximum + 1)`, `+${rep('1', PHONE_MAX)}`, false);
      add("'+' alone", '+', false);
      add("'++1'", '++1', false);
      add("a '+' inside", '1+2', false);
      add("a trailing '+'", '12+', false);
      add('only separators', ' -() ', false);
      add('empty string', '', false);
      add('letters', 'abc', false);
      add('a letter inside', '12a4', false);
      add('full-width digits', '１２３', false);
      add("a '/'", '010/6000', false);
      add('an integer (sent as its digits)', 10000000001, true);
      add('the integer 0', 0, true);
      add('a negative integer', -1, false);
      add('2^64 (a JSON integer beyond 64 bits)', 2 ** 64, undefined);
      wrongTypes(['number']);
      break;
    }
    case 'enum': {
      const values = ENUMS.get(spec.enum).values;
      for (const v of values) add(`'${v}'`, v, true);
      const others = new Set();
      for (const e of VOCAB.enums)
        if (e !== ENUMS.get(spec.enum) && e.values.some((v) => values.includes(v)))
          for (const v of e.values) if (!values.includes(v)) others.add(v);
      for (const v of others) add(`'${v}' (a value of another enum)`, v, false);
      if (values[0].toUpperCase() !== values[0])
        add(`'${values[0].toUpperCase()}' (wrong case)`, values[0].toUpperCase(), false);
      add("'bogus'", 'bogus', false);
      add('empty string', '', false);
      add(`'${values[0]} ' (a trailing space)`, `${values[0]} `, false);
      add('a number', 0, false);
      add('true', true, false);
      add(`['${values[0]}']`, [values[0]], false);
      add('an object', { value: values[0] }, false);
      break;
    }
    case 'bool': {
      add('true', true, true);
      add('false', false, true);
      add("'true'", 'true', false);
      add("'false'", 'false', false);
      add('1', 1, false);
      add('0', 0, false);
      add('an array', [true], false);
      add('an object', { a: true }, false);
      break;
    }
    case 'dtmf': {
      add('every key 0-9 * # A-D', '0123456789*#ABCD', true);
      add('lower-case a-d (upper-cased)', 'abcd', true);
      add('1 key (minimum)', '5', true);
      add(`${M} keys (maximum)`, rep('1', M), true);
      add(`${M + 1} keys (maximum + 1)`, rep('1', M + 1), false);
      add('empty string', '', false);
      add("'E'", 'E', false);
      add("'e'", 'e', false);
      add('a space', '1 2', false);
      add("'+'", '+1', false);
      add("'你'", '你', false);
      add('a number', 12, false);
      add('a float', 1.5, false);
      add('true', true, false);
      add('an array', ['1'], false);
      add('an object', { a: '1' }, false);
      break;
    }
    case 'count': {
      const min = spec.min;
      add(`${min} (minimum)`, min, true);
      add(`${min + 1}`, min + 1, true);
      add(`${M} (maximum)`, M, true);
      add(`${min - 1} (minimum - 1)`, min - 1, false);
      add(`${M + 1} (maximum + 1)`, M + 1, false);
      add('-1', -1, false);
      add('a float', min + 0.5, false);
      add(`'${min + 1}' (a string of digits)`, String(min + 1), false);
      add('1e21 (a float in JSON)', 1e21, false);
      add('true', true, false);
      add('an array', [min], false);
      add('an object', { a: min }, false);
      break;
    }
    default:
      // A new field type needs boundary values here before the contract test can cover it.
      throw new Error(`contract-cases.js has no boundary values for field type '${spec.type}' (${spec.name})`);
  }
  return out;
}

// --- what goes on the wire ----------------------------------------------------------------------

/** What the core receives: the shim hands it JSON.stringify(options) (undefined -> {}; a function -> null). */
function asJson(options) {
  if (options === undefined) return {};
  const text = JSON.stringify(options);
  return text === undefined ? null : JSON.parse(text);
}

/** One option value as the SDK sends it once accepted (docs/protocol.md "Fields and limits"). */
function normaliseValue(spec, v) {
  switch (spec.type) {
    case 'id':
      // "SDK callers may pass an integer: it is sent as its digits" (never a negative one).
      return typeof v === 'number' ? String(v) : v;
    case 'decimal':
      // "a positive integer, or a string of its digits; sent as a string" (leading zeros dropped).
      return BigInt(typeof v === 'number' ? v : v).toString();
    case 'idList':
      return v.map((x) => (typeof x === 'number' ? String(x) : x));
    case 'phone':
      // Integers are taken as their digits; the separators are dropped (the validator also drops tabs).
      return String(v).replace(/[ \t\-().]/g, '');
    case 'dtmf':
      return v.replace(/[a-d]/g, (c) => c.toUpperCase());
    default:
      return v;
  }
}

/**
 * The `data` the SDK sends for options it accepted, without the ids the core makes up itself
 * (clientRequestId; clientMsgId when the caller gave none): the method's fields only (unknown options
 * dropped, null = absent), renamed to their wire names, normalised, the API's fixed field set, and
 * Agent.setStatus's restReason dropped unless the status is rest (src/core/ApiValidator.cpp).
 */
function normalise(api, options) {
  const data = api.optionsVoid ? {} : asJson(options);
  const out = {};
  for (const o of api.options) {
    const v = data && typeof data === 'object' && !Array.isArray(data) ? data[o.option] : undefined;
    if (v === undefined || v === null) continue;
    out[o.wire] = normaliseValue(o.spec, v);
  }
  if ('restReason' in out && (out.status !== 'rest' || out.restReason === '')) delete out.restReason;
  Object.assign(out, api.fixed);
  return out;
}

/**
 * The caller's options as the wire would carry them if nobody checked them: JSON as the core sees
 * it, the API's renamed option under its wire name (a caller's own key of that wire name dropped, as
 * the SDK ignores it), the fixed field set, the core's own clientRequestId instead of any the caller
 * gave. Non-object options stay what they are.
 */
function wireData(api, options, clientRequestId) {
  const data = api.optionsVoid ? {} : asJson(options);
  if (!data || typeof data !== 'object' || Array.isArray(data)) return data;
  const out = { ...data };
  for (const [wire, option] of Object.entries(api.renamed)) {
    delete out[wire];
    if (option in data) out[wire] = data[option];
    delete out[option];
  }
  delete out[CLIENT_REQUEST_ID];
  Object.assign(out, api.fixed);
  if (!api.idempotent) out[CLIENT_REQUEST_ID] = clientRequestId;
  return out;
}

/** Case labels that vary: the API's own option name, wire name in brackets when renamed. */
function optionLabel(o) {
  return o.option === o.wire ? o.option : `${o.option} (wire ${o.wire})`;
}

module.exports = {
  VOCAB,
  CODES,
  NAMES,
  SHAPE_CODES,
  PHONE_MAX,
  CLIENT_REQUEST_ID,
  ABSENT,
  MAX_SAFE,
  apiSpecs,
  valuesFor,
  normalise,
  normaliseValue,
  wireData,
  asJson,
  optionLabel,
};
