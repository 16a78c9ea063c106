/**
 * Values cross the bus as JSON in both adapters, so a value that survives the in-process bus
 * survives Kafka too (a bigint fails to publish on both; a Date arrives as a string on both).
 */
export function encodeValue(value: unknown): string {
  return JSON.stringify(value) ?? 'null';
}

export function decodeValue(text: string): unknown {
  return JSON.parse(text);
}
