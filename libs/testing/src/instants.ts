const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** An instant strictly between what happened before the call and what happens after it (ISO 8601). */
export async function markInstant(): Promise<string> {
  await sleep(5);
  const at = new Date().toISOString();
  await sleep(5);
  return at;
}
