/** What every command gets: the streams, `--json`, colours, and the API client of the context in use. */
import { ApiClient } from './client';
import { configPath, resolveContext } from './contexts';
import { colorsFor, json, write, type Io } from './output';

export class Session {
  private client: ApiClient | undefined;

  constructor(
    readonly io: Io,
    readonly options: { json: boolean; context?: string },
  ) {}

  get colors() {
    return colorsFor(this.io);
  }

  get configFile(): string {
    return configPath(this.io.env);
  }

  api(): ApiClient {
    if (!this.client) {
      const context = resolveContext(this.io.env, this.configFile, this.options.context);
      this.client = new ApiClient(context.url, context.token);
    }
    return this.client;
  }

  print(text: string): Promise<void> {
    return write(this.io.out, text);
  }

  /** `value` as JSON with `--json`, else what `human` makes of it. */
  show<T>(value: T, human: (value: T) => string): Promise<void> {
    return this.print(this.options.json ? json(value) : human(value));
  }

  note(text: string): Promise<void> {
    return write(this.io.err, `${text}\n`);
  }
}
