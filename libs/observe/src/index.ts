/**
 * What the watcher decides: Kubernetes objects → cite's etcd records (domains, load-balancer endpoints, the IP
 * map, observed status). Pure; `apps/watcher` feeds it from informers and writes what it answers.
 */
export {
  decideDomain,
  hostsOf,
  routesHost,
  type DomainDecision,
  type DomainInputs,
  type ServiceClaim,
} from './domains';
export { citeServiceOf, isoTime, refOf } from './identity';
export { lbRecordFor } from './lb';
export { holderOf, ipRecordOf, nodeRecordOf, podIpOf, usedIn } from './network';
export { sameRecord } from './same';
export { statusRecordOf } from './status';
