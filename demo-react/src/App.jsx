// SPDX-License-Identifier: Apache-2.0
// The React demo: log in through the backend's SdkURL with the npm package (src/sdk.js), one-click outbound (the seed guide's React
// "CallButton" sample), answer a callIn through the API, switch status, and watch every SDK event
// live. Text from the network is rendered as JSX text (escaped), never dangerouslySetInnerHTML.
// Sessions are told apart by type (web/demo/demo-sessions.js): chats use tccc.Chat.* and run
// alongside calls.
import { useEffect, useRef, useState } from 'react';
import { backend } from '../../web/demo/sdk-login.js';
import { startSdk } from './sdk.js';
import '../../web/demo/demo-sessions.js';

const words = window.tcccDemoSessions;

/** The seed guide's React sample: one click places the call. */
export function CallButton({ phoneNumber, disabled, onCalled, onError }) {
  function sdkCall() {
    window.tccc.Call.startOutboundCall({
      phoneNumber,
    })
      .then((res) => {
        onCalled(res.data.sessionId);
      })
      .catch((err) => {
        onError(err.errorMsg);
      });
  }
  return (
    <button type="button" data-testid="call" disabled={disabled} onClick={sdkCall}>
      一键外呼 Call
    </button>
  );
}

let counter = 0;

