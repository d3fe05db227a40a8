export { createLogger, type Logger } from './logger';
export { Counter, Gauge, Histogram, MetricsRegistry, type BoundCounter } from './metrics';
export { serveMetrics, type MetricsServer } from './metrics-server';
