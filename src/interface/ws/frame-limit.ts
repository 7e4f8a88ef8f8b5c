import { CLIENT_ID, NAME } from './dto/chat.dto';

/**
 * JSON may escape any UTF-16 unit as `\u` and four hex digits: 6 bytes. A character of a message is at most 12
 * (one outside the BMP, two escaped units), which also leaves room for the whitespace the text
 * loses when trimmed.
 */
const ESCAPED_UNIT_BYTES = 6;
const ESCAPED_CHARACTER_BYTES = 12;
/** The longest fields of the largest event, `message`, besides its text: room, target, fileId, clientId, type. */
const OTHER_FIELD_UNITS = 3 * NAME + CLIENT_ID + 'private'.length;
/** Engine.IO and Socket.IO framing, an ack id, the event name, the field names (escaped too), quotes and commas. */
const FRAMING_BYTES = 1024;

/**
 * The largest frame a client may send (Socket.IO's maxHttpBufferSize); a larger one closes its
 * connection. It fits the largest valid payload, a `message` of MAX_MESSAGE_LENGTH characters with
 * every other field at its longest, each character escaped: 2000 characters make 27 466 bytes.
 */
export const maxFrameBytes = (maxMessageLength: number): number =>
  FRAMING_BYTES + ESCAPED_CHARACTER_BYTES * maxMessageLength + ESCAPED_UNIT_BYTES * OTHER_FIELD_UNITS;
