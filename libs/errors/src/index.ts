export * from './errors';
export * from './field-errors';
export * from './http';
