// `thaw logs`: the functions' log lines from the function logstore, from a time or followed live.
import { logsCommand as logs } from '../../operator/logs-command';
import { command } from '../command';

export const logsCommand = command({
  name: 'logs',
  summary: "the functions' log lines from Log Service, filtered, from a time or followed live",
  details: [
    "The logstore is the stack's function logstore: --project/--logstore, or --parameters with FunctionLogProject and",
    'FunctionLogstore (or THAW_LOG_PROJECT / THAW_LOGSTORE). It needs an index (thaw deploy creates it).',
    'Endpoint: --endpoint, THAW_SLS_ENDPOINT or <ALIBABA_CLOUD_REGION>.log.aliyuncs.com.',
    'Credentials: ALIBABA_CLOUD_ACCESS_KEY_ID, ALIBABA_CLOUD_ACCESS_KEY_SECRET (and ALIBABA_CLOUD_SECURITY_TOKEN).',
    '--follow keeps polling; a line that reaches Log Service more than a minute after its time is not shown.',
  ].join('\n'),
  options: {
    project: { type: 'string', value: 'NAME', help: 'Log Service project of the function logs' },
    logstore: { type: 'string', value: 'NAME', help: 'logstore of the function logs' },
    parameters: { type: 'string', value: 'FILE', help: "the stack's parameters (JSON or YAML), for FunctionLogProject and FunctionLogstore" },
    endpoint: { type: 'string', value: 'URL', help: 'Log Service endpoint, e.g. cn-hangzhou.log.aliyuncs.com or http://127.0.0.1:PORT' },
    function: { type: 'string', value: 'NAME', help: 'only this function' },
    'request-id': { type: 'string', value: 'ID', help: 'only lines of this request' },
    bucket: { type: 'string', value: 'NAME', help: 'only lines about this bucket' },
    key: { type: 'string', value: 'KEY', help: 'only lines about this object key' },
    level: { type: 'string', value: 'LEVEL', help: 'only lines at this level or above: debug, info, warn, error' },
    since: { type: 'string', value: 'DURATION', help: 'start this long ago: 30s, 10m, 2h, 1d (default 10m)' },
    from: { type: 'string', value: 'TIME', help: 'start at this ISO time, e.g. 2026-01-01T12:00:00Z' },
    follow: { type: 'boolean', short: 'f', default: false, help: 'keep printing new lines until Ctrl-C' },
    interval: { type: 'string', value: 'SECONDS', default: '2', help: 'seconds between polls with --follow' },
    json: { type: 'boolean', default: false, help: 'one JSON object per line' },
  },
  run: async ({ values, positionals, env }) => {
    const stop = new AbortController();
    const onSigint = () => stop.abort();
    process.once('SIGINT', onSigint);
    try {
      return await logs(values, positionals, env, { signal: stop.signal });
    } finally {
      process.off('SIGINT', onSigint);
    }
  },
});
