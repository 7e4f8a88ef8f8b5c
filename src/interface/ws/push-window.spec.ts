import { PushWindow, pushWindowMs } from './push-window';

describe('PushWindow', () => {
  let window: PushWindow;

  beforeEach(() => {
    jest.useFakeTimers();
    window = new PushWindow();
  });

  afterEach(() => {
    window.onApplicationShutdown();
    jest.useRealTimers();
  });

  it('runs every flush asked for within one window together when it ends, each once', () => {
    const ran: string[] = [];
    const presence = (): number => ran.push('presence');
    const notices = (): number => ran.push('notices');
    window.schedule(presence, 0);
    jest.advanceTimersByTime(30);
    window.schedule(notices, 0);
    window.schedule(presence, 0);
    jest.advanceTimersByTime(19);
    expect(ran).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(ran).toEqual(['presence', 'notices']);

    // The next change opens the next window.
    window.schedule(notices, 0);
    jest.advanceTimersByTime(49);
    expect(ran).toHaveLength(2);
    jest.advanceTimersByTime(1);
    expect(ran).toEqual(['presence', 'notices', 'notices']);
  });

  it('is as long as the listeners of whoever opens it ask: 50 ms, 0.4 ms a socket, at most 5 s', () => {
    expect([0, 100, 2_500, 12_500, 1_000_000].map(pushWindowMs)).toEqual([50, 50, 1000, 5000, 5000]);
    const ran: number[] = [];
    window.schedule(() => ran.push(1), 2_500);
    window.schedule(() => ran.push(2), 0);
    jest.advanceTimersByTime(999);
    expect(ran).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(ran).toEqual([1, 2]);
  });

  it('still runs the other flushes when one throws', () => {
    const ran: string[] = [];
    window.schedule(() => {
      throw new Error('broken');
    }, 0);
    window.schedule(() => ran.push('after'), 0);
    jest.advanceTimersByTime(50);
    expect(ran).toEqual(['after']);
  });

  it('runs nothing after shutdown', () => {
    const ran: string[] = [];
    window.schedule(() => ran.push('late'), 0);
    window.onApplicationShutdown();
    jest.advanceTimersByTime(10_000);
    expect(ran).toEqual([]);
  });
});
