import * as fc from 'fast-check';

/** What one client does next in a never-miss property: `by` is the client (or tab) that does it. */
export type ChatAction =
  | { kind: 'send'; by: number }
  | { kind: 'edit'; by: number; pick: number }
  | { kind: 'delete'; by: number; pick: number }
  | { kind: 'react'; by: number; pick: number; emoji: number }
  | { kind: 'read'; by: number }
  | { kind: 'drop'; by: number }
  | { kind: 'back'; by: number };

export const EMOJI = ['👍', '🎉', '❤️'];

/** Random actions of `clients` clients: sends most, then reactions, edits, reads, drops and returns; deletes least. */
export const chatAction = (clients: number): fc.Arbitrary<ChatAction> => {
  const by = fc.integer({ min: 0, max: clients - 1 });
  const pick = fc.nat({ max: 1000 });
  return fc.oneof(
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('send' as const), by }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('edit' as const), by, pick }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), by, pick }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('react' as const), by, pick, emoji: fc.nat({ max: EMOJI.length - 1 }) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('read' as const), by }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('drop' as const), by }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('back' as const), by }) },
  );
};
