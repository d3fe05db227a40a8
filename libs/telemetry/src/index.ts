export { createLogger, type Logger } from './logger';
export { Counter, MetricsRegistry } from './metrics';
