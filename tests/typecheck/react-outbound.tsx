// The seed guide's React "一键外呼" sample, as TSX. React's types are not installed here, so the
// two things the sample uses (useState, <button onClick>) are declared minimally below.
import 'tccc';

declare function useState<T>(initial: T): [T, (value: T) => void];
declare global {
  namespace JSX {
    interface IntrinsicElements {
      button: { onClick?: () => void; children?: unknown };
    }
    type Element = unknown;
  }
}

export function CallButton() {
  const [phoneNumber] = useState('19999999999'); // 请替换为真实外呼号码
  const [sessionId, setSessionId] = useState('');
  const [error, setError] = useState('');

  function sdkCall() {
    window.tccc.Call.startOutboundCall({
      phoneNumber,
    })
      .then((res) => {
        setSessionId(res.data.sessionId);
      })
      .catch((err) => {
        setError(err.errorMsg);
      });
  }

  return (
    <button onClick={sdkCall}>
      一键外呼 {sessionId} {error}
    </button>
  );
}
