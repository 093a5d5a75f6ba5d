export {
  type Cidr,
  type Parsed,
  cidrContains,
  cidrCovers,
  cidrLast,
  cidrSize,
  cidrsOverlap,
  formatCidr,
  formatIpv4,
  parseCidr,
  parseIpv4,
  readCidr,
  readIpv4,
} from './ipv4';
export { DEFAULT_POOL, type NodeSpec, type PoolSpec } from './pool-spec';
export { type AddressRole, LONGEST_POD_RANGE_PREFIX, type RangeLayout, rangeLayout } from './range-layout';
export {
  type PodRange,
  type PoolNode,
  type Supernet,
  type ValidatedPool,
  poolProblems,
  validatePool,
} from './validate-pool';
export { type Ownership, nodeNamed, podCidrFor, whoOwns } from './ownership';
export { nextFreeIp } from './allocation';
export {
  type NodeUsage,
  type PoolCapacity,
  type PoolUsage,
  type RangeCapacity,
  type UsedByNode,
  poolCapacity,
  poolUsage,
} from './capacity';
