export * from './format';
export * from './verify';
