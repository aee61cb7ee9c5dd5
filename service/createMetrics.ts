import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

export { Counter, Gauge, Histogram, Registry };

/**
 * A Prometheus registry for one service: the process's default metrics (CPU, memory, event
 * loop lag, GC) prefixed `optio_`, and every label set given here on every metric. Each
 * service registers its own metrics on it (`new Counter({ registers: [registry], ... })`).
 */
export function createMetrics(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry, prefix: "optio_" });
  return registry;
}
