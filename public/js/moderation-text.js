import { untilText } from './format.js';

/** "30 seconds", "1 minute", "5 minutes", "1 hour", "2 days". */
export const durationText = (seconds) => {
  const units = [
    [86_400, 'day'],
    [3600, 'hour'],
    [60, 'minute'],
  ];
  for (const [size, unit] of units) {
    if (seconds >= size && seconds % size === 0) {
      const count = seconds / size;
      return `${count} ${unit}${count === 1 ? '' : 's'}`;
    }
  }
  return `${seconds} second${seconds === 1 ? '' : 's'}`;
};

const ROLE_NAMES = { owner: 'an owner', moderator: 'a moderator', member: 'a member' };

const why = (reason) => (typeof reason === 'string' && reason !== '' ? `: ${reason}` : '');
const until = (iso) => (typeof iso === 'string' ? ` until ${untilText(iso)}` : '');

/**
 * One moderation event in words (a `moderation` push, or an audit entry): "moe muted max until
 * 14:05: spam". A removal names its author (`user`); for entries without one, `authorOf(messageId)` names them when the page knows.
 */
export const describeAction = (event, authorOf = () => undefined) => {
  const { by, user } = event;
  switch (event.action) {
    case 'set_role':
      return `${by} made ${user} ${ROLE_NAMES[event.role] ?? event.role}`;
    case 'kick':
      return `${by} removed ${user} from the room${why(event.reason)}`;
    case 'ban':
      return `${by} banned ${user}${until(event.until)}${why(event.reason)}`;
    case 'unban':
      return `${by} lifted the ban on ${user}`;
    case 'mute':
      return `${by} muted ${user}${until(event.until)}${why(event.reason)}`;
    case 'unmute':
      return `${by} unmuted ${user}`;
    case 'remove_message': {
      const author = event.user ?? authorOf(event.messageId);
      return `${by} removed a message${author === undefined ? '' : ` by ${author}`}${why(event.reason)}`;
    }
    case 'slow_mode':
      return event.seconds > 0
        ? `${by} turned on slow mode: one message every ${durationText(event.seconds)}`
        : `${by} turned off slow mode`;
    case 'set_topic':
      return event.topic ? `${by} set the topic: ${event.topic}` : `${by} cleared the topic`;
    case 'archive_room':
      return `${by} archived the room: it can be read, no longer written to`;
    default:
      return `${by}: ${event.action}`;
  }
};
