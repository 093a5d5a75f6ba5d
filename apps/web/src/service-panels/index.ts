/** The Service page's panels: scale, environment, domains and the live log tail. */
export { ScalePanel } from './ScalePanel';
export { EnvEditor } from './EnvEditor';
export { DomainsPanel } from './DomainsPanel';
export { LogTail } from './LogTail';
export type { PanelProps } from './types';
