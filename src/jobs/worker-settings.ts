/**
 * Settings handed from the worker process to its sandboxed children through one environment
 * variable, so the children use exactly the configuration the worker read (read once, not re-read).
 */
import type { Config } from '../config.ts';
import type { JobsConfig } from './config.ts';
import { JobsError } from './jobs-error.ts';

export const WORKER_SETTINGS_VAR = 'LUMEN_WORKER_SETTINGS';

export interface WorkerSettings {
  readonly config: Config;
  readonly jobsConfig: JobsConfig;
}

export function encodeWorkerSettings(settings: WorkerSettings): string {
  return JSON.stringify(settings);
}

export function decodeWorkerSettings(env: Record<string, string | undefined>): WorkerSettings {
  const raw = env[WORKER_SETTINGS_VAR];
  if (!raw)
    throw new JobsError(
      'BAD_CONFIG',
      `${WORKER_SETTINGS_VAR} is not set: start sandboxed jobs through startWorker`,
    );
  return JSON.parse(raw) as WorkerSettings;
}
