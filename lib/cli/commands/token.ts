// `thaw token new [--scope read|restore|read+restore] [--json]`: a new API token (256 random bits)
// and the form configuration holds it in (THAW_API_TOKENS / the ApiTokens parameter). The token is
// printed once and kept nowhere; configuration holds only its id, scopes and digest.
import { isScope, newToken, type TokenScope } from '../../api/tokens';
import { command } from '../command';
import { UsageError } from '../exit-codes';

export const tokenNewCommand = command({
  name: 'token new',
  summary: 'make an API token and print it with its configured form (for THAW_API_TOKENS / ApiTokens)',
  details: [
    'scopes: read (thaw status, listings, usage, the dashboard), restore (ask for restores; thaw restore needs read+restore).',
    'Rotation without downtime: add the new configured form beside the old one (comma-separated), deploy,',
    'move the clients to the new token, then remove the old entry and deploy again.',
  ].join('\n'),
  options: {
    scope: { type: 'string', value: 'SCOPES', default: 'read', help: 'read, restore or read+restore' },
    json: { type: 'boolean', default: false, help: 'one JSON object: {token, id, scopes, configured}' },
  },
  async run({ values }) {
    const scopes = [...new Set(values.scope.split(/[+,]/).map((s) => s.trim()))];
    if (scopes.length === 0 || !scopes.every(isScope)) throw new UsageError('--scope must be read, restore or read+restore', { command: 'token new' });
    const { token, id, configured } = newToken(scopes as TokenScope[]);
    if (values.json) {
      process.stdout.write(`${JSON.stringify({ token, id, scopes, configured })}\n`);
      return 0;
    }
    process.stdout.write(
      [
        `token       ${token}`,
        `configured  ${configured}`,
        '',
        `Give the token to its user (THAW_API_TOKEN for thaw status / thaw restore, the dashboard, ThawClient); it is shown only now.`,
        `Add the configured form to THAW_API_TOKENS (template parameter ApiTokens), comma-separated; the id ${id} names this token in the API's logs.`,
        '',
      ].join('\n'),
    );
    return 0;
  },
});
