/** Every message of `room` over REST, paging back with `before` until there is no more; oldest first. */
export const wholeHistory = async <M extends { id: string }>(url: string, room: string): Promise<M[]> => {
  const all: M[] = [];
  let before: string | undefined;
  for (;;) {
    const response = await fetch(
      `${url}/api/rooms/${encodeURIComponent(room)}/messages?limit=100${before !== undefined ? `&before=${encodeURIComponent(before)}` : ''}`,
    );
    expect(response.status).toBe(200);
    const page = (await response.json()) as { messages: M[]; hasMore: boolean };
    all.push(...page.messages);
    if (!page.hasMore || page.messages.length === 0) return all.reverse();
    before = page.messages[page.messages.length - 1]!.id;
  }
};
