// SPDX-License-Identifier: Apache-2.0
// What a transport tells the meters about its call, one reading at a time. The meters (CallMeters)
// do not know where the figures come from: WebRTC reads them from getStats() (WebRtcStats.ts); the
// WebSocket transport will read the levels from its AudioWorklet and loss and jitter from its
// jitter buffer and the server's report frames. Counters are cumulative since the call's media
// started, so a reading that is late or skipped loses nothing.

export interface MeterSample {
  /** The call's media is connected now (when it is not, no volume is reported and quality is Down). */
  connected: boolean;
  /** The agent's voice as sent, linear 0..1 (1 = full scale). */
  agentLevel?: number;
  /** The far end's voice as received, linear 0..1. */
  remoteLevel?: number;
  /** Audio packets of the far end that arrived here, since the start. */
  packetsReceived?: number;
  /** Audio packets of the far end that never arrived, since the start. */
  packetsLost?: number;
  /** The share of this side's packets the other end reports lost lately (0..1), when it reports. */
  remoteFractionLost?: number;
  /** Jitter of the audio arriving, ms. */
  jitterMs?: number;
  /** Round-trip time to the media server, ms. */
  rttMs?: number;
}

/** A transport's figures for one call; undefined while it has none to give (e.g. no connection yet). */
export interface MeterSource {
  read(): Promise<MeterSample | undefined>;
}
