/**
 * `/network`: the IP pool and each node's use of its pod range with the API's warnings, "Whose IP is this?",
 * the domains the caller may see, and the pool's ranges. The pool refreshes every 30 s.
 */
import { useQuery } from '@tanstack/react-query';
import { Button } from 'react-aria-components';
import type { NetworkView } from '@cite/catalog';
import { api } from '../api';
import { useSession } from '../session';
import { Domains } from '../network/Domains';
import { IpLookup } from '../network/IpLookup';
import { NodesTable, PoolRanges, PoolSummary } from '../network/NetworkOverview';
import '../network/network.css';

export default function Network() {
  const { team } = useSession();
  const network = useQuery({
    queryKey: ['network'],
    queryFn: ({ signal }) => api<NetworkView>('/network', { signal }),
    refetchInterval: 30_000,
  });

  return (
    <>
      <div className="section-head">
        <h1>Network</h1>
        <div className="more">
          {network.dataUpdatedAt > 0 ? (
            <span className="muted">as of {new Date(network.dataUpdatedAt).toLocaleTimeString()}</span>
          ) : null}
          <Button className="quiet" isDisabled={network.isFetching} onPress={() => void network.refetch()}>
            {network.isFetching && !network.isPending ? 'Refreshing…' : 'Refresh'}
          </Button>
        </div>
      </div>
      {network.isPending ? (
        <p className="panel muted" aria-busy="true">
          Loading the IP pool…
        </p>
      ) : network.isError && !network.data ? (
        <div className="panel" role="alert">
          <p className="error">The IP pool could not be loaded: {network.error.message}</p>
          <Button className="quiet" onPress={() => void network.refetch()}>
            Try again
          </Button>
        </div>
      ) : (
        <>
          {network.isError ? (
            <p className="notice" role="alert">
              Refreshing failed ({network.error.message}); showing the last answer.
            </p>
          ) : null}
          <PoolSummary view={network.data} />
          <NodesTable view={network.data} />
        </>
      )}
      <IpLookup />
      <Domains team={team} />
      {network.data ? <PoolRanges view={network.data} /> : null}
    </>
  );
}
