// The reference answers for the Bluesky differential test: reads one JSON string per line on
// stdin and prints, per line, what @atproto/api 0.19.19's RichText says about it.
'use strict';
const readline = require('readline');
const { RichText } = require('@atproto/api');

const kind = { '#link': 'link', '#tag': 'tag', '#mention': 'mention' };
const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
rl.on('line', (line) => {
  const rt = new RichText({ text: JSON.parse(line) });
  rt.detectFacetsWithoutResolution();
  const facets = (rt.facets || []).map((f) => {
    const feature = f.features[0];
    const type = kind[feature.$type.slice(feature.$type.indexOf('#'))];
    const value = feature.uri ?? feature.tag ?? feature.did;
    return [type, f.index.byteStart, f.index.byteEnd, value];
  });
  process.stdout.write(JSON.stringify({ graphemes: rt.graphemeLength, bytes: rt.length, facets }) + '\n');
});
