// `thaw invoke <function> [--event JSON]`: invokes a function through the Function Compute API
// with the real clients (@alicloud/fc20230330 on FC 3.0, @alicloud/fc2 on FC 2.0) — the local
// stack's (from `thaw dev --json`'s "fc" block) or a deployed one. Handy at 3 a.m.: `thaw invoke sweeper` re-drives due records now.
import { invokeFunction } from '../../deploy/invoke';
import { TARGET_OPTIONS } from './target-options';
import { printable } from '../../operator/format';
import { command } from '../command';
import { UsageError } from '../exit-codes';

export const invokeCommand = command({
  name: 'invoke',
  positionals: '<function>',
  summary: 'invoke a function through the FC API (FC 3.0 <stack>-<function>, or an FC 2.0 service): the local stack or a deployed stack',
  options: {
    ...TARGET_OPTIONS,
    event: { type: 'string', value: 'JSON', default: '{}', help: 'the event to send' },
    service: { type: 'string', value: 'NAME', help: 'FC 2.0: the service (default: the one of --stack)' },
    stack: { type: 'string', value: 'NAME', default: 'oss-thaw', help: 'the stack whose service to find (thaw deploy or ROS named it)' },
    async: { type: 'boolean', default: false, help: 'invoke asynchronously (FC answers 202 at once)' },
  },
  async run({ values, positionals, env }) {
    const [name, ...extra] = positionals;
    if (!name || extra.length > 0) throw new UsageError('thaw invoke takes one function name', { command: 'invoke' });
    try {
      JSON.parse(values.event);
    } catch {
      throw new UsageError('--event must be JSON', { command: 'invoke' });
    }
    const outcome = await invokeFunction({ ...values, functionName: name }, env);
    // The function's answer is outside text: shown, never interpreted by the terminal.
    process.stdout.write(`${printable(outcome.body, true)}\n`);
    if (outcome.errorType) {
      process.stderr.write(`thaw: the function failed (${printable(outcome.errorType)})\n`);
      return 1;
    }
    return 0;
  },
});