export function App() {
  const [agents, setAgents] = useState([]);
  const [userId, setUserId] = useState('');
  const [builtinUi, setBuiltinUi] = useState(false);
  const [state, setState] = useState('未登录 logged out');
  const [ready, setReady] = useState(false);
  const [error, setError] = useState('');
  const [status, setStatus] = useState({ status: 'offline', restReason: '' });
  const [nextStatus, setNextStatus] = useState('free');
  const [phoneNumber, setPhoneNumber] = useState('10000000001'); // a test number of the reference server
  const [callId, setCallId] = useState(''); // the call in progress; chats are not calls
  const [ringing, setRinging] = useState(null); // the callIn data of the offer on screen
  const [chats, setChats] = useState([]); // answered chats: [{sessionId, type, peer}]
  // sessionId -> callIn data: the type and peer of every session offered to us (read by callbacks).
  const offers = useRef({});
  const [events, setEvents] = useState([]);
  // The SDK's callbacks outlive a render: they read the current builtinUi through a ref.
  const builtinRef = useRef(builtinUi);
  builtinRef.current = builtinUi;

  useEffect(() => {
    backend('api/agents')
      .then((res) => {
        setAgents(res.agents);
        setUserId(res.agents[0]?.userId ?? '');
      })
      .catch((err) =>
        setError(
          `后端不可用 the demo backend is not reachable (${err.message}): run \`npm start\` at the repository root`,
        ),
      );
    return () => {
      if (window.tccc) window.tccc.destroy();
    };
  }, []);

  const applyBuiltinUi = (on) => {
    if (!window.tccc) return;
    if (on) window.tccc.UI.show();
    else window.tccc.UI.hide();
  };

  const log = (name, payload) => {
    const entry = {
      n: ++counter,
      name,
      time: new Date().toLocaleTimeString(),
      data: JSON.stringify(payload?.data ?? payload),
    };
    setEvents((list) => [entry, ...list].slice(0, 200));
  };

  const run = (promise) => {
    setError('');
    return promise.catch((err) => setError(err?.errorMsg || err?.message || String(err)));
  };

  // A session the agent is now in (answered here, in the built-in workbench, or dialled).
  const joined = (sessionId) => {
    const offer = offers.current[sessionId];
    setRinging((r) => (r?.sessionId === sessionId ? null : r));
    if (offer && words.isChat(offer.type)) {
      const chat = { sessionId, type: offer.type, peer: words.peerOf(offer) };
      setChats((list) => (list.some((c) => c.sessionId === sessionId) ? list : [...list, chat]));
    } else {
      setCallId(sessionId);
    }
  };

  const ended = (sessionId) => {
    setCallId((s) => (s === sessionId ? '' : s));
    setRinging((r) => (r?.sessionId === sessionId ? null : r));
    setChats((list) => list.filter((c) => c.sessionId !== sessionId));
    delete offers.current[sessionId];
  };

  async function login() {
    setError('');
    setReady(false);
    offers.current = {};
    setCallId('');
    setRinging(null);
    setChats([]);
    try {
      setState('加载 SDK… loading the SDK');
      const tccc = await startSdk(userId);
      applyBuiltinUi(builtinRef.current);
      // Every event but the meters (audioVolume, networkQuality: several a second during a call).
      for (const name of Object.keys(tccc.events))
        if (name !== 'audioVolume' && name !== 'networkQuality') tccc.on(tccc.events[name], (p) => log(name, p));
      tccc.on(tccc.events.ready, () => {
        setReady(true);
        setState(`已就绪 ready (${userId})`);
        setStatus({ status: tccc.Agent.getStatus(), restReason: '' });
      });
      tccc.on(tccc.events.statusChanged, ({ data }) =>
        setStatus({ status: data.status, restReason: data.restReason || '' }),
      );
      tccc.on(tccc.events.callIn, ({ data }) => {
        offers.current[data.sessionId] = data;
        setRinging(data);
      });
      tccc.on(tccc.events.callOuted, ({ data }) => setCallId(data.sessionId));
      tccc.on(tccc.events.userAccessed, ({ data }) => joined(data.sessionId));
      tccc.on(tccc.events.sessionEnded, ({ data }) => ended(data.sessionId));
      for (const name of ['tokenExpired', 'kickedOut', 'reconnectFailed']) {
        tccc.on(tccc.events[name], ({ data }) => {
          setReady(false);
          setState('未登录 logged out');
          setError(words.problemText(name, data));
        });
      }
      setState('登录中… logging in');
    } catch (err) {
      setState('未登录 logged out');
      setError(err.message);
    }
  }

  function changeStatus() {
    let next = nextStatus;
    // Leaving notReady is its own request (stopNotReady), as in the TCCC API.
    if (next === 'free' && window.tccc.Agent.getStatus() === 'notReady') next = 'stopNotReady';
    // The reason goes as a code; every page shows it in its own words (demo-sessions.js).
    run(window.tccc.Agent.setStatus(next === 'rest' ? { status: next, restReason: 'break' } : { status: next }));
  }

  return (
    <main>
      <h1>
        tccc demo <small>React</small>
      </h1>

      <section>
        <h2>1. 登录 Log in</h2>
        <div className="row">
          <label>
            坐席 Agent{' '}
            <select value={userId} onChange={(e) => setUserId(e.target.value)} data-testid="agent">
              {agents.map((a) => (
                <option key={a.userId} value={a.userId}>
                  {a.name ? `${a.userId} (${a.name})` : a.userId}
                </option>
              ))}
            </select>
          </label>
          <button type="button" data-testid="login" disabled={!userId} onClick={login}>
            登录 Log in
          </button>
          <label>
            <input
              type="checkbox"
              data-testid="builtin-ui"
              checked={builtinUi}
              onChange={(e) => {
                setBuiltinUi(e.target.checked);
                applyBuiltinUi(e.target.checked);
              }}
            />{' '}
            内置工作台 Built-in workbench
          </label>
        </div>
        <p>
          状态 State: <b data-testid="state">{state}</b>
        </p>
        <p className="error" role="alert" data-testid="error">
          {error}
        </p>
      </section>

      <section>
        <h2>
          2. 坐席状态 Agent status:{' '}
          <span data-testid="agent-status" data-status={status.status}>
            {words.statusText(status.status, status.restReason)}
          </span>
        </h2>
        <div className="row">
          <select
            value={nextStatus}
            onChange={(e) => setNextStatus(e.target.value)}
            data-testid="status-select"
            aria-label="status"
          >
            <option value="free">空闲 Available</option>
            <option value="rest">小休 On break</option>
            <option value="notReady">示忙 Not ready</option>
          </select>
          <button type="button" data-testid="set-status" disabled={!ready} onClick={changeStatus}>
            切换 Set
          </button>
        </div>
      </section>

      <section>
        <h2>3. 通话 Calls</h2>
        <div className="row">
          <label>
            号码 Number{' '}
            <input
              value={phoneNumber}
              onChange={(e) => setPhoneNumber(e.target.value)}
              data-testid="phone"
              inputMode="tel"
            />
          </label>
          <CallButton
            phoneNumber={phoneNumber.trim()}
            disabled={!ready || !!callId}
            onCalled={setCallId}
            onError={setError}
          />
        </div>
        {ringing && (
          <div className="incoming" data-testid="incoming">
            <b data-testid="incoming-title">{words.incomingTitle(ringing.type)}</b>:{' '}
            <b data-testid="incoming-peer">{words.peerOf(ringing)}</b>
            <ul className="details" data-testid="incoming-details">
              {words.detailsOf(ringing).map((line) => (
                <li key={line}>{line}</li>
              ))}
            </ul>
            <button type="button" data-testid="answer" onClick={() => run(words.accept(window.tccc, ringing))}>
              接听 Answer
            </button>{' '}
            <button type="button" data-testid="reject" onClick={() => run(words.end(window.tccc, ringing))}>
              {words.declineLabel(ringing.type)}
            </button>
          </div>
        )}
        {callId && (
          <div className="row" data-testid="active">
            通话 Call <code data-testid="session">{callId}</code>
            <button
              type="button"
              data-testid="hangup"
              onClick={() => run(words.end(window.tccc, { sessionId: callId, type: offers.current[callId]?.type }))}
            >
              挂断 Hang up
            </button>
          </div>
        )}
        <ul className="chats" data-testid="chats">
          {chats.map((c) => (
            <li key={c.sessionId} data-testid="chat" data-session={c.sessionId}>
              会话 Chat <b>{c.peer}</b> <code>{c.sessionId}</code>{' '}
              <button type="button" data-testid="end-chat" onClick={() => run(words.end(window.tccc, c))}>
                {words.endLabel(c.type)}
              </button>
            </li>
          ))}
        </ul>
      </section>

      <section>
        <h2>4. 事件 Events</h2>
        <ol data-testid="log" reversed>
          {events.map((e) => (
            <li key={e.n} data-event={e.name}>{`${e.time}  ${e.name}  ${e.data}`}</li>
          ))}
        </ol>
      </section>
    </main>
  );
}
