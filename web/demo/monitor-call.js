// SPDX-License-Identifier: Apache-2.0
// A supervisor on an agent's call, from the supervisor page (docs/protocol.md, "Supervisor on a
// call"): tccc.Supervisor.monitor() puts the supervisor on the call and answers a single-use ticket;
// this page then opens its own WebRTC connection to the server with it — the SDP offer POSTed to
// the ticket's path on the SDK's server, the answer in the response — and plays what the server
// mixes for it. The microphone goes with the offer from the start, so changing the mode is one
// request and no new connection; it sends only while the supervisor whispers or barges in.
export class CallMonitor {
  /**
   * @param {object} tccc    the SDK (window.tccc), logged in as the supervisor
   * @param {string} origin  the SDK's server, e.g. http://127.0.0.1:8080
   * @param {HTMLAudioElement} audio  where the call is played
   */
  constructor(tccc, origin, audio) {
    this.tccc = tccc;
    this.origin = origin;
    this.audio = audio;
    this.sessionId = null;
    this.mode = null;
    this.pc = null;
    this.mic = null;
  }

  /** Goes on `sessionId`'s call in `mode`, leaving any other call first. */
  async start(sessionId, mode) {
    if (this.sessionId && this.sessionId !== sessionId) await this.stop();
    if (this.sessionId === sessionId) return this.setMode(mode);
    const res = await this.tccc.Supervisor.monitor({ sessionId, mode });
    const ticket = res.data || res;
    this.sessionId = sessionId;
    this.mode = mode;
    try {
      await this.connect(ticket);
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  /** Listen, whisper or barge on the call already open. */
  async setMode(mode) {
    if (!this.sessionId || mode === this.mode) return;
    await this.tccc.Supervisor.monitor({ sessionId: this.sessionId, mode });
    this.mode = mode;
    this.applyMic();
  }

  /** Off the call: the server closes its side, this page its own. */
  async stop() {
    const sessionId = this.sessionId;
    this.release();
    if (sessionId) {
      try {
        await this.tccc.Supervisor.stopMonitor({ sessionId });
      } catch (err) {
        // The call may have ended, and the server took the supervisor off with it.
      }
    }
  }

  /** The call ended under us: nothing to tell the server. */
  release() {
    if (this.pc) this.pc.close();
    if (this.mic) this.mic.getTracks().forEach((t) => t.stop());
    this.audio.srcObject = null;
    this.pc = null;
    this.mic = null;
    this.sessionId = null;
    this.mode = null;
  }

  applyMic() {
    if (this.mic) this.mic.getAudioTracks().forEach((t) => (t.enabled = this.mode !== 'listen'));
  }

  async connect(ticket) {
    this.mic = await navigator.mediaDevices.getUserMedia({ audio: true });
    this.applyMic();
    const pc = new RTCPeerConnection();
    this.pc = pc;
    this.mic.getAudioTracks().forEach((t) => pc.addTrack(t, this.mic));
    pc.addEventListener('track', (e) => {
      this.audio.srcObject = e.streams[0] || new MediaStream([e.track]);
      this.audio.play().catch(() => {});
    });
    await pc.setLocalDescription(await pc.createOffer());
    // The server is ICE-lite and takes no trickled candidates: the offer carries them all.
    await new Promise((resolve) => {
      if (pc.iceGatheringState === 'complete') return resolve();
      const done = () => pc.iceGatheringState === 'complete' && resolve();
      pc.addEventListener('icegatheringstatechange', done);
      setTimeout(resolve, 3000);
    });
    const answer = await fetch(this.origin + ticket.path, {
      method: 'POST',
      headers: { 'content-type': 'application/sdp', authorization: 'Bearer ' + ticket.token },
      body: pc.localDescription.sdp,
    });
    const text = await answer.text();
    if (answer.status !== 201) {
      let why = text;
      try {
        why = JSON.parse(text).error || text;
      } catch (e) {
        // not JSON: the text itself
      }
      throw new Error(why);
    }
    if (this.pc !== pc) return; // stopped meanwhile
    await pc.setRemoteDescription({ type: 'answer', sdp: text });
  }
}
