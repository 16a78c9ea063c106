import { Registry } from 'prom-client';

/** The Prometheus text exposition format 0.0.4, as prom-client writes it. */
export const PROMETHEUS_CONTENT_TYPE: string = Registry.PROMETHEUS_CONTENT_TYPE;
