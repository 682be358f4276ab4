// What can stop a deploy, package or destroy, as one flat family with a literal code. Each message
// says what is wrong and what to do about it; the CLI prints it as one line, no stack trace.

export abstract class DeployError extends Error {
  abstract readonly code: string;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** template.yml itself cannot be read as a deployment. */
export class TemplateError extends DeployError {
  readonly code = 'TemplateInvalid';
}

/** A parameter is missing, of the wrong type, or not among its allowed values. */
export class ParameterError extends DeployError {
  readonly code = 'ParameterInvalid';
}

/** Something the deployment needs in the account is not there (bucket, project, logstore, instance). */
export class PrerequisiteError extends DeployError {
  readonly code = 'PrerequisiteMissing';
}

/** The deployer's credentials may not do something the deployment needs. */
export class PermissionError extends DeployError {
  readonly code = 'PermissionMissing';
}

/** A create/update/delete call failed; what ran before it stays, and a rerun picks up from there. */
export class StepFailedError extends DeployError {
  readonly code = 'StepFailed';
}
