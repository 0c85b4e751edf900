// SPDX-License-Identifier: Apache-2.0
// The SDK measures calls only while the page listens: a media adapter asks its host
// (`metering()`) before every reading, and the host says yes exactly while `audioVolume` or
// `networkQuality` has a listener (tccc.on / tccc.off), and never after destroy().
const { init } = require('../../../dist/index.cjs');

function sdkWithHost() {
  let host;
  const media = { handle() {}, close() {}, attach: (h) => (host = h) };
  // No sdkAppId: the SDK does not start (every call rejects), but its events and media host exist.
  const error = jest.spyOn(console, 'error').mockImplementation(() => {});
  const tccc = init({ userId: 'a', token: 't', serverUrl: 'http://127.0.0.1:9', media });
  error.mockRestore();
  return { tccc, host };
}

test('metering() is true exactly while audioVolume or networkQuality has a listener', () => {
  const { tccc, host } = sdkWithHost();
  const volume = () => {};
  const quality = () => {};
  const other = () => {};
  expect(host.metering()).toBe(false);
  tccc.on('mediaStateChanged', other);
  expect(host.metering()).toBe(false);
  tccc.on('audioVolume', volume);
  expect(host.metering()).toBe(true);
  tccc.on('networkQuality', quality);
  tccc.off('audioVolume', volume);
  expect(host.metering()).toBe(true);
  tccc.off('networkQuality', quality);
  expect(host.metering()).toBe(false);
  tccc.on('networkQuality', quality);
  tccc.destroy();
  expect(host.metering()).toBe(false);
});

test('both events are in tccc.events, and emitting them reaches listeners as {data}', async () => {
  const { tccc, host } = sdkWithHost();
  expect(tccc.events.audioVolume).toBe('audioVolume');
  expect(tccc.events.networkQuality).toBe('networkQuality');
  const got = [];
  tccc.on('audioVolume', (p) => got.push(['audioVolume', p]));
  tccc.on('networkQuality', (p) => got.push(['networkQuality', p]));
  host.emit('audioVolume', { sessionId: 's-1', agent: 40, remote: 3 });
  host.emit('networkQuality', { sessionId: 's-1', quality: 2, lossPercent: 1.5, jitterMs: 4, rttMs: 2 });
  await new Promise((r) => setTimeout(r, 0));
  expect(got).toEqual([
    ['audioVolume', { data: { sessionId: 's-1', agent: 40, remote: 3 } }],
    ['networkQuality', { data: { sessionId: 's-1', quality: 2, lossPercent: 1.5, jitterMs: 4, rttMs: 2 } }],
  ]);
  tccc.destroy();
});
