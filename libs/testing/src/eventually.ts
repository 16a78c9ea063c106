/**
 * The value `attempt` resolves to once it is not undefined, trying every `intervalMs`; an attempt that throws is
 * tried again. After `timeoutMs`, rejects naming `what` and the last error.
 */
export async function eventually<T>(attempt: () => Promise<T | undefined>, what: string, timeoutMs: number, intervalMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await attempt();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
