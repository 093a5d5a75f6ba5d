/**
 * Copies releases' deploy-log lines (kept in etcd) into the engine (`cite-deploys-<team>-…`) through a
 * `BulkBuffer`: the deploy never waits for the engine. The team of a service is asked once and remembered.
 */
import type { Logger } from '@cite/logging';
import type { ReleaseLogLine } from '@cite/model';
import { BulkBuffer } from './bulk-buffer';
import { deployLineDocument } from './documents';
import type { LogStore } from './log-store';

export class DeployLogIndexer {
  private readonly buffer: BulkBuffer;
  private readonly teams = new Map<string, Promise<string | null>>();

  constructor(
    /** The team a service belongs to (null: the service is gone; its lines are not copied). */
    private readonly teamOf: (service: string) => Promise<string | null>,
    logs: Pick<LogStore, 'write'>,
    private readonly logger: Logger,
  ) {
    this.buffer = new BulkBuffer(logs, { warn: (message) => logger.warn(message) });
  }

  add(service: string, release: number, lines: readonly ReleaseLogLine[]): void {
    let team = this.teams.get(service);
    if (!team) {
      team = this.teamOf(service).catch(() => null);
      this.teams.set(service, team);
      if (this.teams.size > 10_000) this.teams.delete(this.teams.keys().next().value!);
    }
    void team.then((name) => {
      if (name === null) {
        this.teams.delete(service);
        return;
      }
      for (const line of lines)
        this.buffer.push(
          deployLineDocument({
            team: name,
            service,
            release,
            seq: line.seq,
            time: line.time,
            level: line.level,
            message: line.message,
          }),
        );
    });
  }

  close(): Promise<void> {
    return this.buffer.close();
  }
}
