import { upcast } from './upcast';

describe('upcasting stored events', () => {
  it('gives a ConnectionClosed of the first shape (no remaining count) the current shape', () => {
    expect(upcast({ type: 'ConnectionClosed', data: { userId: 'u1', connectionId: 'c1' } })).toEqual({
      type: 'ConnectionClosed',
      data: { userId: 'u1', connectionId: 'c1', remaining: -1 },
    });
  });

  it('leaves an event of the current shape as it is', () => {
    const current = { type: 'ConnectionClosed', data: { userId: 'u1', connectionId: 'c1', remaining: 2 } };
    expect(upcast(current)).toEqual(current);
    const joined = { type: 'MemberJoined', data: { room: 'General', userId: 'u1', username: 'alice' } };
    expect(upcast(joined)).toEqual(joined);
  });
});
