export * from './organisations';
export * from './users';
export * from './api-keys';
export * from './audit-events';
