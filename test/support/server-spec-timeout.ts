// Specs of this project start real servers, child processes and databases. On a busy two-core
// machine (the browser specs running beside them) a server's start alone can take seconds, so a
// test gets 20 s unless it says otherwise; a spec that hangs still fails.
jest.setTimeout(20_000);
