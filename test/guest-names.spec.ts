import { Logger } from '@nestjs/common';
import { StartGuestSessionHandler, StartGuestSessionCommand } from '../src/application/commands/start-guest-session.command';
import { UserDirectory } from '../src/application/user-directory';
import { UsersReadModel } from '../src/application/read-models/users.read-model';
import { ConfusableNameKey } from '../src/infrastructure/confusable-name-key';
import { config, context, FixedClock, running, SequentialIds, setup, SpyStore } from './support/command-executor-harness';

/** Guests started through the real handler, executor and in-memory store; every random digit is a 7. */
const guests = async () => {
  const store = new SpyStore();
  const { executor } = await setup(store);
  const names = new ConfusableNameKey();
  const directory = new UserDirectory(executor, names, new UsersReadModel(names, config), store, new FixedClock(), config);
  const handler = new StartGuestSessionHandler(executor, new SequentialIds(), directory, names, config);
  return { start: () => handler.execute(new StartGuestSessionCommand(context)) };
};

describe('guest names', () => {
  beforeAll(() => Logger.overrideLogger(false));

  afterEach(() => {
    for (const runner of running.splice(0)) runner.onApplicationShutdown();
  });

  it('gives four digits while free, and one more digit for each name found taken', async () => {
    const { start } = await guests();
    const names = [];
    for (let i = 0; i < 4; i++) names.push((await start()).username);
    expect(names).toEqual(['Guest7777', 'Guest77777', 'Guest777777', 'Guest7777777']);
  });
});
