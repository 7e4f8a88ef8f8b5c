import { Injectable } from '@nestjs/common';
import { fileStream } from '../domain/file/file.decider';
import { EventStore } from './ports/event-store.port';
import type { FileView } from './read-models/files.read-model';

/**
 * Uploaded files and where they were shared, read from the store when asked (a file's own stream,
 * and the messages that carry it, by index), so memory does not grow with every upload ever made.
 */
@Injectable()
export class FileCatalog {
  constructor(private readonly store: EventStore) {}

  /** A file uploaded and not expired. */
  async file(fileId: string): Promise<FileView | undefined> {
    let view: FileView | undefined;
    for (const event of await this.store.readStream(fileStream(fileId))) {
      if (event.type === 'FileUploaded') {
        const { fileId: id, name, type, size, uploaderId, sha256 } = event.data;
        view = { fileId: id, name, type, size, uploaderId, sha256 };
      }
      if (event.type === 'FileExpired') view = undefined;
    }
    return view;
  }

  /** The rooms whose messages carry the file, and both sides of the private messages that do. */
  async sharedIn(fileId: string): Promise<{ rooms: readonly string[]; participants: ReadonlySet<string> }> {
    const rooms = new Set<string>();
    const participants = new Set<string>();
    for (const event of await this.store.readFileShares(fileId)) {
      if (event.type === 'MessageSent') rooms.add(event.data.room);
      if (event.type === 'PrivateMessageSent') participants.add(event.data.fromUserId).add(event.data.toUserId);
    }
    return { rooms: [...rooms], participants };
  }
}
