import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { mentionedNames } from '../../domain/shared/mentions';
import { RoomsReadModel } from '../read-models/rooms.read-model';
import { UserDirectory } from '../user-directory';

/** The members of `room` a message by `senderId` mentions (`@name`, by their current name, any case), the author aside. */
export class FindMentionedMembersQuery extends Query<string[]> {
  constructor(
    readonly room: string,
    readonly text: string,
    readonly senderId: string,
  ) {
    super();
  }
}

@QueryHandler(FindMentionedMembersQuery)
export class FindMentionedMembersHandler implements IQueryHandler<FindMentionedMembersQuery> {
  constructor(
    private readonly directory: UserDirectory,
    private readonly rooms: RoomsReadModel,
  ) {}

  async execute({ room, text, senderId }: FindMentionedMembersQuery): Promise<string[]> {
    const found = new Set<string>();
    for (const name of mentionedNames(text)) {
      const userId = await this.directory.userCalled(name);
      if (userId !== undefined && userId !== senderId && this.rooms.roomsOf(userId).includes(room)) found.add(userId);
    }
    return [...found];
  }
}
