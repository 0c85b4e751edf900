// The seed guide's Vue "一键外呼" sample (Options API), as TypeScript. Vue's own types are not
// needed to check ours: the component is a plain options object with a typed `this`.
import 'tccc';

interface CallButtonState {
  phoneNumber: string;
  sessionId: string;
  error: string;
}

export default {
  data(): CallButtonState {
    return { phoneNumber: '19999999999', sessionId: '', error: '' }; // 请替换为真实外呼号码
  },
  methods: {
    sdkCall(this: CallButtonState) {
      window.tccc.Call.startOutboundCall({
        phoneNumber: this.phoneNumber,
      })
        .then((res) => {
          this.sessionId = res.data.sessionId;
        })
        .catch((err) => {
          this.error = err.errorMsg;
        });
    },
  },
};
