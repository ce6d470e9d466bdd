// Generates crates/core/src/text/x/tables.rs: the data X's counting and linking depend on,
// taken from the reference sources rather than transcribed by hand, so that Podium agrees with
// X character for character.
//
//   - hashtag letters and letters-or-digits: from twitter-text 3.1.0's own character classes,
//     evaluated code point by code point (case-insensitively, as its hashtag pattern is);
//   - the emoji pattern: twemoji-parser 11.0.2's (the one twitter-text 3.1.0 counts emoji
//     with), rewritten from UTF-16 surrogate pairs to code points for Rust's `regex`;
//   - the TLD lists: from the conformance suite's tlds.yml, in its order.
//
// Run: `node crates/core/gen/x-tables.js` after `npm ci` in tests/peers (cargo xtask does).
'use strict';

const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..', '..', '..');
const peers = path.join(root, 'tests', 'peers', 'node_modules');
const R = ((m) => m.default || m)(require(path.join(peers, 'twitter-text/dist/regexp/index.js')));
const emoji = ((m) => m.default || m)(require(path.join(peers, 'twemoji-parser/dist/lib/regex.js')));
const tldsYml = path.join(root, '..', 'shared', 'conformance', 'twitter-text', 'conformance', 'tlds.yml');

// The code points from 0 to `last` for which `test` holds, as inclusive [from, to] ranges.
function ranges(last, test) {
  const found = [];
  for (let cp = 0; cp <= last; cp++) {
    if (!test(cp)) continue;
    const prev = found[found.length - 1];
    if (prev && prev[1] === cp - 1) prev[1] = cp;
    else found.push([cp, cp]);
  }
  return found;
}

// Code points matching a twitter-text class, tested (case-insensitively, as its patterns are)
// up to `last`: all of Unicode, or the BMP for the classes the URL pattern applies to single
// UTF-16 code units.
function rangesOf(source, last = 0x10ffff) {
  const re = new RegExp('^(?:' + source + ')$', 'i');
  return ranges(last, (cp) => re.test(String.fromCodePoint(cp)));
}

// BMP-only classes ('i' flag: JavaScript's case-insensitive matching lets e.g. U+0275 match
// through its capital U+019F).
function bmpRangesOf(source) {
  return rangesOf(source, 0xffff);
}

function rustRanges(name, doc, ranges) {
  const body = ranges.map(([a, b]) => `    (0x${a.toString(16)}, 0x${b.toString(16)}),`).join('\n');
  return `/// ${doc}\npub(crate) const ${name}: &[(u32, u32)] = &[\n${body}\n];\n`;
}

// Rewrites the JS emoji pattern (UTF-16, surrogate pairs) into a Rust `regex` pattern over
// code points. Rust's `regex` has no look-ahead, so each `(?:\ufe0f|(?!\ufe0e))` becomes
// `\x{FE0F}?`; `textPresentation()` lists the emoji for which the dropped look-ahead mattered.
function emojiToRust(source) {
  let out = '';
  let i = 0;
  let tails = 0;
  const hex = (n) => n.toString(16).toUpperCase();
  const readUnit = () => {
    if (source.startsWith('\\u', i)) {
      const v = parseInt(source.slice(i + 2, i + 6), 16);
      i += 6;
      return v;
    }
    const v = source.charCodeAt(i);
    i += 1;
    return v;
  };
  const isHigh = (u) => u >= 0xd800 && u <= 0xdbff;
  const isLow = (u) => u >= 0xdc00 && u <= 0xdfff;
  const pair = (h, l) => 0x10000 + ((h - 0xd800) << 10) + (l - 0xdc00);
  const LOOKAHEAD = '(?:\\ufe0f|(?!\\ufe0e))';
  while (i < source.length) {
    if (source.startsWith(LOOKAHEAD, i)) {
      i += LOOKAHEAD.length;
      const next = source[i];
      if (next !== '|' && next !== ')' && next !== undefined) throw new Error('unexpected look-ahead context');
      tails += 1;
      out += '\\x{FE0F}?';
      continue;
    }
    const c = source[i];
    if (c === '\\' && source[i + 1] === 'u') {
      const u = readUnit();
      if (isHigh(u)) {
        if (source[i] === '[') {
          i += 1;
          out += '[';
          while (source[i] !== ']') {
            const lo = readUnit();
            if (!isLow(lo)) throw new Error('expected a low surrogate in class at ' + i);
            out += `\\x{${hex(pair(u, lo))}}`;
            if (source[i] === '-') {
              i += 1;
              const hi = readUnit();
              out += `-\\x{${hex(pair(u, hi))}}`;
            }
          }
          i += 1;
          out += ']';
        } else {
          const lo = readUnit();
          if (!isLow(lo)) throw new Error('lone high surrogate at ' + i);
          out += `\\x{${hex(pair(u, lo))}}`;
        }
      } else if (isLow(u)) {
        throw new Error('lone low surrogate at ' + i);
      } else {
        out += `\\x{${hex(u)}}`;
      }
      continue;
    }
    if (c === '(' && source[i + 1] === '?' && source[i + 2] !== ':') {
      throw new Error('unsupported group at ' + i + ': ' + source.slice(i, i + 20));
    }
    if (c === '[') {
      // A class of BMP code points (surrogate classes are handled above).
      out += '[';
      i += 1;
      while (source[i] !== ']') {
        if (source[i] === '-') {
          out += '-';
          i += 1;
          continue;
        }
        const u = readUnit();
        if (isHigh(u) || isLow(u)) throw new Error('surrogate inside a BMP class at ' + i);
        out += `\\x{${hex(u)}}`;
      }
      i += 1;
      out += ']';
      continue;
    }
    out += c;
    i += 1;
  }
  if (tails !== 2) throw new Error('expected two look-ahead tails, found ' + tails);
  return out;
}

