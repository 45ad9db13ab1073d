/**
 * The one contract between renderer and main. Each domain has an interface (what main implements)
 * and a schema per method (what main validates). Channel names, the preload, both transports and the
 * renderer's client are all derived from `apiSchemas`; nothing is typed twice.
 */
import type { z } from 'zod';
import type { JobEvent } from '../jobs/events';
import type { Result } from './result';
import type { ServerText } from './text';
import { systemSchemas, type SystemApi } from './system';
import { projectSchemas, type ProjectApi } from './project';
import { imagesSchemas, type ImagesApi } from './images';
import { masksSchemas, type MasksApi } from './masks';
import { inferenceSchemas, type InferenceApi } from './inference';
import { trainingSchemas, type TrainingApi } from './training';
import { modelsSchemas, type ModelsApi } from './models';
import { jobsSchemas, type JobsApi } from './jobs';
import { pacsSchemas, type PacsApi } from './pacs';

export * from './result';
export * from './text';
export type * from './system';
export type * from './project';
export type * from './images';
export type * from './masks';
export type * from './inference';
export type * from './training';
export type * from './models';
export type * from './jobs';
export type * from './pacs';
export type * from '../jobs/events';

/** Everything main implements, by domain. Methods throw PleuraError for expected failures. */
export interface Api {
  system: SystemApi;
  project: ProjectApi;
  images: ImagesApi;
  masks: MasksApi;
  inference: InferenceApi;
  training: TrainingApi;
  models: ModelsApi;
  jobs: JobsApi;
  pacs: PacsApi;
}

export type Domain = keyof Api;
export type MethodOf<D extends Domain> = keyof Api[D] & string;

type AnyMethod = (...args: never[]) => Promise<unknown>;
type ArgsOf<F> = F extends (...args: infer A) => Promise<unknown> ? A : never;
type ReturnOf<F> = F extends (...args: never[]) => Promise<infer R> ? R : never;

/** A schema for every method, whose parsed output is exactly the method's argument tuple. */
export type ApiSchemas = { [D in Domain]: { [M in keyof Api[D]]: z.ZodType<ArgsOf<Api[D][M]>> } };

/** Argument schemas of every method: the method list of the contract. */
export const apiSchemas = {
  system: systemSchemas,
  project: projectSchemas,
  images: imagesSchemas,
  masks: masksSchemas,
  inference: inferenceSchemas,
  training: trainingSchemas,
  models: modelsSchemas,
  jobs: jobsSchemas,
  pacs: pacsSchemas,
} satisfies ApiSchemas;

/** Every domain with its method names, derived from the schemas. */
export const apiMethods = Object.fromEntries(
  Object.entries(apiSchemas).map(([domain, methods]) => [domain, Object.keys(methods)]),
) as { [D in Domain]: MethodOf<D>[] };

/** The channel a method travels on: `domain:method`. */
export function channelName<D extends Domain>(domain: D, method: MethodOf<D>): string {
  return `${domain}:${method}`;
}

/** Every channel of the contract, for transports that register handlers by walking it. */
export function allChannels(): { domain: Domain; method: string; channel: string }[] {
  return (Object.keys(apiMethods) as Domain[]).flatMap((domain) =>
    (apiMethods[domain] as string[]).map((method) => ({ domain, method, channel: `${domain}:${method}` })),
  );
}

/** Events main pushes to the renderer. */
export interface ApiEvents {
  job: JobEvent;
  /**
   * `warnings`: the background check after opening found damage (also in ProjectSummary.warnings).
   * `changed` names the images whose record changed and, in `latestRevisionIds`, each one's current
   * revision after the change (a view already showing it needs to load nothing).
   */
  project: { kind: 'changed' | 'opened' | 'closed' | 'warnings'; imageIds?: string[]; latestRevisionIds?: Record<string, string | null>; warnings?: string[]; warningTexts?: ServerText[] };
  models: { kind: 'activated' | 'added'; key: string };
}
export type EventName = keyof ApiEvents;
export const eventNames = ['job', 'project', 'models'] as const satisfies readonly EventName[];

/** What the renderer holds: every method resolves to a Result, never throws for expected failures. */
export type ApiClient = {
  [D in Domain]: { [M in keyof Api[D]]: (...args: ArgsOf<Api[D][M]>) => Promise<Result<ReturnOf<Api[D][M]>>> };
} & {
  /** Subscribes to an event; returns the function that unsubscribes. */
  on<E extends EventName>(event: E, listener: (payload: ApiEvents[E]) => void): () => void;
};

/** Checks a raw argument list against a method's schema; returns the parsed tuple or an error message. */
export function validateArgs(domain: string, method: string, args: unknown): { ok: true; args: unknown[] } | { ok: false; reason: string } {
  const own = (o: object, key: string) => Object.prototype.hasOwnProperty.call(o, key);
  const methods = own(apiSchemas, domain) ? (apiSchemas as Record<string, Record<string, z.ZodType>>)[domain] : undefined;
  const schema = methods && own(methods, method) ? methods[method] : undefined;
  if (!schema) return { ok: false, reason: `Unknown method ${domain}:${method}` };
  const parsed = schema.safeParse(args);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, reason: `Invalid arguments for ${domain}:${method}: ${issue ? `${issue.path.join('.') || 'args'}: ${issue.message}` : 'invalid'}` };
  }
  return { ok: true, args: parsed.data as unknown[] };
}

export type { AnyMethod };
