// The Log Service emulator's query subset: what a search statement matches under an index, what the
// analytic part answers, and what is refused (never a silent wrong answer).
import { describe, expect, it } from 'vitest';
import { parseIndexConfig } from '../../../lib/emulators/sls/index-config';
import { parseQuery } from '../../../lib/emulators/sls/query';
import { type QueryLog, runQuery } from '../../../lib/emulators/sls/search';

const TOKENS = [' ', ',', '"', ':', '{', '}', '/', '='];
const INDEX = parseIndexConfig({
  line: { token: TOKENS },
  keys: {
    functionName: { type: 'text', token: TOKENS, doc_value: true },
    bucket: { type: 'text', token: TOKENS, doc_value: true },
    message: { type: 'text', token: TOKENS },
    status: { type: 'long', doc_value: true },
    latency: { type: 'double' },
    payload: { type: 'json', token: TOKENS, json_keys: { state: { type: 'text', token: TOKENS, doc_value: true } } },
  },
});

function log(time: number, contents: Record<string, string>, topic = ''): QueryLog {
  return { time, topic, source: '10.0.0.1', tags: {}, contents };
}

const LOGS: QueryLog[] = [
  log(100, {
    functionName: 'http',
    bucket: 'photos',
    message: 'restore started for cats/1.jpg',
    status: '202',
    latency: '1.5',
    payload: '{"state":"RESTORING"}',
  }),
  log(101, { functionName: 'http', bucket: 'photos', message: 'read refused', status: '403', latency: '0.2' }),
  log(102, { functionName: 'sweeper', bucket: 'docs', message: 'Sweep done', status: '200', payload: '{"state":"RESTORED"}' }, 'fc'),
  log(103, { functionName: 'access-log', bucket: 'docs', message: 'restore deferred by budget', status: '429' }),
];

function matches(query: string): number[] {
  return runQuery(parseQuery(query), INDEX, LOGS, { line: 100, offset: 0, reverse: false }).rows.map((r) => Number(r.__time__));
}

function refusal(query: string): string {
  try {
    runQuery(parseQuery(query), INDEX, LOGS, { line: 100, offset: 0, reverse: false });
  } catch (err) {
    return `${(err as { code: string }).code}: ${(err as Error).message}`;
  }
  throw new Error(`"${query}" was not refused`);
}

describe('search statements', () => {
  it.each([
    ['empty query: everything', '', [100, 101, 102, 103]],
    ['*', '*', [100, 101, 102, 103]],
    ['key: value', 'functionName: http', [100, 101]],
    ['key: value is a token, not a substring', 'functionName: htt', []],
    ['key: prefix*', 'functionName: acc*', [103]],
    ['key: "phrase"', 'message: "restore deferred"', [103]],
    ['case-insensitive by default', 'message: SWEEP', [102]],
    ['full-text term', 'refused', [101]],
    ['full-text prefix', 'defer*', [103]],
    ['and', 'functionName: http and status: 403', [101]],
    ['space means and', 'functionName: http status: 403', [101]],
    ['or', 'bucket: docs or status: 403', [101, 102, 103]],
    ['not', 'bucket: photos not status: 403', [100]],
    ['leading not', 'not bucket: photos', [102, 103]],
    ['parentheses', '(bucket: docs or status: 403) and not functionName: sweeper', [101, 103]],
    ['long equality', 'status: 202', [100]],
    ['long range', 'status >= 400', [101, 103]],
    ['double range', 'latency < 1', [101]],
    ['json sub-key', 'payload.state: restored', [102]],
    ['key: * (present)', 'payload: *', [100, 102]],
    ['reserved __topic__', '__topic__: fc', [102]],
  ])('%s', (_label, query, expected) => {
    expect(matches(query)).toEqual(expected);
  });

  it('answers oldest first, newest first with reverse, paged by offset and line', () => {
    const page = (reverse: boolean, offset: number, line: number) =>
      runQuery(parseQuery('*'), INDEX, LOGS, { line, offset, reverse }).rows.map((r) => Number(r.__time__));
    expect(page(false, 1, 2)).toEqual([101, 102]);
    expect(page(true, 0, 3)).toEqual([103, 102, 101]);
  });

  it('answers rows with every value a string, reserved fields included', () => {
    const [row] = runQuery(parseQuery('status: 200'), INDEX, LOGS, { line: 100, offset: 0, reverse: false }).rows;
    expect(row).toEqual({
      __source__: '10.0.0.1',
      __time__: '102',
      __topic__: 'fc',
      functionName: 'sweeper',
      bucket: 'docs',
      message: 'Sweep done',
      status: '200',
      payload: '{"state":"RESTORED"}',
    });
  });
});

