/**
 * `/services/:name`: one service — its release running, pods live, releases with their progress and deploy
 * logs, and its panels (logs, scale, environment, domains). A name the API does not know is said so plainly.
 */
import { useQuery } from '@tanstack/react-query';
import { Button } from 'react-aria-components';
import { Link, useParams } from 'react-router';
import { ApiError } from '../api';
import { fetchService, keys } from '../service-page/data';
import { ServiceView } from '../service-page/ServiceView';

export default function ServicePage() {
  const { name = '' } = useParams();
  const service = useQuery({
    queryKey: keys.service(name),
    queryFn: ({ signal }) => fetchService(name, signal),
    enabled: name !== '',
  });

  if (service.data) return <ServiceView key={service.data.name} service={service.data} />;

  if (service.error) {
    const error = service.error;
    if (error instanceof ApiError && error.status === 404)
      return (
        <section className="panel" aria-labelledby="missing-heading">
          <h1 id="missing-heading">No such service</h1>
          <p role="alert">
            There is no service named <code>{name}</code> that you can see. {error.message}
          </p>
          <p>
            <Link to="/services">All services</Link>
          </p>
        </section>
      );
    if (error instanceof ApiError && error.status === 403)
      return (
        <section className="panel" aria-labelledby="forbidden-heading">
          <h1 id="forbidden-heading">{name}</h1>
          <p role="alert" className="error">
            You may not see this service: {error.message}
          </p>
          <p>
            <Link to="/services">All services</Link>
          </p>
        </section>
      );
    return (
      <section className="panel" aria-labelledby="error-heading">
        <h1 id="error-heading">{name}</h1>
        <p role="alert" className="error">
          The service could not be read: {error.message}
        </p>
        <Button onPress={() => void service.refetch()}>Try again</Button>
      </section>
    );
  }

  return (
    <p aria-busy="true" className="muted">
      Loading {name}…
    </p>
  );
}
