/** Watching: `status`, `logs`, `domains`, `whose-ip`. */
import { Command } from 'commander';
import { fields, table } from '../output';
import type { Pod, StatusView } from '../types';
import { enc, integer, parseDuration, podsTable, type Act } from './shared';

export function observeCommands(program: Command, act: Act): void {
  program
    .command('status')
    .description("a service's pods; --watch follows them")
    .argument('<name>')
    .option('-w, --watch', 'keep the table current until Ctrl-C', false)
    .action(
      act(async (s, name: string, o: { watch: boolean }) => {
        if (!o.watch) {
          const status = await s.api().get<StatusView>(`/services/${enc(name)}/status`);
          return s.show(
            status,
            (v) =>
              `${v.service}: ${v.state}${v.observed?.release ? `, release #${v.observed.release}` : ''}\n${podsTable(v.observed?.pods ?? [])}`,
          );
        }
        const pods = new Map<string, Pod>();
        const controller = new AbortController();
        process.once('SIGINT', () => controller.abort());
        const redraw = async () => {
          const list = [...pods.values()].sort((a, b) => a.name.localeCompare(b.name));
          if (s.options.json) return;
          await s.print(
            `${s.io.out.isTTY ? '\x1b[2J\x1b[H' : ''}${new Date().toISOString()}\n${podsTable(list)}`,
          );
        };
        await s.api().events(
          `/services/${enc(name)}/pods/events`,
          {},
          (event) => {
            const data = JSON.parse(event.data || '{}') as { pods?: Pod[]; type?: string; pod?: Pod };
            if (s.options.json) s.io.out.write(`${JSON.stringify({ event: event.event, ...data })}\n`);
            if (event.event === 'snapshot') for (const pod of data.pods ?? []) pods.set(pod.name, pod);
            else if (event.event === 'pod' && data.pod) {
              if (data.type === 'removed') pods.delete(data.pod.name);
              else pods.set(data.pod.name, data.pod);
            } else return;
            void redraw();
          },
          controller.signal,
        );
      }),
    );

  program
    .command('logs')
    .description("a service's pods' logs, merged and prefixed with the pod")
    .argument('<name>')
    .option('-f, --follow', 'keep following (Ctrl-C stops)', false)
    .option('--tail <n>', 'lines per pod to start with', integer('--tail'))
    .option('--since <duration>', 'only lines newer than this (30s, 5m, 2h)')
    .option('--pod <pod>', 'one pod only')
    .action(
      act(async (s, name: string, o: { follow: boolean; tail?: number; since?: string; pod?: string }) => {
        const c = s.colors;
        const palette = [c.cyan, c.magenta, c.yellow, c.green, c.blue, c.red];
        const colourOf = new Map<string, (t: string) => string>();
        const controller = new AbortController();
        process.once('SIGINT', () => controller.abort());
        await s.api().events(
          `/services/${enc(name)}/logs`,
          {
            follow: o.follow,
            tailLines: o.tail,
            sinceSeconds: o.since ? parseDuration(o.since) : undefined,
            pod: o.pod,
            format: 'sse',
          },
          (event) => {
            if (event.event !== 'log') return;
            const line = JSON.parse(event.data) as {
              pod: string;
              container: string;
              time: string;
              message: string;
            };
            if (s.options.json) return void s.io.out.write(`${JSON.stringify(line)}\n`);
            if (!colourOf.has(line.pod)) colourOf.set(line.pod, palette[colourOf.size % palette.length]!);
            s.io.out.write(`${colourOf.get(line.pod)!(line.pod)} ${line.message}\n`);
          },
          controller.signal,
        );
      }),
    );

  program
    .command('domains')
    .description('domains and the services that own them')
    .option('--service <name>', "one service's domains")
    .action(
      act(async (s, o: { service?: string }) => {
        const items = await s.api().all<{
          host: string;
          service?: string;
          ingress?: string;
          targets: string[];
          conflict?: { with: string };
        }>('/domains', { service: o.service });
        await s.show(items, (list) =>
          list.length
            ? table(
                ['host', 'service', 'targets', 'conflict'],
                list.map((d) => [d.host, d.service ?? d.ingress, d.targets.join(','), d.conflict?.with]),
              )
            : 'no domains\n',
        );
      }),
    );

  program
    .command('whose-ip')
    .description('which pod, service and node hold an address')
    .argument('<ip>')
    .action(
      act(async (s, ip: string) => {
        const answer = await s.api().get<Record<string, unknown>>(`/network/ips/${enc(ip)}`);
        await s.show(answer, (a) =>
          fields(
            Object.entries(a).map(([k, v]) => [k, typeof v === 'object' ? JSON.stringify(v) : (v as string)]),
          ),
        );
      }),
    );
}
