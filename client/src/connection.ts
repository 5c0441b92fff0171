/**
 * The viewer's WebSocket to `dgr serve`: subprotocol dgr.v1, every JSON message validated against the protocol's
 * schemas, binary messages handed on by opcode, and reconnection with backoff when the server goes away (a
 * restarted server says so with a new session id in its hello).
 */
import { serverMessageSchema, SUBPROTOCOL, type ClientMessage, type ServerMessage } from '../../protocol/messages.ts';

export type ConnectionState = 'connecting' | 'open' | 'closed';

export interface ConnectionHandlers {
  onMessage(message: ServerMessage): void;
  onBinary(bytes: Uint8Array): void;
  onState(state: ConnectionState, detail: string): void;
}

const MIN_DELAY_MS = 500;
const MAX_DELAY_MS = 5000;

export class Connection {
  private socket: WebSocket | null = null;
  private delay = MIN_DELAY_MS;

  constructor(
    private readonly url: string,
    private readonly handlers: ConnectionHandlers,
  ) {}

  open(): void {
    this.handlers.onState('connecting', 'connecting');
    const socket = new WebSocket(this.url, SUBPROTOCOL);
    socket.binaryType = 'arraybuffer';
    this.socket = socket;
    socket.onopen = () => {
      this.delay = MIN_DELAY_MS;
      this.handlers.onState('open', 'live');
    };
    socket.onmessage = (event: MessageEvent) => {
      if (event.data instanceof ArrayBuffer) {
        // A binary message that does not decode (truncated, unknown opcode) is dropped like an invalid JSON one.
        try {
          this.handlers.onBinary(new Uint8Array(event.data));
        } catch (error) {
          console.warn('dgr: a binary message from the server does not follow protocol v1:', (error as Error).message);
        }
        return;
      }
      let raw: unknown;
      try {
        raw = JSON.parse(String(event.data));
      } catch {
        console.warn('dgr: a message from the server is not JSON');
        return;
      }
      const parsed = serverMessageSchema.safeParse(raw);
      if (!parsed.success) {
        console.warn('dgr: a message from the server does not follow protocol v1', parsed.error.issues[0]);
        return;
      }
      this.handlers.onMessage(parsed.data);
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      const wait = this.delay;
      this.delay = Math.min(MAX_DELAY_MS, this.delay * 2);
      this.handlers.onState('closed', `reconnecting in ${(wait / 1000).toFixed(1)} s`);
      setTimeout(() => this.open(), wait);
    };
  }

  send(message: ClientMessage): boolean {
    if (!this.socket || this.socket.readyState !== WebSocket.OPEN) return false;
    this.socket.send(JSON.stringify(message));
    return true;
  }
}
