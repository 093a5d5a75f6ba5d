/** `/services/new`: the form that creates a service (see service-form/). */
import { CreateServiceForm } from '../service-form/CreateServiceForm';

export default function CreateService() {
  return <CreateServiceForm />;
}
