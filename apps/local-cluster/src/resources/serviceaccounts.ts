import { defineResource, strategy } from './define';
import { ageColumn, column, nameColumn } from './columns';

export const serviceAccounts = defineResource({
  group: '',
  version: 'v1',
  resource: 'serviceaccounts',
  kind: 'ServiceAccount',
  namespaced: true,
  shortNames: ['sa'],
  columns: [
    nameColumn,
    column('Secrets', (object) => ((object.secrets as unknown[] | undefined) ?? []).length, 'integer'),
    ageColumn,
  ],
  strategy: strategy({}),
});
