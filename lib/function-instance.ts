// What a function keeps per FC instance (one warm copy of it, reused across invocations):
// configuration read once, services built lazily per credentials, and each invocation's deadline
// from FC's timeout. ("Runtime" is FC's word for the language environment, nodejs20.)
import { loadConfig, type ThawConfig } from './config';
import { buildServices, credentialsFrom, type FcContext, type Services, servicesCache } from './wiring';

/** Time kept back from FC's timeout so an invocation ends cleanly, records written. */
const DEADLINE_RESERVE_MS = 3_000;

export function functionInstance(build: (config: ThawConfig, credentials: ReturnType<typeof credentialsFrom>) => Services = buildServices) {
  let cache: ((c: ReturnType<typeof credentialsFrom>) => Services) | undefined;
  return {
    /** The instance's services for these credentials, with the tables known to exist. */
    async services(context: FcContext | undefined): Promise<Services> {
      if (!cache) {
        const config = loadConfig();
        cache = servicesCache((credentials) => build(config, credentials));
      }
      const services = cache(credentialsFrom(context));
      await services.ready();
      return services;
    },
    deadline(context: FcContext | undefined, startedAtMs = Date.now()): number | undefined {
      const seconds = context?.function?.timeout;
      return typeof seconds === 'number' && seconds > 0 ? startedAtMs + seconds * 1000 - DEADLINE_RESERVE_MS : undefined;
    },
  };
}
