// The index a function logstore needs: FC writes each line a function prints as one log with
// `serviceName`, `functionName`, `qualifier`, `versionId` and `message` (FC 2.0 "Configure logging",
// document_detail/171396; `__topic__` is the service name), and the console queries them by those
// fields. oss-thaw's functions print one JSON object per line (lib/log.ts), so `message` is indexed
// as text with JSON's punctuation among its delimiters: `requestId`, `bucket` or `key` values are
// then terms of their own. Analytics (doc_value) on the names lets dashboards and alerts count.
import type { SlsIndex } from './admin';

/** Delimiters of the console's default full-text index, plus `"` so JSON values split out. */
export const LOG_TOKENS = [',', ' ', "'", '"', ';', '=', '(', ')', '[', ']', '{', '}', '?', '@', '&', '<', '>', '/', ':', '\n', '\t', '\r'];

export const FUNCTION_LOG_INDEX: SlsIndex = {
  line: { token: LOG_TOKENS, caseSensitive: false, chn: false },
  keys: {
    serviceName: { type: 'text', token: LOG_TOKENS, caseSensitive: false, doc_value: true },
    functionName: { type: 'text', token: LOG_TOKENS, caseSensitive: false, doc_value: true },
    qualifier: { type: 'text', token: LOG_TOKENS, caseSensitive: false, doc_value: true },
    message: { type: 'text', token: LOG_TOKENS, caseSensitive: false, doc_value: false },
  },
};
