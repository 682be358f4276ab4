// The fields of the functions' log lines, declared once. Every line is one JSON object (lib/log.ts);
// FC stores it as the `message` of a log in the function logstore, and the index indexes `message`
// as JSON with these fields as its keys (lib/sls/function-log-index.ts), so an operator can search
// `message.outcome: failed` and count `select "message.bucket", count(*)`. The alerts and the
// dashboard (lib/observability) use only these names, and docs/observability.md lists them:
// test/unit/observability/log-fields.test.ts holds the three to this table and to what the
// functions really log.
//
// `long` fields are whole numbers (counts, bytes, milliseconds, epoch milliseconds); `text` fields
// are words; a `map` field is an object whose keys vary (counts by reason), kept in the line but not
// indexed key by key; `error.*` is the one fixed nested object.

export type LogFieldType = 'text' | 'long' | 'map' | 'boolean';

export interface LogField {
  readonly type: LogFieldType;
  /** What it means, as docs/observability.md says it. */
  readonly meaning: string;
}

export const LOG_FIELDS = {
  // --- every line
  time: { type: 'text', meaning: 'when the line was written (ISO 8601, UTC)' },
  level: { type: 'text', meaning: 'debug, info, warn or error' },
  msg: { type: 'text', meaning: 'what happened, a fixed phrase per kind of line ("state", "batch done", "http", …)' },
  function: { type: 'text', meaning: 'the function that wrote it: http, access-log, storage-event or sweeper' },
  requestId: { type: 'text', meaning: "the invocation's request id (FC's), or the API request's" },
  // --- who asked, about what
  tokenId: { type: 'text', meaning: "the API token's id, or null before a token was read (http)" },
  source: { type: 'text', meaning: 'where the misses came from: access-log, storage-event, sweeper, http, cli; "mixed" for a batch of several' },
  intent: { type: 'text', meaning: 'request (restore what needs it) or refresh (look, never restore): what the batch was' },
  bucket: { type: 'text', meaning: 'the bucket of the object' },
  key: { type: 'text', meaning: 'the object key' },
  versionId: { type: 'text', meaning: 'the object version, when there is one' },
  recordId: { type: 'text', meaning: "the record's primary key (a digest of bucket, key and versionId)" },
  // --- what happened to one object
  outcome: { type: 'text', meaning: 'what happened to one object: one of the batch results below (restoreStarted, failed, deferred, …)' },
  from: { type: 'text', meaning: 'the state the record had before (null for a new record)' },
  to: { type: 'text', meaning: 'the state it has now' },
  reason: {
    type: 'text',
    meaning: 'why: deferred or refused (daily-restore-budget, rate-limit, object-too-large, …), an event ignored, a record claimed again, a payload malformed',
  },
  refusal: { type: 'text', meaning: 'what the policy said: deferred (not now) or refused (not as asked)' },
  retryAtMs: { type: 'long', meaning: 'when it may be tried again (epoch ms)' },
  storageClass: { type: 'text', meaning: "the object's storage class (Archive, ColdArchive, DeepColdArchive, …)" },
  tier: { type: 'text', meaning: 'the restore tier (Expedited, Standard, Bulk)' },
  misses: { type: 'long', meaning: 'misses (failed reads, requests) for the object, or in the range' },
  attempts: { type: 'long', meaning: 'calls tried for a failing object' },
  // --- budget use
  sizeBytes: { type: 'long', meaning: "the object's size: what a started restore spends of the bucket's daily byte budget" },
  budgetUsePct: {
    type: 'long',
    meaning: "after this restore, the most used of the bucket's daily budgets (restores, bytes, byte-days), in percent",
  },
  // --- a batch of misses (coordinator) and its results
  seen: { type: 'long', meaning: 'misses in the batch' },
  invalid: { type: 'long', meaning: 'misses or event records that were malformed' },
  distinct: { type: 'long', meaning: 'distinct objects in the batch' },
  deduplicated: { type: 'long', meaning: 'valid misses that caused no OSS call (duplicates, live records, lost races)' },
  // one count per object result (lib/restore/summary.ts OBJECT_RESULTS, the words `outcome` takes)
  restoreStarted: { type: 'long', meaning: 'objects whose RestoreObject OSS accepted (202) in this batch' },
  restoring: { type: 'long', meaning: 'objects already restoring' },
  restored: { type: 'long', meaning: 'objects readable now' },
  frozen: { type: 'long', meaning: 'objects whose restored copy expired' },
  notArchived: { type: 'long', meaning: 'objects in Standard or IA: nothing to restore' },
  notFound: { type: 'long', meaning: 'objects that do not exist' },
  deferred: { type: 'long', meaning: 'objects the daily budget or the rate limit deferred' },
  refused: { type: 'long', meaning: 'objects the policy will not restore as asked' },
  failed: { type: 'long', meaning: 'objects whose calls kept failing (FAILED)' },
  claimed: { type: 'long', meaning: 'objects another worker holds' },
  outOfScope: { type: 'long', meaning: 'objects outside the allow-list' },
  unrecorded: { type: 'long', meaning: 'objects whose outcome the state store could not take' },
  untracked: { type: 'long', meaning: 'objects nobody asked to restore (status reads, events)' },
  unstarted: { type: 'long', meaning: 'objects the deadline left for a retry' },
  dailyRecordBudget: { type: 'long', meaning: "objects refused a record by the bucket's daily budget of new records" },
  // --- the access-log path
  shardId: { type: 'long', meaning: 'the access-log shard the Log trigger named' },
  records: { type: 'long', meaning: 'access-log records read in the range' },
  accessLogLagMs: { type: 'long', meaning: "now minus the newest access-log record's time (__time__): how far behind the access-log path runs" },
  operations: { type: 'map', meaning: 'misses by the operation OSS refused (GetObject, CopyObject, …)' },
  skipped: { type: 'map', meaning: 'access-log records skipped, by reason (other-operation, anonymous-requester, …)' },
  oversizedLogGroups: { type: 'long', meaning: 'LogGroups skipped whole for being over THAW_SLS_MAX_PAGE_BYTES' },
  unread: { type: 'boolean', meaning: 'the deadline stopped the reading: FC retries the range' },
  logGroupBytes: { type: 'long', meaning: 'the size of a LogGroup skipped for being over the page limit' },
  pageLimitBytes: { type: 'long', meaning: 'the page limit it was over (THAW_SLS_MAX_PAGE_BYTES)' },
  // --- storage events
  event: { type: 'text', meaning: 'the storage event (ObjectCreated:PutObject, ObjectRestore:FinishRestore, …)' },
  events: { type: 'long', meaning: 'storage events in the invocation' },
  ignored: { type: 'long', meaning: 'storage events of a kind that changes nothing' },
  refreshed: { type: 'long', meaning: 'finished restores recorded' },
  invalidated: { type: 'long', meaning: 'records invalidated by a changed or deleted object' },
  left: { type: 'long', meaning: 'records the deadline left for the redelivery' },
  index: { type: 'long', meaning: 'the position of a malformed miss or event record in its batch' },
  field: { type: 'text', meaning: 'the field of a malformed miss' },
  // --- the sweeper
  limit: { type: 'long', meaning: 'most due records one sweep takes (THAW_SWEEP_LIMIT)' },
  due: { type: 'long', meaning: 'due records the sweep read' },
  dueOutOfScope: { type: 'long', meaning: 'due records outside the allow-list, taken out of the due index' },
  lapsed: { type: 'long', meaning: 'deferrals from an earlier UTC day, taken out of the due index' },
  // --- the API
  method: { type: 'text', meaning: 'the HTTP method' },
  status: { type: 'long', meaning: 'the HTTP status answered' },
  // --- time and failures
  // --- the dead letter (sweeper, FC 3.0)
  deadLetterOf: { type: 'text', meaning: 'the function whose asynchronous event FC gave up on (its ARN)' },
  condition: { type: 'text', meaning: "why FC gave up on the event (its retries spent, the event too old): FC's words" },
  durationMs: { type: 'long', meaning: 'how long the request, batch or object took (ms)' },
  'error.code': { type: 'text', meaning: "the failure's code (Transient, AccessDenied, MalformedRequest, an OSS or Tablestore code)" },
  'error.message': { type: 'text', meaning: "the failure's message (bounded; never a secret)" },
  'error.retryable': { type: 'boolean', meaning: 'whether the same call may succeed if tried again' },
} as const satisfies Readonly<Record<string, LogField>>;

export type LogFieldName = keyof typeof LOG_FIELDS;

/** The declared names, in declaration order. */
export const LOG_FIELD_NAMES = Object.keys(LOG_FIELDS) as LogFieldName[];

export function isLogField(name: string): name is LogFieldName {
  return Object.hasOwn(LOG_FIELDS, name);
}
