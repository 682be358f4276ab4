// Log Service: a plain wire client (signed ListShards, GetCursor, GetCursorTime, PullLogs with
// deflate/lz4 and a streaming LogGroupList decoder). What the logs mean is lib/events's business.
export {
  LogStoreReader,
  type CallOptions,
  type LogStoreReaderOptions,
  type OversizedPage,
  type PulledLog,
  type PulledPage,
  type PullOptions,
  type RawPage,
  type ShardInfo,
} from './reader';
export {
  isRetryableSlsError,
  SlsBadResponseError,
  SlsDeadlineError,
  SlsNetworkError,
  SlsResponseTooLargeError,
  SlsRetriesExhaustedError,
  SlsServiceError,
} from './errors';
export { checkLogGroupList, logsOfLogGroupList, LogGroupListFormatError, type DecodedLog } from './log-decoder';
export { resolveProjectEndpoint, type ProjectEndpoint } from './endpoint';
export type { SlsHttpRequest, SlsHttpResponse, SlsTransport } from './transport';
export {
  isNotFound,
  NOT_FOUND_CODES,
  SlsAdmin,
  type AdminCallOptions,
  type GetLogsRequest,
  type GetLogsResult,
  type SlsAdminOptions,
  type SlsAlert,
  type SlsChart,
  type SlsDashboard,
  type SlsIndex,
  type SlsIndexKey,
  type SlsResourceRecord,
} from './admin';
export { FUNCTION_LOG_INDEX, functionLogIndexGaps, LOG_TOKENS, MESSAGE_KEY, mergeFunctionLogIndex } from './function-log-index';
