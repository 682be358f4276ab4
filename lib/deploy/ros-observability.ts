// The packaged template's Log Service part, on both platforms: the function logstore's index, the
// dashboard and the alerts of lib/observability (ALIYUN::SLS::Index, ::Dashboard, ::Alert), and the
// template parameters they read.
//
// - Who is told: ROS has no resource type for alert resource data (a webhook integration, an action
//   policy), so the alerts send through AlertActionPolicyId, an action policy that exists, or to no
//   one when it is empty. The webhook parameters would be unused, and are left out (the URL and the
//   secret are NoEcho: nothing should ask for them in vain).
// - Thresholds: a threshold whose Alert* parameter the template declares is filled in by ROS from it
//   (Fn::Sub); ROS substitutes the text as given, where thaw deploy reads an empty value as the
//   default, so the packaged parameter gets the default when it has none, and (a String) a pattern
//   of digits that ROS checks before it makes anything. A threshold the template does not declare
//   is the default.
// - The index: ALIYUN::SLS::Index on a logstore that has one fails CreateStack (CreateIndex answers
//   IndexAlreadyExist), and the function logstore is the user's, often indexed already (FC's log
//   configuration, or thaw deploy). Without an index neither the alerts' queries nor the dashboard's
//   charts run, so it is made by default, behind a CreateFunctionLogIndex switch (as the tables are
//   behind CreateTables) for a logstore that has one. ROS cannot merge keys into an existing index
//   as thaw deploy does: with the switch off, that index must have the keys (docs/observability.md).
import { ROS_PARAMETERS, ROS_UNUSED_PARAMETERS, rosResources } from '../observability/ros';
import { type AlertThresholds, DEFAULT_THRESHOLDS, THRESHOLD_PARAMETERS } from '../observability/settings';
import { TemplateError } from './errors';
import type { TemplateDocument } from './template';

export const CREATE_INDEX_PARAMETER = 'CreateFunctionLogIndex';
const CREATES_INDEX = 'CreatesFunctionLogIndex';

type Parameters = Record<string, Record<string, unknown>>;
type Props = Record<string, unknown>;

export interface ObservabilityPart {
  /** The template's parameters as the packaged template declares them. */
  readonly parameters: Parameters;
  readonly conditions: Record<string, unknown>;
  readonly resources: Record<string, Props>;
}

/** What the packaged template's Description says about alerts. */
export const ALERTS_NOTE = 'Alerts go through the action policy AlertActionPolicyId names, or to no one when it is empty: ROS has no resource for a webhook.';

export function observabilityPart(doc: TemplateDocument): ObservabilityPart {
  const declared = doc.Parameters ?? {};
  const conditions = (doc.Conditions ?? {}) as Record<string, unknown>;
  for (const name of [ROS_PARAMETERS.functionLogProject, ROS_PARAMETERS.functionLogstore, ROS_PARAMETERS.accessLogProject, ROS_PARAMETERS.accessLogLogstore]) {
    if (!(name in declared)) throw new TemplateError(`the template has no parameter ${name}, which the alerts and the dashboard read`);
  }
  if (CREATE_INDEX_PARAMETER in declared) throw new TemplateError(`the template's parameter ${CREATE_INDEX_PARAMETER} is thaw package's own: rename it`);
  if (CREATES_INDEX in conditions) throw new TemplateError(`the template's condition ${CREATES_INDEX} is thaw package's own: rename it`);

  const parameters: Parameters = {};
  for (const [name, definition] of Object.entries(declared)) {
    if ((ROS_UNUSED_PARAMETERS as readonly string[]).includes(name) && !referenced(doc, name)) continue;
    parameters[name] = definition;
  }
  // Declared or not, its Description is the ROS stack's: thaw deploy's alternative (a webhook) is not one here.
  parameters[ROS_PARAMETERS.alertActionPolicyId] = {
    Type: 'String',
    Default: '',
    ...parameters[ROS_PARAMETERS.alertActionPolicyId],
    Description: 'An existing Log Service action policy the alerts send through (Log Service console, Alerts, Notification policy). Empty: no one is told.',
  };
  const thresholdParameters: Partial<Record<keyof AlertThresholds, string>> = {};
  for (const [field, name] of Object.entries(THRESHOLD_PARAMETERS) as [keyof AlertThresholds, string][]) {
    const definition = parameters[name];
    if (!definition) continue;
    thresholdParameters[field] = name;
    const fallback = field === 'accessLogLagMs' ? DEFAULT_THRESHOLDS.accessLogLagMs / 60_000 : DEFAULT_THRESHOLDS[field];
    parameters[name] = wholeNumber(definition, fallback);
  }
  parameters[CREATE_INDEX_PARAMETER] = {
    Type: 'String',
    Default: 'true',
    AllowedValues: ['true', 'false'],
    Description: `Make the index of ${ROS_PARAMETERS.functionLogstore} that the alerts and the dashboard query. false: it has an index already, with the keys docs/observability.md lists (thaw deploy adds them).`,
  };
  return {
    parameters,
    conditions: { [CREATES_INDEX]: { 'Fn::Equals': [{ Ref: CREATE_INDEX_PARAMETER }, 'true'] } },
    resources: rosResources({ thresholdParameters, indexCondition: CREATES_INDEX }) as unknown as Record<string, Props>,
  };
}

/** A threshold parameter as ROS must see it: a default, and (a String) digits only. */
function wholeNumber(definition: Record<string, unknown>, fallback: number): Record<string, unknown> {
  const out = { ...definition };
  if (out.Default === undefined || out.Default === '') out.Default = out.Type === 'Number' ? fallback : String(fallback);
  if (out.Type !== 'Number' && out.AllowedPattern === undefined) {
    out.AllowedPattern = '^[0-9]+$';
    out.ConstraintDescription = 'a whole number';
  }
  return out;
}

/** Whether anything but the Parameters section names the parameter (Ref, or ${Name} in Fn::Sub). */
function referenced(doc: TemplateDocument, name: string): boolean {
  const { Parameters: _declarations, ...rest } = doc;
  const text = JSON.stringify(rest);
  return text.includes(JSON.stringify({ Ref: name })) || text.includes(`\${${name}}`) || text.includes(`\${${name}.`);
}
