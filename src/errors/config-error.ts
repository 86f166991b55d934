import { EdgeAuthError } from './base.js';

/** The deployment is misconfigured; `setting` names the variable or option (never its value). */
export class ConfigError extends EdgeAuthError {
  override readonly name = 'ConfigError';
  readonly code = 'invalid_config' as const;
  readonly family = 'misconfigured' as const;
  readonly status = 500;
  readonly setting: string;

  constructor(setting: string, message: string) {
    super(message);
    this.setting = setting;
  }
}
