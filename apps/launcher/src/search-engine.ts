/**
 * The logs' search engine under `npm start` (issue 15): the one `CITE_LOGS_URL` names, else an embedded OpenSearch
 * the launcher starts, else none. Log search is an extra: a machine without Java, or an engine that does not come
 * up, costs the logs their search (the api answers 501) and never the platform its start.
 */

/** What the apps are told about the search engine, and what the banner says of it. */
export type SearchEngine =
  /** The launcher runs it (data under `<local>/opensearch`). */
  | { kind: 'embedded'; url: string }
  /** `CITE_LOGS_URL` named one: the launcher starts none. */
  | { kind: 'given'; url: string }
  /** None can run here (no Java, say): `reason` says why and how to get one. */
  | { kind: 'off'; reason: string }
  /** Its start failed (a build error, a timeout): `reason` is one line. */
  | { kind: 'failed'; reason: string };

export interface SearchEngineChoice {
  /** `CITE_LOGS_URL` as configured. */
  given: string | undefined;
  /** Whether an embedded engine can run here (`openSearchAvailable`). */
  available(): { ok: true } | { ok: false; reason: string };
  /** Starts the embedded engine; resolves once it answers. */
  start(): Promise<{ url: string }>;
}

/** The first line of an error's message, without the colon that introduces the output after it. */
export function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return (message.split('\n')[0] ?? '').trim().replace(/:$/, '') || 'no reason given';
}

/** Decides on the search engine and starts it when it is the launcher's to start. Never rejects. */
export async function searchEngine(choice: SearchEngineChoice): Promise<SearchEngine> {
  if (choice.given) return { kind: 'given', url: choice.given };
  const available = choice.available();
  if (!available.ok) return { kind: 'off', reason: available.reason };
  try {
    return { kind: 'embedded', url: (await choice.start()).url };
  } catch (error) {
    return { kind: 'failed', reason: `the search engine did not start: ${firstLine(error)}` };
  }
}

/** The URL the apps get as `CITE_LOGS_URL`, if any. */
export function logsUrl(engine: SearchEngine): string | undefined {
  return engine.kind === 'embedded' || engine.kind === 'given' ? engine.url : undefined;
}
