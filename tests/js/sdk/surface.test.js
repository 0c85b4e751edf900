// SPDX-License-Identifier: Apache-2.0
// The rest of the public surface: the error type over the whole catalogue, Devices against the
// browser APIs it reads, the UI visibility state, and the object's shape.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { FakeServer } = require('./helpers/FakeServer');
const { sdkPackage, startSdk } = require('./helpers/sdk');

const { ErrorCode, TcccError, errorsByCode } = sdkPackage;
const catalogue = JSON.parse(
  fs.readFileSync(path.join(__dirname, '../../../src/errors/catalogue.json'), 'utf8'),
).errors;

let server;
let sdk;
beforeEach(async () => {
  server = await FakeServer.start();
});
afterEach(async () => {
  if (sdk) sdk.tccc.destroy();
  sdk = undefined;
  await server.close();
});

describe('TcccError over the catalogue', () => {
  test.each(catalogue.map((e) => [e.name, e.code]))(
    '%s (%i) constructs with its name, code and the documented shape',
    (name, code) => {
      const e = new TcccError(code, 'what happened');
      expect(e).toBeInstanceOf(Error);
      expect(e.name).toBe(name);
      expect(e.code).toBe(code);
      expect(e.status).toBe('error');
      expect(e.errorMsg).toBe('what happened');
      expect(e.message).toBe(`${name} (${code}): what happened`);
      expect(ErrorCode[name]).toBe(code);
      expect(errorsByCode.get(code).name).toBe(name);
    },
  );

  test('a code the catalogue does not know keeps its number', () => {
    const e = new TcccError(123456);
    expect(e.code).toBe(123456);
    expect(e.name).toBe('ERR_INTERNAL');
    expect(e.errorMsg).toMatch(/123456/);
  });
});

describe('Devices', () => {
  const saved = {};
  beforeEach(() => {
    for (const k of ['navigator', 'RTCPeerConnection', 'WebSocket'])
      saved[k] = Object.getOwnPropertyDescriptor(globalThis, k);
  });
  afterEach(() => {
    for (const [k, d] of Object.entries(saved)) {
      if (d) Object.defineProperty(globalThis, k, d);
      else delete globalThis[k];
    }
  });
  const devices = [
    { kind: 'audioinput', deviceId: 'mic-1', label: 'Mic', groupId: 'g' },
    { kind: 'audiooutput', deviceId: 'spk-1', label: 'Speaker', groupId: 'g' },
    { kind: 'videoinput', deviceId: 'cam-1', label: 'Camera', groupId: 'g' },
    { kind: 'audioinput', deviceId: 'mic-2', label: 'Headset', groupId: 'h' },
  ];
  const browser = () => {
    Object.defineProperty(globalThis, 'navigator', {
      configurable: true,
      writable: true,
      value: { mediaDevices: { enumerateDevices: async () => devices, getUserMedia: async () => ({}) } },
    });
    globalThis.RTCPeerConnection = function RTCPeerConnection() {};
    globalThis.WebSocket = function WebSocket() {};
  };

  test('isBrowserSupported() is true only with WebSocket, WebAssembly, RTCPeerConnection and getUserMedia', () => {
    sdk = startSdk(server);
    browser();
    expect(sdk.tccc.Devices.isBrowserSupported()).toBe(true);
    delete globalThis.RTCPeerConnection;
    expect(sdk.tccc.Devices.isBrowserSupported()).toBe(false);
    browser();
    globalThis.navigator.mediaDevices = undefined;
    expect(sdk.tccc.Devices.isBrowserSupported()).toBe(false);
  });

  test('getMicrophones() and getSpeakers() filter enumerateDevices() by kind', async () => {
    sdk = startSdk(server);
    browser();
    expect((await sdk.tccc.Devices.getMicrophones()).map((d) => d.deviceId)).toEqual(['mic-1', 'mic-2']);
    expect((await sdk.tccc.Devices.getSpeakers()).map((d) => d.deviceId)).toEqual(['spk-1']);
  });

  test('setSpeaker() checks its argument, needs setSinkId, tries the output first and remembers it', async () => {
    const saved2 = {
      Audio: Object.getOwnPropertyDescriptor(globalThis, 'Audio'),
      HTMLMediaElement: Object.getOwnPropertyDescriptor(globalThis, 'HTMLMediaElement'),
    };
    const sinks = [];
    const media = { handle() {}, close() {}, setSpeaker: jest.fn(async () => {}) };
    try {
      sdk = startSdk(server, { media });
      const { Devices } = sdk.tccc;
      // No setSinkId (Safari): not supported, and nothing changes.
      delete globalThis.HTMLMediaElement;
      expect(Devices.canChooseSpeaker()).toBe(false);
      const none = await Devices.setSpeaker({ deviceId: 'spk-1' }).catch((e) => e);
      expect(none.code).toBe(ErrorCode.ERR_NOT_SUPPORTED);
      class FakeMedia {
        async setSinkId(id) {
          if (id === 'gone') throw Object.assign(new Error('Requested device not found'), { name: 'NotFoundError' });
          sinks.push(id);
        }
      }
      globalThis.HTMLMediaElement = FakeMedia;
      globalThis.Audio = FakeMedia;
      expect(Devices.canChooseSpeaker()).toBe(true);
      for (const bad of [undefined, {}, { deviceId: 7 }, { deviceId: 'x'.repeat(257) }]) {
        const err = await Devices.setSpeaker(bad).catch((e) => e);
        expect(err.code).toBe(ErrorCode.ERR_INVALID_ARGUMENT);
      }
      await expect(Devices.setSpeaker({ deviceId: 'spk-1' })).resolves.toEqual({
        status: 'success',
        data: { deviceId: 'spk-1' },
      });
      expect(Devices.getSpeaker()).toBe('spk-1');
      expect(media.setSpeaker).toHaveBeenCalledWith('spk-1');
      const gone = await Devices.setSpeaker({ deviceId: 'gone' }).catch((e) => e);
      expect(gone.code).toBe(ErrorCode.ERR_SPEAKER_START_FAIL);
      expect(gone.errorMsg).toMatch(/NotFoundError/);
      expect(Devices.getSpeaker()).toBe('spk-1'); // the old output stays
      expect(media.setSpeaker).toHaveBeenCalledTimes(1);
      await Devices.setSpeaker({ deviceId: '' }); // back to the default
      expect(Devices.getSpeaker()).toBe('');
      expect(sinks).toEqual(['spk-1', '']);
    } finally {
      for (const [k, d] of Object.entries(saved2)) {
        if (d) Object.defineProperty(globalThis, k, d);
        else delete globalThis[k];
      }
    }
  });

  test('without mediaDevices the lists reject ERR_NOT_SUPPORTED', async () => {
    sdk = startSdk(server);
    Object.defineProperty(globalThis, 'navigator', { configurable: true, writable: true, value: {} });
    const err = await sdk.tccc.Devices.getMicrophones().catch((e) => e);
    expect(err).toBeInstanceOf(TcccError);
    expect(err.code).toBe(ErrorCode.ERR_NOT_SUPPORTED);
  });
});

