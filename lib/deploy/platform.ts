// Which Function Compute a stack runs on. FC 3.0 (API 2023-03-30) is where Alibaba sends new
// functions; FC 2.0 (API 2016-08-15) keeps the stacks that run there. A deploy keeps a stack where
// it is unless told otherwise (--platform), puts a new one on FC 3.0, and moves one from a platform
// to the other as one planned, resumable run: the new deployment comes up before the old one goes.
import type { DeployStep } from './plan';

export type Platform = 'fc2' | 'fc3';
export const PLATFORMS: readonly Platform[] = ['fc2', 'fc3'];
export const DEFAULT_PLATFORM: Platform = 'fc3';

export const PLATFORM_NAMES: Readonly<Record<Platform, string>> = { fc2: 'FC 2.0', fc3: 'FC 3.0' };

/** One platform's part of a deploy, in the order the steps run. */
export interface PlatformSteps {
  /** Services (FC 2.0) and functions, with their configurations: made before the triggers that fire them. */
  readonly functions: DeployStep[];
  /** Triggers and functions to delete: before the new triggers, which an old one may conflict with. */
  readonly deletions: DeployStep[];
  /** Every trigger but the OSS ones. */
  readonly triggers: DeployStep[];
  /**
   * Triggers on a bucket's events: OSS refuses a second trigger on the same bucket whose events and
   * key filters overlap (FC "OSS trigger" overview), so during a move between platforms the old one
   * goes first.
   */
  readonly ossTriggers: DeployStep[];
  readonly domains: DeployStep[];
  /** Deleted once everything new is up. */
  readonly late: DeployStep[];
}

/** A platform's part of a stack, taken down in the order FC allows. */
export interface Teardown {
  readonly domains: DeployStep[];
  /** Every trigger but the OSS ones. */
  readonly triggers: DeployStep[];
  readonly ossTriggers: DeployStep[];
  readonly functions: DeployStep[];
  /** FC 2.0 only: the services, which must be empty. */
  readonly services: DeployStep[];
}

export interface PlatformChoice {
  readonly platform: Platform;
  /** The platform the stack is moving away from (it has resources there), if any. */
  readonly from?: Platform;
  readonly reason: string;
}

/**
 * Where this deploy puts the stack: where asked; otherwise where it already is, or FC 3.0 for a new
 * stack. A stack found on both platforms is half-way through a move: undefined, and the caller asks
 * which way to finish it rather than guess.
 */
export function choosePlatform(asked: Platform | undefined, on: Readonly<Record<Platform, boolean>>): PlatformChoice | undefined {
  const other = (p: Platform): Platform => (p === 'fc2' ? 'fc3' : 'fc2');
  if (asked) {
    const from = on[other(asked)] ? other(asked) : undefined;
    return { platform: asked, ...(from ? { from } : {}), reason: from ? `--platform ${asked}: moving from ${PLATFORM_NAMES[from]}` : `--platform ${asked}` };
  }
  if (on.fc2 && on.fc3) return undefined;
  if (on.fc2) return { platform: 'fc2', reason: 'the stack runs on FC 2.0 (--platform fc3 moves it)' };
  if (on.fc3) return { platform: 'fc3', reason: 'the stack runs on FC 3.0' };
  return { platform: DEFAULT_PLATFORM, reason: 'a new stack goes to FC 3.0' };
}
