// SPDX-License-Identifier: Apache-2.0
// The workstation as the npm package exports it (dist/index.cjs): the names of the seed's uni-app
// samples, the enums, TcccErrorCode against the seed's error table and the one catalogue, and calls
// that fail with a code in the callback (never a throw) where Node has no server to reach.
const fs = require('node:fs');
const path = require('node:path');
const pkg = require('../../../dist/index.cjs');
const { ROOT } = require('../helpers/tsModule');

const { TCCCWorkstation, TcccWorkstation, TcccErrorCode, ErrorCode } = pkg;

// The seed guide's uni-app error table ("API 错误码"), as printed there: the oracle for TcccErrorCode.
const SEED_UNIAPP_TABLE = {
  ERR_NONE: 0,
  ERR_HTTP_REQUEST_FAILURE: -10001,
  ERR_HTTP_TOKEN_ERROR: -10002,
  ERR_HTTP_GETSIPINFO_ERROR: -10003,
  ERR_NETWORK_CANNOT_RESET: -10004,
  ERR_HAD_LOGGEDOUT: -10005,
  ERR_UNRIGIST_FAILURE: 20001,
  ERR_ANSWER_FAILURE: 20002,
  ERR_SIPURI_WRONGFORMAT: 20003,
  ERR_SIP_BAD_REQUEST: 400,
  ERR_SIP_UNAUTHORIZED: 401,
  ERR_SIP_PAYMENTREQUIRED: 402,
  ERR_SIP_FORBIDDEN: 403,
  ERR_SIP_REQUESTTIMEOUT: 408,
  ERR_SIP_REQUEST_TERMINATED: 487,
  ERR_SIP_SERVICE_UNAVAILABLE: 503,
  ERR_SIP_SERVER_TIMEOUT: 504,
  ERR_MIC_START_FAIL: -1302,
  ERR_MIC_NOT_AUTHORIZED: -1317,
  ERR_MIC_SET_PARAM_FAIL: -1318,
  ERR_MIC_OCCUPY: -1319,
  ERR_MIC_STOP_FAIL: -1320,
  ERR_SPEAKER_START_FAIL: -1321,
  ERR_SPEAKER_SET_PARAM_FAIL: -1322,
  ERR_SPEAKER_STOP_FAIL: -1323,
  ERR_UNSUPPORTED_SAMPLERATE: -1306,
  ERR_RTC_ENTER_ROOM_FAILED: -3301,
  ERR_RTC_REQUEST_IP_TIMEOUT: -3307,
  ERR_RTC_CONNECT_SERVER_TIMEOUT: -3308,
  ERR_RTC_ENTER_ROOM_REFUSED: -3340,
};

const call = (method, ...args) =>
  new Promise((resolve) =>
    TCCCWorkstation.sharedInstance()[method](...args, (code, message) => resolve([code, message])),
  );

afterEach(() => TCCCWorkstation.destroyInstance());

test('the seed names are exported: both spellings, a singleton, the enums', () => {
  expect(TcccWorkstation).toBe(TCCCWorkstation);
  expect(TCCCWorkstation.sharedInstance()).toBe(TCCCWorkstation.sharedInstance());
  expect(TCCCWorkstation.getSDKVersion()).toBe(pkg.version);
  expect(typeof TCCCWorkstation.destroySharedInstance).toBe('function');
  expect(pkg.TCCCEndReason).toEqual({ Error: 0, Timeout: 1, LocalBye: 2, RemoteBye: 3, Rejected: 4, RemoteCancel: 5 });
  expect(pkg.TCCCSessionDirection).toEqual({ CallIn: 0, CallOut: 1 });
  expect(pkg.TCCCAudioRoute).toEqual({ Speakerphone: 0, Earpiece: 1 });
  expect(pkg.TCCCLoginType).toEqual({ Agent: 0 });
  expect(pkg.TCCCQuality).toMatchObject({ Excellent: 1, Good: 2, Poor: 3, Bad: 4, Vbad: 5, Down: 6 });
  for (const e of [pkg.TCCCEndReason, pkg.TCCCSessionDirection, pkg.TCCCAudioRoute])
    expect(Object.isFrozen(e)).toBe(true);
});

test('TcccErrorCode has every code of the seed uni-app table, and agrees with the catalogue on all', () => {
  for (const [name, code] of Object.entries(SEED_UNIAPP_TABLE))
    expect([name, TcccErrorCode[name]]).toEqual([name, code]);
  const catalogue = JSON.parse(fs.readFileSync(path.join(ROOT, 'src/errors/catalogue.json'), 'utf8'));
  expect(Object.keys(TcccErrorCode).slice(0, catalogue.uniappTable.length)).toEqual(catalogue.uniappTable);
  for (const [name, code] of Object.entries(TcccErrorCode)) expect([name, ErrorCode[name]]).toEqual([name, code]);
});

