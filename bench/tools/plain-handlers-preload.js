'use strict';
/**
 * EXPERIMENT, not a fix: preload (`node -r bench/tools/plain-handlers-preload.js dist/main.js`) that
 * replaces @nestjs/platform-socket.io's IoAdapter.bindMessageHandlers (an rxjs pipeline per handler
 * per socket: fromEvent → mergeMap → defer → filter → map → catchError → takeUntil) with one plain
 * `socket.on` listener per handler. It shows what the per-socket rxjs costs; handlers that return
 * an Observable are not supported (the project's gateways return promises).
 */
const { IoAdapter } = require('@nestjs/platform-socket.io');

IoAdapter.prototype.bindMessageHandlers = function bindMessageHandlers(socket, handlers) {
  for (const { message, callback, isAckHandledManually } of handlers) {
    socket.on(message, (...args) => {
      const { data, ack } = this.mapPayload(args.length === 1 ? args[0] : args);
      Promise.resolve()
        .then(() => callback(data, ack))
        .then(
          (response) => {
            if (response === undefined || response === null) return;
            if (response.event) socket.emit(response.event, response.data);
            else if (!isAckHandledManually && typeof ack === 'function') ack(response);
          },
          (error) => this.logger.error(error),
        );
    });
  }
};
