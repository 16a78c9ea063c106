import type { IHeaders } from 'kafkajs';
import type { Headers } from '../bus';

/** Kafka headers are bytes and may repeat; the bus port has one string per name (the last wins). */
export function headersFromKafka(headers: IHeaders | undefined): Headers {
  const result: Headers = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    const last = Array.isArray(value) ? value[value.length - 1] : value;
    if (last !== undefined) result[name] = last.toString();
  }
  return result;
}
