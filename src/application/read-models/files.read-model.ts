import { Injectable } from '@nestjs/common';
import type { Attachment } from '../../domain/room/room.events';
import type { RecordedEvent } from '../ports/event-store.port';
import type { Projection } from './projection';

export interface FileView extends Attachment {
  readonly uploaderId: string;
  readonly sha256: string;
}

interface FileDoc {
  readonly file: FileView;
  /** rooms where a message shares it */
  readonly rooms: Set<string>;
  /** both sides of private messages that share it */
  readonly participants: Set<string>;
}

/** Uploaded files, and where each has been shared: who may download it follows from that. */
@Injectable()
export class FilesReadModel implements Projection {
  private readonly files = new Map<string, FileDoc>();

  apply(event: RecordedEvent): void {
    switch (event.type) {
      case 'FileUploaded': {
        const { fileId, name, type, size, uploaderId, sha256 } = event.data;
        this.files.set(fileId, { file: { fileId, name, type, size, uploaderId, sha256 }, rooms: new Set(), participants: new Set() });
        return;
      }
      case 'MessageSent':
        if (event.data.attachment !== undefined) this.files.get(event.data.attachment.fileId)?.rooms.add(event.data.room);
        return;
      case 'PrivateMessageSent': {
        if (event.data.attachment === undefined) return;
        const doc = this.files.get(event.data.attachment.fileId);
        doc?.participants.add(event.data.fromUserId).add(event.data.toUserId);
        return;
      }
      default:
        return;
    }
  }

  file(fileId: string): FileView | undefined {
    return this.files.get(fileId)?.file;
  }

  sharedIn(fileId: string): { rooms: readonly string[]; participants: ReadonlySet<string> } | undefined {
    const doc = this.files.get(fileId);
    return doc === undefined ? undefined : { rooms: [...doc.rooms], participants: doc.participants };
  }

  snapshot(): unknown {
    return [...this.files].map(([id, doc]) => [id, doc.file, [...doc.rooms].sort(), [...doc.participants].sort()]).sort();
  }
}
