// The index a function logstore needs: FC writes each line a function prints as one log with
// `serviceName`, `functionName`, `qualifier`, `versionId` and `message` (FC 2.0 "Configure logging",
// document_detail/171396; `__topic__` is the service name), and the console queries them by those
// fields. oss-thaw's functions print one JSON object per line (lib/log.ts), so `message` is indexed
// as `json` with a sub-key per declared field (lib/log-fields.ts): "Create indexes" / "Query and
// analyze JSON logs" — a leaf is indexed by its full name (`KEY1.KEY2`), searched as
// `message.outcome: failed`, selected as `"message.bucket"` once analytics (`doc_value`) is on.
// JSON's punctuation is among the delimiters, so a full-text search still finds a requestId or a
// key inside a line, and FC's own plain-text lines (`FC Invoke End …`) stay searchable too.
import { LOG_FIELDS } from '../log-fields';
import type { SlsIndex, SlsIndexKey } from './admin';

/** Delimiters of the console's default full-text index, plus `"` so JSON values split out. */
export const LOG_TOKENS = [',', ' ', "'", '"', ';', '=', '(', ')', '[', ']', '{', '}', '?', '@', '&', '<', '>', '/', ':', '\n', '\t', '\r'];

/** The JSON key FC puts a function's printed line in. */
export const MESSAGE_KEY = 'message';

/**
 * One json_keys entry per declared field: numbers as `long` (range queries, sums), words as `text`;
 * every one with analytics, so alerts and charts can count and group by it. A `map` field's keys
 * vary (counts by reason): it stays in the line, searchable by full text, not indexed key by key.
 */
function jsonKeys(): Record<string, SlsIndexKey> {
  const keys: Record<string, SlsIndexKey> = {};
  for (const [name, field] of Object.entries(LOG_FIELDS)) {
    if (field.type === 'map') continue;
    keys[name] = field.type === 'long' ? { type: 'long', doc_value: true } : { type: 'text', token: LOG_TOKENS, caseSensitive: false, doc_value: true };
  }
  return keys;
}

export const FUNCTION_LOG_INDEX: SlsIndex = {
  line: { token: LOG_TOKENS, caseSensitive: false, chn: false },
  keys: {
    serviceName: { type: 'text', token: LOG_TOKENS, caseSensitive: false, doc_value: true },
    functionName: { type: 'text', token: LOG_TOKENS, caseSensitive: false, doc_value: true },
    qualifier: { type: 'text', token: LOG_TOKENS, caseSensitive: false, doc_value: true },
    [MESSAGE_KEY]: { type: 'json', token: LOG_TOKENS, caseSensitive: false, doc_value: false, index_all: false, max_depth: -1, json_keys: jsonKeys() },
  },
};

/**
 * What an existing index of the function logstore lacks for the queries the alerts and the dashboard
 * run: keys it does not have, a `message` that is not JSON, json sub-keys it does not index or
 * indexes without analytics. Empty when it serves them all.
 */
export function functionLogIndexGaps(current: SlsIndex): string[] {
  const gaps: string[] = [];
  const keys = current.keys ?? {};
  const absent = Object.keys(FUNCTION_LOG_INDEX.keys ?? {}).filter((name) => !(name in keys));
  if (absent.length > 0) gaps.push(`${absent.length === 1 ? 'key' : 'keys'} ${absent.join(', ')}`);
  const message = keys[MESSAGE_KEY];
  if (message && message.type !== 'json') gaps.push(`${MESSAGE_KEY} indexed as ${message.type}, not json`);
  else if (message) {
    const wanted = FUNCTION_LOG_INDEX.keys![MESSAGE_KEY]!.json_keys!;
    const have = message.json_keys ?? {};
    const missing = Object.keys(wanted).filter((k) => !have[k] || have[k]!.type !== wanted[k]!.type || !have[k]!.doc_value);
    if (missing.length > 0) gaps.push(`${MESSAGE_KEY} sub-keys ${missing.join(', ')}`);
  }
  return gaps;
}

/**
 * The index to write over `current`: ours, with every key the logstore's owner added kept, and
 * `message` made the JSON index the queries need (its own extra sub-keys kept).
 */
export function mergeFunctionLogIndex(current: SlsIndex): SlsIndex {
  const ours = FUNCTION_LOG_INDEX.keys!;
  const theirs = current.keys ?? {};
  const message = theirs[MESSAGE_KEY];
  const mergedMessage: SlsIndexKey =
    message?.type === 'json' ? { ...ours[MESSAGE_KEY]!, json_keys: { ...message.json_keys, ...ours[MESSAGE_KEY]!.json_keys } } : ours[MESSAGE_KEY]!;
  return { ...current, line: current.line ?? FUNCTION_LOG_INDEX.line, keys: { ...ours, ...theirs, [MESSAGE_KEY]: mergedMessage } };
}
