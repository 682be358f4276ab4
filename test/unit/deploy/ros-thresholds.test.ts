// A threshold ROS fills in from a parameter is found in the rules by its text: the ROS form refuses
// to be written when a rule uses a threshold in a way text cannot follow (here: one more than it),
// rather than write a rule with the wrong number. The rules are staged with a mock, the only way to
// make a rule compute with a threshold; the real rules are tested in ros-observability.test.ts.
import { describe, expect, it, vi } from 'vitest';
import type { ObservabilitySettings } from '../../../lib/observability/settings';

vi.mock('../../../lib/observability/alerts', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../../lib/observability/alerts')>();
  return {
    ...original,
    alertRules: (settings: ObservabilitySettings) =>
      original.alertRules(settings).map((rule, i) => {
        if (i !== 0) return rule;
        const n = (settings.thresholds?.failedRestores ?? 5) + 1;
        return { ...rule, configuration: { ...rule.configuration, severityConfigurations: [{ severity: 8, evalCondition: { condition: `failed >= ${n}` } }] } };
      }),
  };
});

const { rosResources } = await import('../../../lib/observability/ros');

describe('thresholds from parameters', () => {
  it('are refused when a rule computes with one', () => {
    expect(() => rosResources({ thresholdParameters: { failedRestores: 'AlertFailedRestores' } })).toThrow(
      'a threshold of AlertFailedRestores is not used as a whole number in the rules',
    );
  });

  it('stay possible as fixed numbers', () => {
    const alert = rosResources({ thresholds: { failedRestores: 2 } }).AlertFailedRestores!;
    expect(JSON.stringify(alert.Properties)).toContain('failed >= 3');
  });
});
