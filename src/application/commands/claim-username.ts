import { DomainError } from '../../domain/shared/domain-error';
import { checkUsernameCharacters, nameTaken, usernameDecider, usernameStream } from '../../domain/username/username.decider';
import type { CommandContext } from '../context';
import type { CommandExecutor } from '../command-executor';
import type { NameKey } from '../ports/name-key.port';
import type { UserDirectory } from '../user-directory';

/**
 * Claims a name for a user, or fails with `name_taken` when the name or a look-alike of it (the same `NameKey`)
 * is someone else's, or `invalid_name` when it has an invisible or control character.
 *
 * Every claim since names compare by their skeleton is on `username-<key>`, and that stream is the lock:
 * two racing claims of look-alikes meet on it, on any node. Claims from before sit on
 * `username-<NFKC-lowercased name>`; they are carried over to their key's stream at start (`LegacyClaims`),
 * and until then the read model holds them, so the check before the lock (`UserDirectory.nameClaimedBy`)
 * refuses a look-alike of one of them too.
 */
export const claimUsername = async (
  deps: { executor: CommandExecutor; directory: UserDirectory; names: NameKey },
  username: string,
  userId: string,
  context: CommandContext,
): Promise<void> => {
  checkUsernameCharacters(username);
  // The stream's own claim is checked by the decider, under the lock; a claim from before that is
  // someone else's is checked here, against the stream's owner (nobody's yet, or the same user's).
  const legacy = deps.directory.legacyClaimOf(username);
  if (legacy !== undefined && legacy !== userId) {
    const owner = await deps.directory.nameClaimedBy(username);
    if (owner !== undefined && owner !== userId) throw new DomainError('name_taken', nameTaken(username));
  }
  await deps.executor.execute(
    usernameStream(deps.names.key(username)),
    usernameDecider,
    { type: 'ClaimUsername', data: { username, userId } },
    context,
  );
};
