/** Polls `condition` until it holds; fails with `describe()` after `timeoutMs`. For tests only. */
export async function eventually(condition: () => boolean | Promise<boolean>, describe: () => string | Promise<string>, timeoutMs = 30_000, intervalMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${await describe()}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
