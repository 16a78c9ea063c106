/** What a command handler waits on before returning, so that the caller's next read sees its write. */
export interface ReadYourWrites {
  waitForPosition(position: bigint): Promise<void>;
}

export async function settled(readModel: ReadYourWrites, position: bigint | undefined): Promise<void> {
  if (position !== undefined) await readModel.waitForPosition(position);
}
