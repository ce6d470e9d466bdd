// Starts the reference Bluesky PDS (and a PLC directory) from @atproto/dev-env on 127.0.0.1
// and prints one JSON line when it is ready: {"pds": URL, "plc": URL}. Run it as
//   TMPDIR=<test folder> node -r ./bind-loopback.js serve.js PDS_PORT PLC_PORT
// It stops when its stdin closes (the test that started it is gone) or on SIGTERM.
'use strict'
const { TestNetworkNoAppView } = require('@atproto/dev-env')

async function main() {
  const [pdsPort, plcPort] = process.argv.slice(2).map(Number)
  const network = await TestNetworkNoAppView.create({
    pds: { port: pdsPort, hostname: 'localhost' },
    plc: { port: plcPort },
  })
  const stop = async () => {
    await network.close().catch(() => {})
    process.exit(0)
  }
  process.on('SIGTERM', stop)
  process.stdin.on('end', stop)
  process.stdin.resume()
  process.stdout.write(JSON.stringify({ pds: network.pds.url, plc: network.plc.url }) + '\n')
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
