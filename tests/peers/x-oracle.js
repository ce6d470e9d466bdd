// The reference answers for the X differential test: reads one JSON string per line on stdin
// and prints, per line, what twitter-text 3.1.0 says about it.
'use strict';
const readline = require('readline');
const twttr = require('twitter-text');

const v2 = twttr.configs.version2;
const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
rl.on('line', (line) => {
  const text = JSON.parse(line);
  const entity = (key) => (e) => [e[key], e.indices[0], e.indices[1]];
  const v3 = twttr.parseTweet(text);
  const old = twttr.parseTweet(text, v2);
  process.stdout.write(JSON.stringify({
    v3: [v3.weightedLength, v3.valid, v3.permillage, v3.validRangeEnd, v3.displayRangeEnd],
    v2: [old.weightedLength, old.valid, old.permillage, old.validRangeEnd, old.displayRangeEnd],
    hashtags: twttr.extractHashtagsWithIndices(text).map(entity('hashtag')),
    urls: twttr.extractUrlsWithIndices(text).map(entity('url')),
    mentions: twttr.extractMentionsWithIndices(text).map(entity('screenName')),
    cashtags: twttr.extractCashtagsWithIndices(text).map(entity('cashtag')),
  }) + '\n');
});
