/** What a promise that should fail fails with. */

export type SdkError = Error & { $metadata?: { httpStatusCode?: number }; Code?: string };

/** The error `promise` rejects with (fails the test if it resolves). */
export async function rejection<E = SdkError>(promise: Promise<unknown>): Promise<E> {
  try {
    await promise;
  } catch (err) {
    return err as E;
  }
  throw new Error('expected the call to fail');
}

/** An SDK call's error as its name and HTTP status (fails the test if the call succeeds). */
export async function sdkFailure(promise: Promise<unknown>): Promise<{ name: string; status?: number }> {
  const e = await rejection(promise);
  return { name: e.name, status: e.$metadata?.httpStatusCode };
}
