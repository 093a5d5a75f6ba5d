/** `/services`: the services the caller may see, searched, filtered and paged (see services-list/). */
import { ServicesList } from '../services-list/ServicesList';

export default function Services() {
  return <ServicesList />;
}