describe('analytic statements', () => {
  const rows = (query: string) => runQuery(parseQuery(query), INDEX, LOGS, { line: 100, offset: 0, reverse: false }).rows;

  it.each([
    ['count(*)', '* | select count(*) as n', [{ n: '4' }]],
    ['count(1), unnamed', '* | select count(1)', [{ _col0: '4' }]],
    ['count(column) counts rows that have it', '* | select count(payload.state) as n', [{ n: '2' }]],
    ['search part first', 'bucket: docs | select count(*) as n', [{ n: '2' }]],
    [
      'group by one field',
      '* | select bucket, count(*) as n group by bucket',
      [
        { bucket: 'docs', n: '2' },
        { bucket: 'photos', n: '2' },
      ],
    ],
    ['from log is optional', '* | select count(*) as n from log where status >= 400', [{ n: '2' }]],
    ['where on text', "* | select count(*) as n where functionName = 'http'", [{ n: '2' }]],
    ['where with and/or/not', "* | select count(*) as n where not (bucket = 'docs' or status = 403)", [{ n: '1' }]],
    ['order by and limit', '* | select functionName, count(*) as n group by functionName order by n desc limit 1', [{ functionName: 'http', n: '2' }]],
    [
      'group by two columns',
      '* | select bucket, functionName, count(*) as n group by bucket, functionName',
      [
        { bucket: 'docs', functionName: 'access-log', n: '1' },
        { bucket: 'docs', functionName: 'sweeper', n: '1' },
        { bucket: 'photos', functionName: 'http', n: '2' },
      ],
    ],
    [
      'time buckets: an expression grouped by its alias (the documented __time__ - __time__ % 60)',
      '* | select __time__ - __time__ % 2 as t, count(*) as n group by t order by t',
      [
        { t: '100', n: '2' },
        { t: '102', n: '2' },
      ],
    ],
    [
      'sum, avg, min, max over a long',
      '* | select sum(status) as s, avg(status) as a, min(status) as lo, max(status) as hi',
      [{ s: '1234', a: '308.5', lo: '200', hi: '429' }],
    ],
    ['min and max of text', '* | select min(bucket) as lo, max(bucket) as hi', [{ lo: 'docs', hi: 'photos' }]],
    ['count_if with a condition', '* | select count_if(status >= 400) as errors, count(*) as n', [{ errors: '2', n: '4' }]],
    ['arithmetic over aggregates; bigint division truncates', '* | select count_if(status >= 400) * 100 / count(*) as pct', [{ pct: '50' }]],
    ['an aggregate over no rows is null, count is 0', 'bucket: nothing | select max(status) as hi, count(*) as n', [{ hi: 'null', n: '0' }]],
  ])('%s', (_label, query, expected) => {
    expect(rows(query)).toEqual(expected);
  });
});

describe('refused, naming what is wrong', () => {
  it.each([
    ['a field without an index', 'level: error', 'ParameterInvalid: key (level) is not config as key value config'],
    ['a range on a text key', 'bucket > 3', 'ParameterInvalid: key (bucket) is of type text'],
    ['SQL on a field without analytics', '* | select message, count(*) group by message', "Column 'message' cannot be resolved"],
    ['SQL on a field without an index', '* | select count(*) where level = 1', "Column 'level' cannot be resolved"],
    ['a text column compared with a number', '* | select count(*) where bucket = 3', 'Cannot apply operator'],
    ['a leading and (the service refuses it too)', 'and bucket: docs', 'ParameterInvalid: query syntax error'],
    ['an unterminated phrase', 'message: "oops', 'query syntax error: unterminated'],
    ['an inner wildcard', 'bucket: ph*os', 'is not emulated'],
    ['chained processing', '* | select count(*) | select 1', 'is not emulated'],
    ['SQL functions outside the subset', '* | select approx_distinct(bucket)', 'the function approx_distinct() is not emulated'],
    ['sum of a text column', '* | select sum(bucket)', 'Unexpected parameters (varchar) for function sum'],
    ['arithmetic on text', '* | select bucket + 1 as x group by bucket', 'Cannot apply operator: varchar + bigint'],
    ['integer division by zero', '* | select count(*) / 0 as x', 'Division by zero'],
    ['group by an aggregate', '* | select count(*) as n group by n', 'GROUP BY clause cannot contain aggregations'],
    ['an ungrouped column inside an expression', '* | select status + 1 as x, count(*) group by bucket', "'status' must be an aggregate expression"],
    ['count(distinct)', '* | select count(distinct bucket)', 'count(distinct …) is not emulated'],
    ['like', "* | select count(*) where bucket like 'p%'", '"like" in a where clause'],
    ['a plain column outside group by', '* | select bucket, count(*)', "'bucket' must be an aggregate expression"],
  ])('%s', (_label, query, expected) => {
    expect(refusal(query)).toContain(expected);
  });

  it('refuses full-text terms when the index has no line', () => {
    const fieldsOnly = parseIndexConfig({ keys: { bucket: { type: 'text', token: [' '] } } });
    expect(() => runQuery(parseQuery('refused'), fieldsOnly, LOGS, { line: 10, offset: 0, reverse: false })).toThrow(
      /full-text search needs a full-text index/,
    );
  });
});

describe('index validation', () => {
  it.each([
    ['no line and no keys', {}, 'needs a full-text index (line) or field indexes (keys)'],
    ['an unknown key type', { keys: { a: { type: 'date' } } }, 'keys.a.type must be one of text, long, double, json'],
    ['text without delimiters', { keys: { a: { type: 'text' } } }, 'keys.a.token'],
    ['a delimiter of two characters', { line: { token: ['ab'] } }, 'single characters'],
    ['include and exclude together', { line: { token: [' '], include_keys: ['a'], exclude_keys: ['b'] } }, 'cannot both be set'],
    ['max_text_len out of range', { line: { token: [' '] }, max_text_len: 10 }, 'max_text_len must be an integer from 64 to 16384'],
    ['json nested in json_keys', { keys: { a: { type: 'json', token: [' '], json_keys: { b: { type: 'json' } } } } }, 'cannot be nested'],
  ])('%s', (_label, body, expected) => {
    expect(() => parseIndexConfig(body)).toThrow(expected);
  });

  it("reads the SDK's camelCase spellings of doc_value and json_keys and keeps the documented ones", () => {
    const index = parseIndexConfig({ keys: { a: { type: 'json', token: [' '], docValue: true, jsonKeys: { b: { type: 'long', docValue: true } } } } });
    expect(index.keys?.a).toEqual({ type: 'json', token: [' '], doc_value: true, json_keys: { b: { type: 'long', doc_value: true } } });
  });
});
