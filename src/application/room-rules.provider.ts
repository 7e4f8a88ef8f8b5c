import { Injectable } from '@nestjs/common';
import type { RoomRules } from '../domain/room/room.decider';
import { AppConfig } from './ports/app-config';

@Injectable()
export class RoomRulesProvider {
  readonly rules: RoomRules;

  constructor(config: AppConfig) {
    this.rules = { rooms: new Set(config.chatRooms), maxMessageLength: config.maxMessageLength };
  }
}
