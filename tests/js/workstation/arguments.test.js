// SPDX-License-Identifier: Apache-2.0
// The workstation's argument checks (js/src/workstation/arguments.ts): every bad shape gets a code
// and a message naming the method, every good one the options the core receives.
const { loadTs } = require('../helpers/tsModule');

const args = loadTs('js/src/workstation/arguments.ts');
const INVALID = -11001;
const NOT_SUPPORTED = -11015;

describe('login params', () => {
  const good = { sdkAppID: 1400000001, userId: 'a@b.c', token: 't' };
  test.each([
    ['not an object', 'x', INVALID],
    ['null', null, INVALID],
    ['no sdkAppID', { userId: 'a', token: 't' }, INVALID],
    ['sdkAppID zero', { ...good, sdkAppID: 0 }, INVALID],
    ['sdkAppID not numeric', { ...good, sdkAppID: '14x' }, INVALID],
    ['empty userId', { ...good, userId: '' }, INVALID],
    ['token not a string', { ...good, token: 5 }, INVALID],
    ['unknown login type', { ...good, type: 3 }, NOT_SUPPORTED],
    ['serverUrl not a string', { ...good, serverUrl: 1 }, INVALID],
  ])('%s is refused', (_, params, code) => {
    const r = args.checkLogin(params);
    expect(r.ok).toBe(false);
    expect(r.code).toBe(code);
    expect(r.message).toMatch(/^login: /);
  });

  test('sdkAppId is accepted for sdkAppID, type Agent and serverUrl pass through', () => {
    expect(
      args.checkLogin({ sdkAppId: '1400000001', userId: 'u', token: 't', type: 0, serverUrl: 'http://x' }),
    ).toEqual({
      ok: true,
      value: { sdkAppId: '1400000001', userId: 'u', token: 't', serverUrl: 'http://x' },
    });
  });
});

describe('call params', () => {
  test.each([
    ['no params', undefined],
    ['an array', ['1']],
    ['no to', { remark: 'x' }],
    ['blank to', { to: '  ' }],
    ['remark not a string', { to: '1', remark: 5 }],
    ['uui not a string', { to: '1', uui: {} }],
  ])('%s is refused with ERR_INVALID_ARGUMENT', (_, params) => {
    const r = args.checkCall(params);
    expect(r).toMatchObject({ ok: false, code: INVALID });
    expect(r.message).toMatch(/^call: /);
  });

  test('to, remark and uui become the core options; a numeric to is a string', () => {
    expect(args.checkCall({ to: '10000000001', remark: 'VIP', uui: 'o-1' }).value).toEqual({
      phoneNumber: '10000000001',
      phoneDesc: 'VIP',
      uui: 'o-1',
    });
    expect(args.checkCall({ to: 13800138000 }).value).toEqual({ phoneNumber: '13800138000' });
  });
});

test.each([
  ['12#', true],
  ['*0ABCD', true],
  [5, true],
  ['', false],
  ['12x', false],
  ['1'.repeat(33), false],
  [null, false],
  [-1, false],
])('sendDTMF digits %j ok=%s', (digits, ok) => {
  expect(args.checkDigits(digits).ok).toBe(ok);
});

test.each([
  [0, 0],
  [100, 100],
  [49.6, 50],
  [-1, null],
  [101, null],
  ['50', null],
  [NaN, null],
])('volume %j -> %j', (volume, expected) => {
  const r = args.checkVolume('setAudioCaptureVolume', volume);
  if (expected === null) expect(r).toMatchObject({ ok: false, code: INVALID });
  else expect(r).toEqual({ ok: true, value: expected });
});

test('setAudioRoute takes only the two routes', () => {
  expect(args.checkRoute(0).ok).toBe(true);
  expect(args.checkRoute(1).ok).toBe(true);
  expect(args.checkRoute(2)).toMatchObject({ ok: false, code: INVALID });
  expect(args.checkRoute('Speakerphone').ok).toBe(false);
});

test('startPlayMusic: nothing, a URL or {path, loop}', () => {
  expect(args.checkMusic(undefined).value).toEqual({ loop: true });
  expect(args.checkMusic('/m.mp3').value).toEqual({ url: '/m.mp3', loop: true });
  expect(args.checkMusic({ path: '/m.mp3', loop: false }).value).toEqual({ url: '/m.mp3', loop: false });
  expect(args.checkMusic({ loop: 'yes' }).ok).toBe(false);
  expect(args.checkMusic(7).ok).toBe(false);
});

test('callExperimentalAPI: a JSON string or an object with api', () => {
  expect(args.checkExperimental('{"api":"setServerUrl","params":{"serverUrl":"http://x"}}').value).toEqual({
    api: 'setServerUrl',
    params: { serverUrl: 'http://x' },
  });
  expect(args.checkExperimental({ api: 'x' }).value).toEqual({ api: 'x', params: {} });
  for (const bad of ['{', '[]', { params: {} }, { api: 'x', params: 1 }, 3])
    expect(args.checkExperimental(bad)).toMatchObject({ ok: false, code: INVALID });
});
