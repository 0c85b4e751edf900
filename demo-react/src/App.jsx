// SPDX-License-Identifier: Apache-2.0
// The React demo: log in through the backend's SdkURL, one-click outbound (the seed guide's React
// "CallButton" sample), answer a callIn through the API, switch status, and watch every SDK event
// live. Text from the network is rendered as JSX text (escaped), never dangerouslySetInnerHTML.
import { useEffect, useRef, useState } from 'react';
import { backend, loadSdk } from '../../web/demo/sdk-login.js';

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
  const [status, setStatus] = useState('offline');
  const [nextStatus, setNextStatus] = useState('free');
  const [phoneNumber, setPhoneNumber] = useState('10000000001'); // a test number of the reference server
  const [sessionId, setSessionId] = useState('');
  const [ringing, setRinging] = useState(null);
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

  async function login() {
    setError('');
    setReady(false);
    setSessionId('');
    setRinging(null);
    try {
      setState('加载 SDK… loading the SDK');
      const tccc = await loadSdk(userId);
      applyBuiltinUi(builtinRef.current);
      for (const name of Object.keys(tccc.events)) tccc.on(tccc.events[name], (p) => log(name, p));
      tccc.on(tccc.events.ready, () => {
        setReady(true);
        setState(`已就绪 ready (${userId})`);
        setStatus(tccc.Agent.getStatus());
      });
      tccc.on(tccc.events.statusChanged, ({ data }) =>
        setStatus(data.status + (data.restReason ? ` · ${data.restReason}` : '')),
      );
      tccc.on(tccc.events.callIn, ({ data }) => {
        setRinging({
          sessionId: data.sessionId,
          peer: data.callerPhoneNumber || data.nickname || data.peerUserId || data.sessionId,
        });
      });
      tccc.on(tccc.events.callOuted, ({ data }) => setSessionId(data.sessionId));
      tccc.on(tccc.events.userAccessed, ({ data }) => {
        setSessionId(data.sessionId);
        setRinging((r) => (r?.sessionId === data.sessionId ? null : r));
      });
      tccc.on(tccc.events.sessionEnded, ({ data }) => {
        setSessionId((s) => (s === data.sessionId ? '' : s));
        setRinging((r) => (r?.sessionId === data.sessionId ? null : r));
      });
      for (const name of ['tokenExpired', 'kickedOut', 'reconnectFailed']) {
        tccc.on(tccc.events[name], ({ data }) => {
          setReady(false);
          setState(name);
          setError(data?.message || data?.reason || name);
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
    run(window.tccc.Agent.setStatus(next === 'rest' ? { status: next, restReason: '休息 break' } : { status: next }));
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
          2. 坐席状态 Agent status: <span data-testid="agent-status">{status}</span>
        </h2>
        <div className="row">
          <select
            value={nextStatus}
            onChange={(e) => setNextStatus(e.target.value)}
            data-testid="status-select"
            aria-label="status"
          >
            <option value="free">空闲 free</option>
            <option value="rest">小休 rest</option>
            <option value="notReady">示忙 notReady</option>
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
            disabled={!ready || !!sessionId}
            onCalled={setSessionId}
            onError={setError}
          />
        </div>
        {ringing && (
          <div className="incoming" data-testid="incoming">
            来电 Incoming: <b data-testid="incoming-peer">{ringing.peer}</b>{' '}
            <button
              type="button"
              data-testid="answer"
              onClick={() => run(window.tccc.Call.accept({ sessionId: ringing.sessionId }))}
            >
              接听 Answer
            </button>{' '}
            <button
              type="button"
              data-testid="reject"
              onClick={() => run(window.tccc.Call.hungUp({ sessionId: ringing.sessionId }))}
            >
              拒接 Decline
            </button>
          </div>
        )}
        {sessionId && (
          <div className="row">
            会话 Session <code data-testid="session">{sessionId}</code>
            <button type="button" data-testid="hangup" onClick={() => run(window.tccc.Call.hungUp({ sessionId }))}>
              挂断 Hang up
            </button>
          </div>
        )}
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
