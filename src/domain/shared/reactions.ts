import { normaliseEmoji } from './emoji';

/**
 * One user's reaction added to or taken back from a message's reactions (emoji → user ids), in
 * place. Stored reactions may predate emoji having one spelling (with or without U+FE0F): they are
 * one reaction either way. An emoji nobody reacts with any more leaves the map.
 */
export const foldReaction = (reactions: Map<string, Set<string>>, rawEmoji: string, userId: string, added: boolean): void => {
  const emoji = normaliseEmoji(rawEmoji);
  const users = reactions.get(emoji) ?? new Set<string>();
  if (added) users.add(userId);
  else users.delete(userId);
  if (users.size === 0) reactions.delete(emoji);
  else reactions.set(emoji, users);
};
