// Log (SLS) trigger: FC names a range of one shard of the OSS access-log logstore; pull it, turn
// refused GETs into misses, coordinate. The invocation fails (so FC retries the range) only when
// the range could not be read or its misses could not be recorded; replaying a range is harmless.
import { handleAccessLogRange, type LogTriggerEvent, MalformedTriggerEventError, parseLogTriggerEvent, type RangeResult } from '../../lib/events/log-trigger';
import { functionInstance } from '../../lib/function-instance';
import { functionLogger } from '../../lib/log';
import { LogStoreReader } from '../../lib/sls';
import { buildServices, credentialsFrom, type FcContext } from '../../lib/wiring';

const instance = functionInstance((config, credentials) => buildServices(config, credentials, { log: functionLogger('access-log', config.logLevel) }));

export async function handler(event: unknown, context: FcContext): Promise<RangeResult | { malformed: string }> {
  const started = Date.now();
  const { coordinator, log, config, clock } = await instance.services(context);
  let trigger: LogTriggerEvent;
  try {
    // Only the region's own Log Service endpoints (or THAW_SLS_ENDPOINT) get our signed requests,
    // and only the configured access log (THAW_ACCESS_LOG_PROJECT / _LOGSTORE) is read.
    trigger = parseLogTriggerEvent(event, { ...config.sls, ...config.accessLog });
  } catch (err) {
    // Retrying an event that names no range cannot help: log it loudly and finish.
    if (!(err instanceof MalformedTriggerEventError)) throw err;
    log.error('malformed Log trigger event', { requestId: context?.requestId, reason: err.message });
    return { malformed: err.message };
  }
  const { endpoint, projectName, logstoreName } = trigger.source;
  const deadlineAtMs = instance.deadline(context, started);
  const source = new LogStoreReader({
    endpoint,
    project: projectName,
    logstore: logstoreName,
    ...credentialsFrom(context),
    // Ten LogGroups per PullLogs keeps a page small however large OSS made its groups (memory
    // stays flat: see the access-log benchmark); a range of many groups just takes more requests.
    pageSize: 10,
    maxPageBytes: config.sls.maxPageBytes,
    // A pull starts only if it can end before the deadline, so none may take most of the invocation.
    requestTimeoutMs: deadlineAtMs === undefined ? 10_000 : Math.max(1_000, Math.min(10_000, Math.floor((deadlineAtMs - started) / 4))),
  });
  try {
    const rules = { anonymous: config.accessLog.anonymous };
    return await handleAccessLogRange(trigger, { source, coordinator, log: log.child({ requestId: context?.requestId }), rules, clock }, { deadlineAtMs });
  } finally {
    source.close();
  }
}
