// SPDX-License-Identifier: Apache-2.0
// The public surface of the uni-app TCCCWorkstation API, for the npm entry (index.ts) and the script
// tag (workstation-entry.ts).
export {
  TCCCWorkstation,
  TcccWorkstation,
  TCCCLogLevel,
  type TCCCCallback,
  type TCCCCallParams,
  type TCCCLoginParams,
} from './TcccWorkstation';
export {
  TCCCAudioRoute,
  TCCCEndReason,
  TCCCLoginType,
  TCCCQuality,
  TCCCServerType,
  TCCCSessionDirection,
  TCCCWarningCode,
} from './enums';
export { TcccErrorCode, type TcccErrorCodeName } from './TcccErrorCode.generated';
export type { TCCCSessionInfo } from './SessionEvents';
export type { DeviceManager } from './DeviceManager';
export { WORKSTATION_EVENTS, type WorkstationEventName } from './Listeners';
