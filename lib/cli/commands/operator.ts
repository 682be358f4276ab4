// The operator's commands against a deployment's API: `thaw status` and `thaw restore`.
import { restoreCommand as restore } from '../../operator/restore-command';
import { statusCommand as status } from '../../operator/status-command';
import { command } from '../command';

const API = { type: 'string', value: 'URL', help: 'the API (THAW_API_URL; default http://127.0.0.1:8080)' } as const;
const TOKEN = 'The API token comes from THAW_API_TOKEN.';

export const statusCommand = command({
  name: 'status',
  positionals: '[bucket[/prefix]]',
  summary: "records per state with ETA, tier, age and reason, and today's budgets",
  details: TOKEN,
  options: {
    state: { type: 'string', value: 'S,...', help: 'only these states (default: all)' },
    limit: { type: 'string', value: 'N', default: '20', help: 'records shown per state (1–1000)' },
    api: API,
    json: { type: 'boolean', default: false, help: 'one JSON object for scripts' },
  },
  run: ({ values, positionals, env }) => status(values, positionals, env),
});

export const restoreCommand = command({
  name: 'restore',
  positionals: 'oss://bucket/prefix',
  summary: 'list a prefix, show the plan and its cost, then restore it through the API (resumable; Ctrl-C stops cleanly)',
  details: `${TOKEN} The prefix is listed with your own credentials: THAW_OSS_ENDPOINT, ALIBABA_CLOUD_ACCESS_KEY_ID / _SECRET.`,
  options: {
    days: { type: 'string', value: 'N', help: "days the restored copies stay readable (default: the deployment's)" },
    tier: { type: 'string', value: 'TIER', help: 'Expedited, Standard or Bulk (ColdArchive and DeepColdArchive)' },
    'dry-run': { type: 'boolean', default: false, help: 'show the plan and stop' },
    wait: { type: 'boolean', default: false, help: 'follow the restores until the objects are readable' },
    yes: { type: 'boolean', default: false, help: 'do not ask before spending (required without a terminal)' },
    api: API,
    prices: { type: 'string', value: 'FILE', help: 'a price table (JSON) instead of the built-in one' },
    'max-objects': { type: 'string', value: 'N', default: '100000', help: 'list at most N objects' },
    'wait-timeout': { type: 'string', value: 'SECONDS', default: String(72 * 3600), help: 'give up --wait after this long' },
    json: { type: 'boolean', default: false, help: 'one JSON object for scripts' },
  },
  run: ({ values, positionals, env }) => restore(values, positionals, env),
});
