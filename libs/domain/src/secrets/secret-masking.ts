/**
 * Output masking (decision 0043): a secret's value, and its base64 and URL-encoded forms, printed by a command appear
 * as `***` in the action's logs. Values shorter than SECRET_MASK_MIN_LENGTH are not masked: masking "1" or "on" would
 * garble every log and hide nothing.
 */
export const SECRET_MASK = '***';
export const SECRET_MASK_MIN_LENGTH = 3;

/** Every form of the values a log must not show, longest first (so a longer form is replaced before a form inside it). */
export function secretForms(values: readonly string[]): string[] {
  const forms = new Set<string>();
  for (const value of values) {
    if (value.length < SECRET_MASK_MIN_LENGTH) continue;
    const bytes = Buffer.from(value, 'utf8');
    for (const form of [value, bytes.toString('base64'), bytes.toString('base64').replace(/=+$/, ''), bytes.toString('base64url'), encodeURIComponent(value), value.replace(/\r?\n$/, '')]) {
      if (form.length >= SECRET_MASK_MIN_LENGTH) forms.add(form);
    }
  }
  return [...forms].sort((a, b) => b.length - a.length);
}

export function maskSecrets(text: string, forms: readonly string[]): string {
  let masked = text;
  for (const form of forms) if (masked.includes(form)) masked = masked.split(form).join(SECRET_MASK);
  return masked;
}

/**
 * Masks a stream that arrives in arbitrary chunks: a form split across two chunks is still masked, because the end of a
 * chunk that could begin a form is held back until the next chunk (or `end`).
 */
export class StreamMasker {
  private carry = '';

  constructor(private readonly forms: readonly string[]) {}

  /** The text safe to pass on now (possibly empty). */
  write(chunk: string): string {
    if (this.forms.length === 0) return chunk;
    const text = this.carry + chunk;
    const held = this.heldBack(text);
    this.carry = text.slice(text.length - held);
    return maskSecrets(text.slice(0, text.length - held), this.forms);
  }

  /** What is held back, masked: at the end of the stream. */
  end(): string {
    const rest = maskSecrets(this.carry, this.forms);
    this.carry = '';
    return rest;
  }

  /** The length of the longest end of `text` that is the start of a form (and not a whole one). */
  private heldBack(text: string): number {
    let longest = 0;
    for (const form of this.forms) {
      for (let length = Math.min(form.length - 1, text.length); length > longest; length -= 1) {
        if (text.endsWith(form.slice(0, length))) {
          longest = length;
          break;
        }
      }
    }
    return longest;
  }
}
