// template.yml against what the deploy reads from it (lib/deploy/settings.ts): every parameter the
// deploy needs is one the template declares, read back as the settings, and a template without one
// is refused naming it. A parameter renamed on one side only fails here, not in an account.
import { beforeAll, describe, expect, it } from 'vitest';
import { TemplateError } from '../../../lib/deploy/errors';
import { resolveParameters } from '../../../lib/deploy/parameters';
import { deploySettings, SETTING_PARAMETERS } from '../../../lib/deploy/settings';
import { readTemplateFile, type TemplateDocument, templateParameters } from '../../../lib/deploy/template';

const GIVEN = {
  AllowList: 'archive-a/,archive-b/logs/',
  ApiTokenSha256: 'a'.repeat(64),
  TablestoreInstance: 'thaw-inst',
  TablestoreEndpoint: 'https://thaw-inst.cn-hangzhou.vpc.tablestore.aliyuncs.com',
  AccessLogProject: 'oss-log-1234567890-cn-hangzhou',
  TriggerLogLogstore: 'trigger-log',
  FunctionLogProject: 'thaw-logs',
  FunctionLogstore: 'functions',
  WatchedBucket: 'archive-a',
  CustomDomain: 'thaw.example.com',
};

let template: TemplateDocument;
beforeAll(async () => {
  template = await readTemplateFile('template.yml');
});

describe('template.yml: what thaw deploy reads from it', () => {
  it('declares every parameter the deploy settings come from', () => {
    const declared = templateParameters(template).map((p) => p.name);
    expect(Object.values(SETTING_PARAMETERS).filter((name) => !declared.includes(name))).toEqual([]);
  });

  it('gives the deploy its settings, the template defaults filling what is not given', () => {
    const parameters = resolveParameters(templateParameters(template), GIVEN);
    expect(deploySettings({ parameters })).toEqual({
      tablestore: {
        instance: 'thaw-inst',
        functionsEndpoint: 'https://thaw-inst.cn-hangzhou.vpc.tablestore.aliyuncs.com',
        table: 'thaw_restores',
        tables: ['thaw_restores', 'thaw_restores_counters', 'thaw_restores_due', 'thaw_restores_by_key', 'thaw_restores_by_updated', 'thaw_restores_by_eta'],
      },
      accessLog: { project: 'oss-log-1234567890-cn-hangzhou', logstore: 'oss-log-store', triggerLogstore: 'trigger-log' },
      functionLogs: { project: 'thaw-logs', logstore: 'functions' },
      allow: ['archive-a/', 'archive-b/logs/'],
      watchedBucket: 'archive-a',
      ossEndpoint: 'https://oss-cn-hangzhou-internal.aliyuncs.com',
      customDomain: 'thaw.example.com',
    });
  });

  it.each(Object.values(SETTING_PARAMETERS).filter((name) => name !== SETTING_PARAMETERS.customDomain))('refuses a template without %s, naming it', (name) => {
    const { [name]: _left, ...parameters } = resolveParameters(templateParameters(template), GIVEN);
    expect(() => deploySettings({ parameters })).toThrow(new TemplateError(`the template has no parameter ${name}, which thaw deploy needs`));
  });

  it('takes CustomDomain as optional: a template without it has no custom domain', () => {
    const { CustomDomain: _left, ...parameters } = resolveParameters(templateParameters(template), GIVEN);
    expect(deploySettings({ parameters })).not.toHaveProperty('customDomain');
  });
});
