"""
The original application, as the benchmark runs it: the Flask-SocketIO chat whose default rooms are
`General`, `Zero to Knowing`, `Code with Josh` and `The Nerd Nook` (the "Python & JavaScript chat
app" of the Zero To Knowing / Code with Josh course material, of which many copies circulate on
GitHub; none states a licence). This project started as its rewrite and keeps its Socket.IO protocol.

This file is not a copy of that source: it is written anew for the benchmark and reproduces the
original server's behaviour, which is what is measured:
  - Flask + Flask-SocketIO, `cors_allowed_origins` from CORS_ORIGINS (`*`), `logger=True` and
    `engineio_logger=True` (every Socket.IO event and every Engine.IO packet is logged), ProxyFix;
  - Python logging at INFO to stderr, one line per connect, disconnect, join, leave and message;
  - every user in one in-memory dict keyed by socket id; a guest name `Guest<HHMM><4 digits>` kept
    in the Flask session;
  - `connect`: the whole `active_users {users}` list broadcast to every socket;
    `disconnect`: the same;
  - `join {room}` (one of the four rooms, else ignored) → `status {msg, type: 'join', timestamp}`
    to the room, the joiner included; `leave {room}` → `status {…, type: 'leave'}`;
  - `message {room = 'General', msg, type?, target?}`: the text trimmed, empty ignored; a room
    message → `message {msg, username, room, timestamp}` to the room, the sender included; with
    `type: 'private'` → `private_message {msg, from, to, timestamp}` to the first socket of `target`;
  - no acknowledgement of anything (a client asking for one gets an empty ack from python-socketio).
Left out: the HTML page and its template (`GET /`), which the benchmark never loads.

Run as the original is deployed:  gunicorn -k eventlet -w 1 -b 127.0.0.1:5000 app:app
(bench/run.js does so, from this directory, with the Debian packages python3-flask-socketio,
python3-eventlet and gunicorn.)
"""
import logging
import os
import random
from datetime import datetime

from flask import Flask, request, session
from flask_socketio import SocketIO, emit, join_room, leave_room
from werkzeug.middleware.proxy_fix import ProxyFix

logging.basicConfig(level=logging.INFO, format='%(asctime)s - %(name)s - %(levelname)s - %(message)s')
log = logging.getLogger(__name__)

ROOMS = ['General', 'Zero to Knowing', 'Code with Josh', 'The Nerd Nook']

app = Flask(__name__)
app.config['SECRET_KEY'] = os.environ.get('SECRET_KEY') or os.urandom(24)
app.wsgi_app = ProxyFix(app.wsgi_app, x_proto=1, x_host=1)
socketio = SocketIO(
    app,
    cors_allowed_origins=os.environ.get('CORS_ORIGINS', '*'),
    logger=True,
    engineio_logger=True,
)

# socket id -> {'username', 'connected_at', 'room'?}
users = {}


def now():
    return datetime.now().isoformat()


def guest_name():
    return 'Guest%s%d' % (datetime.now().strftime('%H%M'), random.randint(1000, 9999))


def everyone_online():
    return {'users': [u['username'] for u in users.values()]}


@socketio.on('connect')
def on_connect():
    try:
        session.setdefault('username', guest_name())
        users[request.sid] = {'username': session['username'], 'connected_at': now()}
        emit('active_users', everyone_online(), broadcast=True)
        log.info('User connected: %s', session['username'])
    except Exception as error:  # the original refuses the connection on any error
        log.error('Connection error: %s', error)
        return False


@socketio.on('disconnect')
def on_disconnect():
    try:
        user = users.pop(request.sid, None)
        if user is not None:
            emit('active_users', everyone_online(), broadcast=True)
            log.info('User disconnected: %s', user['username'])
    except Exception as error:
        log.error('Disconnection error: %s', error)


@socketio.on('join')
def on_join(data):
    try:
        name = session['username']
        room = data['room']
        if room not in ROOMS:
            log.warning('Invalid room join attempt: %s', room)
            return
        join_room(room)
        users[request.sid]['room'] = room
        emit('status', {'msg': '%s has joined the room.' % name, 'type': 'join', 'timestamp': now()}, room=room)
        log.info('User %s joined room: %s', name, room)
    except Exception as error:
        log.error('Join room error: %s', error)


@socketio.on('leave')
def on_leave(data):
    try:
        name = session['username']
        room = data['room']
        leave_room(room)
        if request.sid in users:
            users[request.sid].pop('room', None)
        emit('status', {'msg': '%s has left the room.' % name, 'type': 'leave', 'timestamp': now()}, room=room)
        log.info('User %s left room: %s', name, room)
    except Exception as error:
        log.error('Leave room error: %s', error)


@socketio.on('message')
def on_message(data):
    try:
        name = session['username']
        text = data.get('msg', '').strip()
        if not text:
            return
        stamp = now()
        if data.get('type', 'message') == 'private':
            target = data.get('target')
            if not target:
                return
            sid = next((s for s, u in users.items() if u['username'] == target), None)
            if sid is None:
                log.warning('Private message failed - user not found: %s', target)
                return
            emit('private_message', {'msg': text, 'from': name, 'to': target, 'timestamp': stamp}, room=sid)
            log.info('Private message sent: %s -> %s', name, target)
            return
        room = data.get('room', 'General')
        if room not in ROOMS:
            log.warning('Message to invalid room: %s', room)
            return
        emit('message', {'msg': text, 'username': name, 'room': room, 'timestamp': stamp}, room=room)
        log.info('Message sent in %s by %s', room, name)
    except Exception as error:
        log.error('Message handling error: %s', error)


if __name__ == '__main__':
    socketio.run(app, host=os.environ.get('HOST', '127.0.0.1'), port=int(os.environ.get('PORT', 5000)))
