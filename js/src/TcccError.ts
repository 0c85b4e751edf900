// SPDX-License-Identifier: Apache-2.0
// The one error type of the SDK. It carries the catalogue code and name (from errors.generated.ts)
// and also the shape the TCCC docs promise for a failed call ({status:'error', errorMsg}), so code
// written for the real SDK (`err.errorMsg`) and code that wants a real Error (`err.stack`) both work.
import { ErrorCode, type ErrorCodeName } from './errors.generated';

// Names by code, from the small name -> code table. The catalogue's messages (errorsByCode) are not
// needed here: the core sends a specific message with every error, and the shim writes its own, so
// the script-tag bundle does not carry the catalogue text.
const NAMES = new Map<number, string>(Object.entries(ErrorCode).map(([name, code]) => [code, name]));

export class TcccError extends Error {
  /** Always `'error'`, as in the TCCC `CommonSDKResponse` of a failed call. */
  readonly status = 'error' as const;
  /** What went wrong, in words (the TCCC docs' field name). */
  readonly errorMsg: string;
  /** The catalogue code, e.g. `-11001`; see `ErrorCode`. */
  readonly code: number;
  /** The catalogue name, e.g. `'ERR_INVALID_ARGUMENT'`. */
  override readonly name: string;

  constructor(code: number, errorMsg?: string) {
    // A code this build does not know (a newer server) keeps its number under a generic name.
    const name = NAMES.get(code) ?? 'ERR_INTERNAL';
    const text = errorMsg || (NAMES.has(code) ? `${name}.` : `Unknown error code ${code}.`);
    super(`${name} (${code}): ${text}`);
    // Keep instanceof working when the class is down-levelled or subclassed.
    Object.setPrototypeOf(this, new.target.prototype);
    this.code = code;
    this.name = name;
    this.errorMsg = text;
  }

  /** Builds an error from its catalogue name: `TcccError.of('ERR_NOT_READY')`. */
  static of(name: ErrorCodeName, errorMsg?: string): TcccError {
    return new TcccError(ErrorCode[name], errorMsg);
  }
}
