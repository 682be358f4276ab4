// A threshold ROS fills in from a parameter is found in the rules by its text: the ROS form refuses
// to be written when a rule uses a threshold in a way text cannot follow (here: one more than it),
// rather than write a rule with the wrong number. The rules are staged through rosResources' `rules`
// option, the only way to make a rule compute with a threshold; the real rules are tested in
// ros-observability.test.ts. (A module mock would outlive this file in the fast tier, whose files
// share one module cache.)
import { describe, expect, it } from 'vitest';
import { alertRules } from '../../../lib/observability/alerts';
import { rosResources } from '../../../lib/observability/ros';
import type { ObservabilitySettings } from '../../../lib/observability/settings';

/** The real rules, with the first one paging at one more than its threshold. */
const computing = (settings: ObservabilitySettings) =>
  alertRules(settings).map((rule, i) => {
    if (i !== 0) return rule;
    const n = (settings.thresholds?.failedRestores ?? 5) + 1;
    return { ...rule, configuration: { ...rule.configuration, severityConfigurations: [{ severity: 8, evalCondition: { condition: `failed >= ${n}` } }] } };
  });

describe('thresholds from parameters', () => {
  it('are refused when a rule computes with one', () => {
    expect(() => rosResources({ rules: computing, thresholdParameters: { failedRestores: 'AlertFailedRestores' } })).toThrow(
      'a threshold of AlertFailedRestores is not used as a whole number in the rules',
    );
  });

  it('stay possible as fixed numbers', () => {
    const alert = rosResources({ rules: computing, thresholds: { failedRestores: 2 } }).AlertFailedRestores!;
    expect(JSON.stringify(alert.Properties)).toContain('failed >= 3');
  });

  it('are accepted from parameters when the rules use them whole', () => {
    expect(() => rosResources({ thresholdParameters: { failedRestores: 'AlertFailedRestores' } })).not.toThrow();
  });
});