describe('UI and shape', () => {
  test('UI methods keep the visibility state the built-in UI will honour', () => {
    sdk = startSdk(server);
    const ui = () => sdk.diagnostics().ui;
    expect(ui()).toEqual({ visible: true, floatButton: true, workbench: false });
    sdk.tccc.UI.showWorkbench();
    sdk.tccc.UI.hidefloatButton();
    expect(ui()).toEqual({ visible: true, floatButton: false, workbench: true });
    sdk.tccc.UI.hide();
    expect(ui().visible).toBe(false);
    sdk.tccc.UI.show();
    sdk.tccc.UI.showfloatButton();
    sdk.tccc.UI.hideWorkbench();
    expect(ui()).toEqual({ visible: true, floatButton: true, workbench: false });
    for (const f of Object.values(sdk.tccc.UI)) expect(f()).toBeUndefined();
  });

  test('the object has exactly the documented namespaces and methods, frozen', () => {
    sdk = startSdk(server);
    const { tccc } = sdk;
    expect(Object.keys(tccc).sort()).toEqual(
      [
        'Agent',
        'Call',
        'Chat',
        'Devices',
        'Supervisor',
        'UI',
        'Video',
        'destroy',
        'events',
        'off',
        'on',
        'version',
      ].sort(),
    );
    expect(Object.keys(tccc.Call).sort()).toEqual(
      [
        'accept',
        'deleteCall',
        'hold',
        'hungUp',
        'isMicMuted',
        'muteMic',
        'pauseRecording',
        'resumeRecording',
        'sendDigits',
        'startInternalCall',
        'startOutboundCall',
        'transfer',
        'unHold',
        'unmuteMic',
      ].sort(),
    );
    expect(Object.keys(tccc.Chat).sort()).toEqual(['accept', 'end', 'getMessages', 'sendMessage', 'transfer']);
    expect(Object.keys(tccc.Video).sort()).toEqual([
      'accept',
      'end',
      'muteMic',
      'muteVideo',
      'pauseRecording',
      'resumeRecording',
      'transfer',
      'unmuteMic',
      'unmuteVideo',
    ]);
    expect(Object.keys(tccc.Agent).sort()).toEqual([
      'getDirectory',
      'getHistory',
      'getStatus',
      'offline',
      'online',
      'setStatus',
      'wrapUp',
    ]);
    expect(Object.keys(tccc.Supervisor).sort()).toEqual([
      'logoutAgent',
      'monitor',
      'setAgentStatus',
      'stopMonitor',
      'unwatch',
      'watch',
    ]);
    expect(Object.keys(tccc.Devices).sort()).toEqual([
      'canChooseSpeaker',
      'getMicrophones',
      'getSpeaker',
      'getSpeakers',
      'isBrowserSupported',
      'setMicrophone',
      'setSpeaker',
    ]);
    expect(Object.keys(tccc.UI).sort()).toEqual(
      ['configure', 'hide', 'hidefloatButton', 'hideWorkbench', 'show', 'showWorkbench', 'showfloatButton'].sort(),
    );
    expect(tccc.version).toBe(
      JSON.parse(fs.readFileSync(path.join(__dirname, '../../../package.json'), 'utf8')).version,
    );
    expect(Object.isFrozen(tccc)).toBe(true);
    expect(Object.isFrozen(tccc.Call)).toBe(true);
  });
});

describe('the npm package', () => {
  // What an integrator's `npm install tccc` brings in: nothing but this package, and no script runs.
  // Everything the SDK needs is bundled at build time, so its supply chain is this repository, and
  // `npm audit --omit=dev` has nothing to report (docs/reliability.md, "Dependencies").
  test('has no runtime dependencies and no install scripts', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../package.json'), 'utf8'));
    for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies', 'bundleDependencies'])
      expect([field, Object.keys(pkg[field] ?? {})]).toEqual([field, []]);
    for (const hook of ['preinstall', 'install', 'postinstall', 'prepare'])
      expect([hook, pkg.scripts?.[hook]]).toEqual([hook, undefined]);
  });
});
