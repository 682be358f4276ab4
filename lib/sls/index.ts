// Log Service: pulling OSS access-log records over SLS's wire API and turning them into misses.
export {
  LogStoreReader,
  type AccessLogSource,
  type CallOptions,
  type LogStoreReaderOptions,
  type PulledLog,
  type PulledPage,
  type PullOptions,
  type RawPage,
  type ShardInfo,
} from './reader';
export {
  AccessLogMissCollector,
  classifyAccessLogRecord,
  collectAccessLogMisses,
  extractAccessLogMisses,
  type AccessLogExtraction,
  type AccessLogMiss,
  type AccessLogRecord,
  type SkipReason,
} from './access-log';
export { isRetryable, SlsBadResponseError, SlsNetworkError, SlsRetriesExhaustedError, SlsServiceError } from './errors';
export { checkLogGroupList, logsOfLogGroupList, LogGroupListFormatError, type DecodedLog } from './log-decoder';
export { resolveProjectEndpoint, type ProjectEndpoint } from './endpoint';
export type { SlsHttpRequest, SlsHttpResponse, SlsTransport } from './transport';
