// SPDX-License-Identifier: Apache-2.0
// The meters' figures of a WebRTC call, from its peer connection's getStats(): the levels the
// browser measures anyway (media-source: the agent's microphone as sent; inbound-rtp: the far end
// as received), the far end's packets received and lost and their jitter (inbound-rtp), the loss
// the far end reports of ours and the round-trip time (remote-inbound-rtp, from its RTCP reports),
// or else the round-trip time of the selected candidate pair (ICE consent checks).
import type { MeterSample, MeterSource } from './MeterSample';

/** The getStats() entries read here (a subset of RTCStats). */
export interface StatsEntry {
  type?: string;
  kind?: string;
  audioLevel?: number;
  packetsReceived?: number;
  packetsLost?: number;
  jitter?: number; // seconds
  fractionLost?: number;
  roundTripTime?: number; // seconds
  currentRoundTripTime?: number; // seconds
  state?: string;
  nominated?: boolean;
  selected?: boolean;
}

const maxOf = (a: number | undefined, b: number) => (a === undefined ? b : Math.max(a, b));

/** One getStats() report (its entries in any order) as a reading. */
export function sampleOf(entries: Iterable<StatsEntry>, connected: boolean): MeterSample {
  const s: MeterSample = { connected };
  let pairRtt: number | undefined;
  let rtt: number | undefined;
  for (const e of entries) {
    if (e.type === 'candidate-pair') {
      const chosen = e.selected || (e.nominated && e.state === 'succeeded');
      if (chosen && typeof e.currentRoundTripTime === 'number') pairRtt = e.currentRoundTripTime;
      continue;
    }
    if (e.kind !== 'audio') continue;
    if (e.type === 'media-source' && typeof e.audioLevel === 'number') {
      s.agentLevel = maxOf(s.agentLevel, e.audioLevel);
    } else if (e.type === 'inbound-rtp') {
      if (typeof e.audioLevel === 'number') s.remoteLevel = maxOf(s.remoteLevel, e.audioLevel);
      s.packetsReceived = (s.packetsReceived ?? 0) + (e.packetsReceived ?? 0);
      s.packetsLost = (s.packetsLost ?? 0) + Math.max(0, e.packetsLost ?? 0);
      if (typeof e.jitter === 'number') s.jitterMs = maxOf(s.jitterMs, e.jitter * 1000);
    } else if (e.type === 'remote-inbound-rtp') {
      if (typeof e.roundTripTime === 'number') rtt = maxOf(rtt, e.roundTripTime);
      if (typeof e.fractionLost === 'number') s.remoteFractionLost = maxOf(s.remoteFractionLost, e.fractionLost);
    }
  }
  const roundTrip = rtt ?? pairRtt;
  if (roundTrip !== undefined) s.rttMs = roundTrip * 1000;
  return s;
}

/** The figures of whatever peer connection `pc()` gives now (undefined while there is none). */
export function webRtcSource(pc: () => RTCPeerConnection | undefined): MeterSource {
  return {
    async read() {
      const conn = pc();
      if (!conn || typeof conn.getStats !== 'function') return undefined;
      const entries: StatsEntry[] = [];
      try {
        (await conn.getStats()).forEach((e: StatsEntry) => entries.push(e));
      } catch {
        return undefined; // the connection is closing; the end of the call stops the meters
      }
      return sampleOf(entries, conn.connectionState === 'connected');
    },
  };
}