test('login: bad params and a missing server answer in the callback', async () => {
  expect((await call('login', undefined))[0]).toBe(TcccErrorCode.ERR_INVALID_ARGUMENT);
  expect((await call('login', { sdkAppID: 1400000001, userId: 'u' }))[0]).toBe(TcccErrorCode.ERR_INVALID_ARGUMENT);
  const [code, message] = await call('login', { sdkAppID: 1400000001, userId: 'u', token: 't' });
  expect(code).toBe(TcccErrorCode.ERR_INVALID_ARGUMENT);
  expect(message).toMatch(/serverUrl|setServerUrl/);
});

test('before login: calls, checkLogin and logout give codes; a throwing callback does not escape', async () => {
  expect((await call('checkLogin'))[0]).toBe(TcccErrorCode.ERR_SIP_BAD_REQUEST);
  expect((await call('call', { to: '10000000001' }))[0]).toBe(TcccErrorCode.ERR_SIP_BAD_REQUEST);
  expect((await call('call', { remark: 'no number' }))[0]).toBe(TcccErrorCode.ERR_INVALID_ARGUMENT);
  expect((await call('answer'))[0]).toBe(TcccErrorCode.ERR_SIP_BAD_REQUEST);
  expect((await call('logout'))[0]).toBe(TcccErrorCode.ERR_HAD_LOGGEDOUT);
  const spy = jest.spyOn(console, 'error').mockImplementation(() => {});
  expect(() =>
    TCCCWorkstation.sharedInstance().checkLogin(() => {
      throw new Error('listener bug');
    }),
  ).not.toThrow();
  spy.mockRestore();
});

test('methods without a callback report failures through onError; on/off check their arguments', () => {
  const sdk = TCCCWorkstation.sharedInstance();
  sdk.setConsoleEnabled(false);
  const errors = [];
  sdk.on('onError', (code, message) => errors.push([code, message]));
  sdk.terminate(); // not logged in
  sdk.sendDTMF('bad digits');
  sdk.on('onNoSuchEvent', () => {});
  sdk.on('onEnded', 'not a function');
  expect(sdk.getDeviceManager().setAudioPlayoutVolume(101)).toBe(TcccErrorCode.ERR_INVALID_ARGUMENT);
  expect(sdk.getDeviceManager().setAudioRoute(9)).toBe(TcccErrorCode.ERR_INVALID_ARGUMENT);
  expect(sdk.callExperimentalAPI('{"api":"nope"}')).toBe(TcccErrorCode.ERR_NOT_SUPPORTED);
  expect(sdk.callExperimentalAPI({ api: 'setServerUrl', params: { serverUrl: 'http://127.0.0.1:1' } })).toBe(0);
  expect(errors.map(([c]) => c)).toEqual([
    TcccErrorCode.ERR_SIP_BAD_REQUEST,
    TcccErrorCode.ERR_INVALID_ARGUMENT,
    TcccErrorCode.ERR_UNKNOWN_EVENT,
    TcccErrorCode.ERR_INVALID_ARGUMENT,
    TcccErrorCode.ERR_INVALID_ARGUMENT,
    TcccErrorCode.ERR_INVALID_ARGUMENT,
    TcccErrorCode.ERR_NOT_SUPPORTED,
  ]);
  sdk.off('*');
  sdk.sendDTMF('bad digits');
  expect(errors).toHaveLength(7);
  // Volumes are remembered (Node has no Web Audio to apply them to).
  expect(sdk.getDeviceManager().setAudioCaptureVolume(40)).toBe(0);
  expect(sdk.getDeviceManager().getAudioCaptureVolume()).toBe(40);
});

test('login where the SDK cannot start (Node 20: no WebSocket) fails in the callback at once', async () => {
  const saved = globalThis.WebSocket;
  delete globalThis.WebSocket;
  const sdk = TCCCWorkstation.sharedInstance();
  sdk.setConsoleEnabled(false);
  const spy = jest.spyOn(console, 'error').mockImplementation(() => {});
  const [code, message] = await call('login', {
    sdkAppId: 1,
    userId: 'u',
    token: 't',
    serverUrl: 'http://127.0.0.1:1',
  });
  expect(code).toBe(TcccErrorCode.ERR_NOT_SUPPORTED);
  expect(message).toMatch(/WebSocket/);
  spy.mockRestore();
  if (saved) globalThis.WebSocket = saved;
});

test('login to an unreachable server fails in the callback; checkLogin then says so', async () => {
  const saved = globalThis.WebSocket;
  globalThis.WebSocket = require('ws');
  const sdk = TCCCWorkstation.sharedInstance();
  sdk.setConsoleEnabled(false);
  const spy = jest.spyOn(console, 'error').mockImplementation(() => {});
  const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
  const [code] = await call('login', {
    sdkAppID: 1400000001,
    userId: 'u@x',
    token: 't',
    serverUrl: 'http://127.0.0.1:1',
  });
  expect(code).toBe(TcccErrorCode.ERR_HTTP_REQUEST_FAILURE);
  expect((await call('checkLogin'))[0]).toBe(TcccErrorCode.ERR_HTTP_REQUEST_FAILURE);
  spy.mockRestore();
  warn.mockRestore();
  globalThis.WebSocket = saved;
});