// Code points that are one emoji on their own but not when U+FE0E (text presentation) follows:
// there the JavaScript look-ahead fails and no emoji starts at that code point.
function textPresentation() {
  return ranges(0x10ffff, (cp) => {
    if (cp >= 0xd800 && cp <= 0xdfff) return false;
    const ch = String.fromCodePoint(cp);
    emoji.lastIndex = 0;
    const alone = emoji.exec(ch);
    if (!alone || alone.index !== 0 || alone[0] !== ch) return false;
    emoji.lastIndex = 0;
    const before = emoji.exec(ch + '\ufe0e');
    const stays = before && before.index === 0;
    if (stays && before[0] !== ch) throw new Error('unexpected emoji before U+FE0E: ' + cp.toString(16));
    return !stays;
  });
}

function tlds() {
  const text = fs.readFileSync(tldsYml, 'utf8');
  const [country, generic] = text.split(/^  generic:/m);
  const names = (s) => [...s.matchAll(/description: (\S+) is a valid/g)].map((m) => m[1]);
  return { country: names(country), generic: names(generic) };
}

function rustStrings(name, doc, list) {
  const body = list.map((t) => `    ${JSON.stringify(t)},`).join('\n');
  return `/// ${doc}\npub(crate) const ${name}: &[&str] = &[\n${body}\n];\n`;
}

const alpha = rangesOf(R.hashtagAlpha.source);
const alnum = rangesOf(R.hashtagAlphaNumeric.source);
const { country, generic } = tlds();
const out = [
  '// @generated by crates/core/gen/x-tables.js from twitter-text 3.1.0, twemoji-parser 11.0.2',
  '// and the twitter-text conformance suite (tlds.yml). Apache-2.0 / MIT data. Do not edit.',
  '',
  rustRanges('HASHTAG_LETTERS', 'Code points twitter-text counts as hashtag letters (a hashtag needs one).', alpha),
  rustRanges(
    'HASHTAG_LETTERS_OR_DIGITS',
    'Code points that may appear in a hashtag: letters, marks, digits and a few joiners.',
    alnum,
  ),
  rustRanges('URL_PATH_CHARS', 'Characters a URL path may contain.', bmpRangesOf(R.validGeneralUrlPathChars.source)),
  rustRanges('URL_PATH_ENDING_CHARS', 'Characters a URL path may end with.', bmpRangesOf(R.validUrlPathEndingChars.source)),
  rustRanges('URL_QUERY_CHARS', 'Characters a URL query may contain.', bmpRangesOf(R.validUrlQueryChars.source)),
  rustRanges('URL_QUERY_ENDING_CHARS', 'Characters a URL query may end with.', bmpRangesOf(R.validUrlQueryEndingChars.source)),
  rustRanges(
    'ASCII_DOMAIN_CHARS',
    'Characters of a domain label that X links without a scheme (ASCII and Latin accents).',
    bmpRangesOf('[\\-a-z0-9' + R.latinAccentChars.source + ']'),
  ),
  rustStrings('GENERIC_TLDS', 'Generic top-level domains, in the order twitter-text tries them.', generic),
  rustStrings('COUNTRY_TLDS', 'Country-code top-level domains, in the order twitter-text tries them.', country),
  rustRanges(
    'TEXT_PRESENTATION_NOT_EMOJI',
    'Emoji that are not counted as emoji when U+FE0E (text presentation selector) follows.',
    textPresentation(),
  ),
  '/// The emoji pattern X counts as one emoji (weight 2), look-aheads removed (see above).',
  `pub(crate) const EMOJI_PATTERN: &str = r"${emojiToRust(emoji.source)}";`,
  '',
].join('\n');
const target = path.join(root, 'crates', 'core', 'src', 'text', 'x', 'tables.rs');
fs.writeFileSync(target, out);
console.log(`wrote ${target}: ${alpha.length} letter ranges, ${alnum.length} letter-or-digit ranges, ` +
  `${generic.length} generic and ${country.length} country TLDs`);
