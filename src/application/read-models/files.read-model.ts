import { Injectable } from '@nestjs/common';
import type { Attachment } from '../../domain/room/room.events';
import type { RecordedEvent } from '../ports/event-store.port';
import { refill } from '../state-codec';
import type { Projection } from './projection';

export interface FileView extends Attachment {
  readonly uploaderId: string;
  readonly sha256: string;
}

/**
 * Uploads not shared yet, in upload order with their upload time, for the expiry sweep: a file leaves
 * when it is shared or expires. Everything else about files (what they are, where they were shared)
 * is read from the store by `FileCatalog`.
 */
@Injectable()
export class FilesReadModel implements Projection {
  /** file id → upload time (ms), in upload order, while never shared */
  private readonly unshared = new Map<string, number>();

  apply(event: RecordedEvent): void {
    switch (event.type) {
      case 'FileUploaded':
        this.unshared.set(event.data.fileId, Date.parse(event.metadata.occurredAt));
        return;
      case 'FileShared':
      case 'FileExpired':
        this.unshared.delete(event.data.fileId);
        return;
      case 'MessageSent':
      case 'PrivateMessageSent':
        if (event.data.attachment !== undefined) this.unshared.delete(event.data.attachment.fileId);
        return;
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

  reset(): void {
    this.unshared.clear();
  }

  exportState(): unknown {
    return { unshared: this.unshared };
  }

  importState(state: unknown): void {
    const saved = state as { unshared: Map<string, number> };
    if (!(saved?.unshared instanceof Map)) throw new Error('not a files read model');
    refill(this.unshared, saved.unshared);
  }

  snapshot(): unknown {
    return [...this.unshared];
  }
}
