// Trigger events in, restore-loop work out: OSS trigger / EventBridge storage events and the
// Log-trigger ranges of the OSS access log (read through lib/sls, classified here).
export {
  decodeEventKey,
  MalformedEventError,
  parseStorageEvents,
  type ParsedEvents,
  type StorageEvent,
  type StorageEventKind,
} from './storage-event';
export { applyStorageEvents, type EventOutcomes } from './apply';
export { handleStorageEventPayload } from './storage-event-payload';
export {
  handleAccessLogRange,
  MalformedTriggerEventError,
  parseLogTriggerEvent,
  RangeIncompleteError,
  type LogTriggerEvent,
  type RangeResult,
} from './log-trigger';
export {
  classifyAccessLogRecord,
  type AccessLogMiss,
  type AccessLogRecord,
  type AccessLogRules,
  type AccessLogSource,
  type AccessLogVerdict,
  type SkipReason,
} from './access-log';
