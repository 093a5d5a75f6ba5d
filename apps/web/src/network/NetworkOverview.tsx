/**
 * `GET /api/v1/network` as the page shows it: the pool's totals with its use, the API's warnings, each node's
 * use of its pod range, and the ranges themselves.
 */
import type { NetworkView } from '@cite/catalog';
import { utcTime } from '../operations/audit';
import { UsageMeter } from './UsageMeter';
import './network.css';
import { TableWrap } from '../components/TableWrap';

const count = new Intl.NumberFormat('en');

const WARNING_KIND: Record<NetworkView['warnings'][number]['kind'], string> = {
  usage: 'Pod range nearly full',
  'pod-cidr': 'Pod range differs from the pool',
  'not-in-pool': 'Node not in the pool',
};

export function PoolSummary({ view }: { view: NetworkView }) {
  const { totals, pool, warnings } = view;
  return (
    <section className="panel" aria-labelledby="pool-title">
      <h2 id="pool-title">Pod addresses</h2>
      <div className="network-summary">
        <UsageMeter
          label="Pod addresses used on the pool's nodes"
          used={totals.used}
          capacity={totals.assigned}
        />
        <dl className="stats">
          <div>
            <dt>Used</dt>
            <dd>{count.format(totals.used)}</dd>
          </div>
          <div>
            <dt>Free on nodes</dt>
            <dd>{count.format(totals.free)}</dd>
          </div>
          <div>
            <dt>Assigned to nodes</dt>
            <dd>{count.format(totals.assigned)}</dd>
          </div>
          <div>
            <dt>Spare</dt>
            <dd>{count.format(totals.spare)}</dd>
          </div>
          <div>
            <dt>Pod capacity</dt>
            <dd>{count.format(totals.capacity)}</dd>
          </div>
          <div>
            <dt>Addresses</dt>
            <dd>{count.format(totals.addresses)}</dd>
          </div>
        </dl>
      </div>
      <p className="hint">
        Pool{' '}
        {pool.supernets.map((supernet, index) => (
          <span key={supernet}>
            {index > 0 ? ', ' : ''}
            <code>{supernet}</code>
          </span>
        ))}
        {pool.source === 'default'
          ? " — the seed's default pool (no network/pool is stored)."
          : ' — as stored in etcd (network/pool).'}
      </p>
      {warnings.length > 0 ? (
        <div className="notice network-warnings" role="region" aria-labelledby="warnings-title">
          <strong id="warnings-title" className="status-warn">
            {warnings.length === 1 ? '1 warning' : `${warnings.length} warnings`}
          </strong>
          <ul>
            {warnings.map((warning) => (
              <li key={`${warning.node}/${warning.kind}`}>
                <strong>{WARNING_KIND[warning.kind]}:</strong> {warning.message}
              </li>
            ))}
          </ul>
        </div>
      ) : (
        <p className="status-ok">No warnings: every node is below 80 % and matches the pool.</p>
      )}
    </section>
  );
}

export function NodesTable({ view }: { view: NetworkView }) {
  return (
    <section className="panel" aria-labelledby="nodes-title">
      <h2 id="nodes-title">Nodes</h2>
      {view.nodes.length === 0 ? (
        <p className="muted">The pool has no nodes and the watcher has reported none.</p>
      ) : (
        <TableWrap label="Nodes table">
          <table aria-labelledby="nodes-title">
            <thead>
              <tr>
                <th scope="col">Node</th>
                <th scope="col">Address</th>
                <th scope="col">Pod range</th>
                <th scope="col">Ready</th>
                <th scope="col">Pod addresses used</th>
                <th scope="col">Reported</th>
              </tr>
            </thead>
            <tbody>
              {view.nodes.map((node) => (
                <tr key={node.name}>
                  <th scope="row">
                    {node.name}
                    {node.inPool ? null : <div className="status-warn">not in the pool</div>}
                  </th>
                  <td>
                    {node.address ? <code>{node.address}</code> : <span className="muted">unknown</span>}
                  </td>
                  <td>
                    {node.podCidr ? <code>{node.podCidr}</code> : <span className="muted">none</span>}
                    {node.reportedPodCidr ? (
                      <div className="status-warn">
                        reports <code>{node.reportedPodCidr}</code>
                      </div>
                    ) : null}
                  </td>
                  <td>
                    {node.ready === null ? (
                      <span className="muted">unknown</span>
                    ) : node.ready ? (
                      <span className="status-ok">ready</span>
                    ) : (
                      <span className="status-bad">not ready</span>
                    )}
                  </td>
                  <td>
                    {node.used === null ? (
                      <span className="muted">
                        not reported yet ({count.format(node.capacity)} addresses)
                      </span>
                    ) : (
                      <UsageMeter
                        label={`Pod addresses used on ${node.name}`}
                        used={node.used}
                        capacity={node.capacity}
                      />
                    )}
                  </td>
                  <td>
                    {node.updatedAt ? (
                      <time dateTime={node.updatedAt}>{utcTime(node.updatedAt)}</time>
                    ) : (
                      <span className="muted">never</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </section>
  );
}

export function PoolRanges({ view }: { view: NetworkView }) {
  const { ranges, spareRanges } = view.pool;
  return (
    <section className="panel" aria-labelledby="ranges-title">
      <h2 id="ranges-title">Pod ranges</h2>
      {ranges.length === 0 ? (
        <p className="muted">The pool has no pod ranges.</p>
      ) : (
        <TableWrap label="Pod ranges table">
          <table aria-labelledby="ranges-title">
            <thead>
              <tr>
                <th scope="col">Range</th>
                <th scope="col">Node</th>
                <th scope="col">Addresses</th>
                <th scope="col">Pod capacity</th>
              </tr>
            </thead>
            <tbody>
              {ranges.map((range) => (
                <tr key={range.range}>
                  <th scope="row">
                    <code>{range.range}</code>
                  </th>
                  <td>{range.node ?? <span className="muted">spare</span>}</td>
                  <td>{count.format(range.addresses)}</td>
                  <td>{count.format(range.capacity)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      <p className="hint">
        {spareRanges.length === 0
          ? 'No spare ranges: every range belongs to a node.'
          : `Spare (no node yet): ${spareRanges.join(', ')}.`}
      </p>
    </section>
  );
}
