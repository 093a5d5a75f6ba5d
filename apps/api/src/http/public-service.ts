/**
 * A service as the API shows it: a webhook secret is write-only, so answers say whether one is set
 * (`deployPolicy.webhookSecretSet`) and never what it is.
 */
import type { Service } from '@cite/model';

export type PublicService = Omit<Service, 'deployPolicy'> & {
  deployPolicy: Omit<Service['deployPolicy'], 'webhookSecret'> & { webhookSecretSet: boolean };
};

export function publicService(service: Service): PublicService {
  const { webhookSecret, ...policy } = service.deployPolicy;
  return { ...service, deployPolicy: { ...policy, webhookSecretSet: webhookSecret !== undefined } };
}
