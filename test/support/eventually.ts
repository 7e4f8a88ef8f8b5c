/**
 * Polls `probe`, pausing `pauseMs` between attempts, until it returns true (for state that
 * converges without an event to wait on, such as REST listings on every node); fails after `timeoutMs`.
 */
export const eventually = async (probe: () => Promise<boolean>, timeoutMs = 5000, pauseMs = 25): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
};
