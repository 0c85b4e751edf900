// SPDX-License-Identifier: Apache-2.0
// Which transport a call's audio takes (js/src/media/TransportChooser.ts): for each mode, a call's
// story as a list of events, and what the adapter is told to do at each step and the phase it ends in.
const { loadTs } = require('../helpers/tsModule');

const { TransportChooser } = loadTs('js/src/media/TransportChooser.ts');

/** Runs `events` through a fresh chooser: `event -> effect,effect` per step, then the final phase. */
function story(mode, events) {
  const c = new TransportChooser(mode);
  const steps = events.map((e) => `${e} -> ${c.step(e).join(',') || '-'}`);
  return { steps, phase: c.phase };
}

test.each([
  // mode, events, expected steps, final phase
  [
    'auto: ICE connects in time, WebRTC stays',
    'auto',
    ['offer', 'signal', 'iceConnected', 'timeout'],
    ['offer -> forward,startTimer', 'signal -> forward', 'iceConnected -> cancelTimer', 'timeout -> -'],
    'webrtc',
  ],
  [
    'auto: no ICE in time, the WebSocket takes over',
    'auto',
    ['offer', 'timeout', 'signal', 'wsOpened', 'signal', 'offer'],
    [
      'offer -> forward,startTimer',
      'timeout -> askWebSocket',
      'signal -> forward',
      'wsOpened -> endWebRtc,announce',
      'signal -> drop',
      'offer -> drop',
    ],
    'websocket',
  ],
  [
    'auto: a ringing call starts its timer on accept',
    'auto',
    ['ringingOffer', 'signal', 'prepare', 'timeout'],
    ['ringingOffer -> forward', 'signal -> forward', 'prepare -> forward,startTimer', 'timeout -> askWebSocket'],
    'asking',
  ],
  [
    'auto: accepted before the offer',
    'auto',
    ['prepare', 'offer'],
    ['prepare -> forward', 'offer -> forward,startTimer'],
    'trying',
  ],
  [
    'auto: the WebSocket refused (media not anchored): WebRTC goes on',
    'auto',
    ['offer', 'timeout', 'wsRefused', 'iceConnected'],
    ['offer -> forward,startTimer', 'timeout -> askWebSocket', 'wsRefused -> -', 'iceConnected -> -'],
    'webrtc',
  ],
  [
    'auto: ICE connects while the WebSocket is asked for: WebRTC wins',
    'auto',
    ['start', 'timeout', 'iceConnected', 'wsOpened'],
    ['start -> forward,startTimer', 'timeout -> askWebSocket', 'iceConnected -> -', 'wsOpened -> closeWebSocket'],
    'webrtc',
  ],
  [
    'auto: the WebSocket leg gives up; a fresh offer is a new negotiation',
    'auto',
    ['offer', 'timeout', 'wsOpened', 'wsClosed', 'offer'],
    [
      'offer -> forward,startTimer',
      'timeout -> askWebSocket',
      'wsOpened -> endWebRtc,announce',
      'wsClosed -> -',
      'offer -> forward,startTimer',
    ],
    'trying',
  ],
  [
    'auto: ICE lost mid-call and not back in time: the WebSocket takes over',
    'auto',
    ['offer', 'iceConnected', 'iceLost', 'signal', 'timeout', 'wsOpened'],
    [
      'offer -> forward,startTimer',
      'iceConnected -> cancelTimer',
      'iceLost -> startTimer',
      'signal -> forward',
      'timeout -> askWebSocket',
      'wsOpened -> endWebRtc,announce',
    ],
    'websocket',
  ],
  [
    'auto: ICE lost mid-call and restarted in time: WebRTC stays',
    'auto',
    ['offer', 'iceConnected', 'iceLost', 'signal', 'iceConnected', 'timeout', 'iceLost'],
    [
      'offer -> forward,startTimer',
      'iceConnected -> cancelTimer',
      'iceLost -> startTimer',
      'signal -> forward',
      'iceConnected -> cancelTimer',
      'timeout -> -',
      'iceLost -> startTimer',
    ],
    'trying',
  ],
  [
    "auto: a loss before ICE ever connected is the start timer's business",
    'auto',
    ['offer', 'iceLost', 'timeout'],
    ['offer -> forward,startTimer', 'iceLost -> -', 'timeout -> askWebSocket'],
    'asking',
  ],
  [
    'websocket: WebRTC never runs',
    'websocket',
    ['offer', 'signal', 'wsOpened', 'signal', 'timeout'],
    [
      'offer -> queue,askWebSocket',
      'signal -> queue',
      'wsOpened -> discard,announce',
      'signal -> drop',
      'timeout -> -',
    ],
    'websocket',
  ],
  [
    'websocket: a ringing call asks on accept',
    'websocket',
    ['ringingOffer', 'signal', 'prepare', 'wsOpened'],
    ['ringingOffer -> queue', 'signal -> queue', 'prepare -> queue,askWebSocket', 'wsOpened -> discard,announce'],
    'websocket',
  ],
  [
    'websocket: not anchored, so WebRTC gets what was held back',
    'websocket',
    ['offer', 'signal', 'wsRefused', 'signal'],
    ['offer -> queue,askWebSocket', 'signal -> queue', 'wsRefused -> replay', 'signal -> forward'],
    'webrtc',
  ],
  [
    'websocket: the caller of an internal call',
    'websocket',
    ['start', 'wsOpened'],
    ['start -> queue,askWebSocket', 'wsOpened -> discard,announce'],
    'websocket',
  ],
  [
    'auto: this side calls and it still rings: the ticket is asked for again later',
    'auto',
    ['start', 'timeout', 'wsNotYet', 'timeout', 'wsOpened'],
    [
      'start -> forward,startTimer',
      'timeout -> askWebSocket',
      'wsNotYet -> startTimer',
      'timeout -> askWebSocket',
      'wsOpened -> endWebRtc,announce',
    ],
    'websocket',
  ],
  [
    'websocket: this side calls and it still rings: asked again after the delay',
    'websocket',
    ['start', 'wsNotYet', 'timeout', 'wsOpened'],
    [
      'start -> queue,askWebSocket',
      'wsNotYet -> startTimer',
      'timeout -> askWebSocket',
      'wsOpened -> discard,announce',
    ],
    'websocket',
  ],
  [
    'webrtc: everything to WebRTC, no timer',
    'webrtc',
    ['offer', 'signal', 'prepare', 'timeout', 'iceConnected'],
    ['offer -> forward', 'signal -> forward', 'prepare -> forward', 'timeout -> -', 'iceConnected -> -'],
    'new',
  ],
])('%s', (_name, mode, events, steps, phase) => {
  expect(story(mode, events)).toEqual({ steps, phase });
});

test.each([
  // mode, events, the reason mediaTransportChanged gives
  ['auto', ['offer', 'timeout', 'wsOpened'], 'iceTimeout'],
  ['auto', ['offer', 'iceConnected', 'iceLost', 'timeout', 'wsOpened'], 'iceLost'],
  // The WebSocket leg gave up and the next offer never connected: a new call's timeout again.
  [
    'auto',
    ['offer', 'iceConnected', 'iceLost', 'timeout', 'wsOpened', 'wsClosed', 'offer', 'timeout', 'wsOpened'],
    'iceTimeout',
  ],
  ['websocket', ['offer', 'wsOpened'], 'configured'],
])('%s: %j is announced as %s', (mode, events, reason) => {
  const c = new TransportChooser(mode);
  for (const e of events) c.step(e);
  expect(c.phase).toBe('websocket');
  expect(c.reason).toBe(reason);
});
