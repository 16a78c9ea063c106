import { join } from 'node:path';
import type { ArtifactAddress } from '../artifact-store';

/** `<root>/ab/cd/abcd…`: two levels of 256 folders keep every folder small at millions of artifacts. */
export const fanOutPath = (root: string, sha256: ArtifactAddress): string => join(root, sha256.slice(0, 2), sha256.slice(2, 4), sha256);

export const isFanOutSegment = (name: string): boolean => /^[0-9a-f]{2}$/.test(name);
