// Where a deployed function lives, for the runtime and its logs: FC 2.0 functions in a service, FC 3.0
// functions in a namespace of their own (FC 3.0 has no services: "functions are first-class").

/**
 * Where a deployed function lives: in an FC 2.0 service (its role and logConfig are the service's),
 * or in FC 3.0's namespace of functions (its own).
 */
export type FunctionHome = { readonly platform: 'fc2'; readonly service: string } | { readonly platform: 'fc3' };

/** What the runtime needs of a function, whichever API deployed it. */
export interface RunnableFunction {
  readonly functionName: string;
  readonly handler: string;
  readonly timeout: number;
  readonly memorySize: number;
  readonly environmentVariables: Record<string, string>;
  readonly codeChecksum: string;
}

/** An FC 3.0 function's own settings: the role FC assumes for it and where its logs go. */
export interface Fc3FunctionSettings {
  readonly role: string;
  readonly logConfig: { readonly project: string; readonly logstore: string };
}

/** The runtime's key of a function: FC 2.0 "service/function", FC 3.0 "/function" (no service has an empty name). */
export function homeKey(home: FunctionHome, fn: string): string {
  return home.platform === 'fc2' ? `${home.service}/${fn}` : `/${fn}`;
}
