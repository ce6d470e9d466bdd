// Preloaded with `node -r`: every server this process starts listens on 127.0.0.1 only.
// (@atproto/dev-env listens on every interface by default; the tests must not.)
'use strict'
const net = require('node:net')
const listen = net.Server.prototype.listen
net.Server.prototype.listen = function (...args) {
  if (typeof args[0] === 'object' && args[0] !== null && !Array.isArray(args[0])) {
    args[0] = { ...args[0], host: '127.0.0.1' }
  } else if (typeof args[0] === 'number' || typeof args[0] === 'string') {
    // listen(port[, host][, backlog][, cb]): drop any host given, put ours in its place.
    const port = args[0]
    const rest = args.slice(1).filter((a) => typeof a !== 'string')
    args = [port, '127.0.0.1', ...rest]
  }
  return listen.apply(this, args)
}
