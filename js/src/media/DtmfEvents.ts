// SPDX-License-Identifier: Apache-2.0
// DTMF as RFC 4733 telephone events for the WebSocket audio leg: which event code a digit is, and
// the packets one tone is sent as. As WebRTC's RTCDTMFSender does: one packet every 20 ms with the
// duration so far, all with the tone's starting timestamp, and the final packet (end bit set)
// three times, so one lost packet does not leave the far end's tone playing.

/** RFC 4733 3.2: 0-9, *, #, A-D. */
const CODES: Record<string, number> = { '*': 10, '#': 11, A: 12, B: 13, C: 14, D: 15 };

export function dtmfCode(digit: string): number | undefined {
  if (/^[0-9]$/.test(digit)) return Number(digit);
  return CODES[digit.toUpperCase()];
}

/** One packet of a tone: its duration so far in 48 kHz samples, and whether it is an end packet. */
export interface ToneStep {
  duration: number;
  end: boolean;
}

/** The packets of one `toneMs` tone at 20 ms intervals (the 3 end packets go out together). */
export function toneSteps(toneMs: number): ToneStep[] {
  const frames = Math.max(1, Math.round(toneMs / 20));
  const steps: ToneStep[] = [];
  for (let i = 1; i < frames; i++) steps.push({ duration: i * 960, end: false });
  for (let i = 0; i < 3; i++) steps.push({ duration: frames * 960, end: true });
  return steps;
}
