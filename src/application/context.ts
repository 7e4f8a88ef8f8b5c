import type { CommandContext } from './command-executor';

/** Who is acting, as the transport authenticated them. */
export interface Actor {
  readonly userId: string;
  readonly username: string;
}

export type { CommandContext };
