import { Injectable } from '@nestjs/common';
import type { Attachment } from '../../domain/room/room.events';
import type { RecordedEvent } from '../ports/event-store.port';
import { refill } from '../state-codec';
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

/**
 * Uploaded files, and where each has been shared: who may download it follows from that. Files
 * never shared are also kept in upload order with their upload time, for the expiry sweep; an
 * expired file is forgotten.
 */
@Injectable()
export class FilesReadModel implements Projection {
  private readonly files = new Map<string, FileDoc>();
  /** file id → upload time (ms), in upload order, while never shared */
  private readonly unshared = new Map<string, number>();

  apply(event: RecordedEvent): void {
    switch (event.type) {
      case 'FileUploaded': {
        const { fileId, name, type, size, uploaderId, sha256 } = event.data;
        this.files.set(fileId, { file: { fileId, name, type, size, uploaderId, sha256 }, rooms: new Set(), participants: new Set() });
        this.unshared.set(fileId, Date.parse(event.metadata.occurredAt));
        return;
      }
      case 'FileShared':
        this.unshared.delete(event.data.fileId);
        return;
      case 'FileExpired':
        this.files.delete(event.data.fileId);
        this.unshared.delete(event.data.fileId);
        return;
      case 'MessageSent':
        if (event.data.attachment === undefined) return;
        this.files.get(event.data.attachment.fileId)?.rooms.add(event.data.room);
        this.unshared.delete(event.data.attachment.fileId);
        return;
      case 'PrivateMessageSent': {
        if (event.data.attachment === undefined) return;
        const doc = this.files.get(event.data.attachment.fileId);
        doc?.participants.add(event.data.fromUserId).add(event.data.toUserId);
        this.unshared.delete(event.data.attachment.fileId);
        return;
      }
      default:
        return;
    }
  }

  /** Up to `limit` files never shared that were uploaded at or before `uploadedBefore` (ms), oldest first. */
  unsharedSince(uploadedBefore: number, limit: number): string[] {
    const found: string[] = [];
    for (const [fileId, at] of this.unshared) {
      if (found.length >= limit || at > uploadedBefore) break;
      found.push(fileId);
    }
    return found;
  }

  file(fileId: string): FileView | undefined {
    return this.files.get(fileId)?.file;
  }

  sharedIn(fileId: string): { rooms: readonly string[]; participants: ReadonlySet<string> } | undefined {
    const doc = this.files.get(fileId);
    return doc === undefined ? undefined : { rooms: [...doc.rooms], participants: doc.participants };
  }

  reset(): void {
    this.files.clear();
    this.unshared.clear();
  }

  exportState(): unknown {
    return { files: this.files, unshared: this.unshared };
  }

  importState(state: unknown): void {
    const saved = state as { files: Map<string, FileDoc>; unshared: Map<string, number> };
    if (!(saved?.files instanceof Map) || !(saved.unshared instanceof Map)) throw new Error('not a files read model');
    refill(this.files, saved.files);
    refill(this.unshared, saved.unshared);
  }

  snapshot(): unknown {
    return [...this.files].map(([id, doc]) => [id, doc.file, [...doc.rooms].sort(), [...doc.participants].sort()]).sort();
  }
}
