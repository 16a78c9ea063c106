/** Settles as `work` does, or rejects with `timeoutError()` after `ms`; the timer never outlives it. */
export function withTimeLimit<T>(work: Promise<T>, ms: number, timeoutError: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(timeoutError()), ms);
  });
  return Promise.race([work, limit]).finally(() => clearTimeout(timer));
}
