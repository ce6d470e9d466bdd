// Starts a whole Bluesky test network from @atproto/dev-env — PLC, PDS, AppView and moderation
// service (TestNetwork) — on 127.0.0.1, for the tests that read a post's likes, reposts, replies
// and quotes as the AppView counts them. It needs a PostgreSQL (the PG* variables, as
// `pg_virtualenv` sets them) and a Redis (REDIS_HOST=127.0.0.1:PORT). Run it as
//   REDIS_HOST=… TMPDIR=<test folder> pg_virtualenv -t node -r ./bind-loopback.js serve-network.js \
//       PDS_PORT PLC_PORT BSKY_PORT CONTROL_PORT READY_FILE
// When ready it writes {"pds", "plc", "bsky"} to READY_FILE (a file, not stdout: pg_virtualenv's
// clean-up message must never meet a closed pipe). `POST /process` on CONTROL_PORT waits until
// the AppView has indexed everything the PDS has. It stops when its stdin closes or on SIGTERM.
'use strict'
const fs = require('node:fs')
const http = require('node:http')
const { TestNetwork } = require('@atproto/dev-env')

async function main() {
  const [pdsPort, plcPort, bskyPort, controlPort] = process.argv.slice(2, 6).map(Number)
  const ready = process.argv[6]
  const { PGUSER, PGPASSWORD, PGPORT } = process.env
  const dbPostgresUrl = `postgresql://${PGUSER}:${encodeURIComponent(PGPASSWORD || '')}@127.0.0.1:${PGPORT}/postgres`
  const network = await TestNetwork.create({
    dbPostgresUrl,
    dbPostgresSchema: 'podium',
    pds: { port: pdsPort, hostname: 'localhost' },
    plc: { port: plcPort },
    bsky: { port: bskyPort },
  })
  const control = http.createServer((req, res) => {
    if (req.method === 'POST' && req.url === '/process') {
      network
        .processAll()
        .then(() => res.end('ok'))
        .catch((e) => {
          res.statusCode = 500
          res.end(String(e))
        })
    } else {
      res.statusCode = 404
      res.end()
    }
  })
  control.listen(controlPort)
  const stop = async () => {
    control.close()
    await network.close().catch(() => {})
    process.exit(0)
  }
  process.on('SIGTERM', stop)
  process.stdin.on('end', stop)
  process.stdin.resume()
  fs.writeFileSync(ready + '.tmp', JSON.stringify({ pds: network.pds.url, plc: network.plc.url, bsky: network.bsky.url }))
  fs.renameSync(ready + '.tmp', ready)
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
