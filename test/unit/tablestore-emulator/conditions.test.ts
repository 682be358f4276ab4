import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { checkCondition, evaluateFilter, parseCondition, parseFilter } from '../../../lib/emulators/tablestore/conditions';
import { OtsError } from '../../../lib/emulators/tablestore/errors';
import type { CellVersion } from '../../../lib/emulators/tablestore/table';
import type { CellValue } from '../../../lib/emulators/tablestore/values';

// Conditions are built with the SDK's own classes and encoder, so the bytes are what clients send.
const require = createRequire(import.meta.url);
const TableStore = require('tablestore') as any;
const filterProtos = require('tablestore/lib/protocol/tablestore_compiled_proto.js').filter.proto;
const { SingleColumnCondition, CompositeCondition, ComparatorType: CT, LogicalOperator: LO } = TableStore;
const Long = TableStore.Long as { fromNumber(n: number): unknown };

function bytesOf(condition: unknown): Uint8Array {
  const properties = {};
  TableStore.encoder._makeColumnCondition(properties, condition);
  return filterProtos.Filter.encode(filterProtos.Filter.create(properties)).finish();
}

function row(columns: Record<string, CellValue[]>): Map<string, CellVersion[]> {
  return new Map(Object.entries(columns).map(([name, values]) => [name, values.map((value, i) => ({ ts: 1000 - i, value }))]));
}

const int = (n: number): CellValue => ({ type: 'INTEGER', value: BigInt(n) });
const str = (s: string): CellValue => ({ type: 'STRING', value: s });

describe('evaluateFilter: SingleColumnValueFilter', () => {
  const current = row({ version: [int(3)], state: [str('RESTORING')] });

  it.each([
    { label: 'version == 3', cond: () => new SingleColumnCondition('version', Long.fromNumber(3), CT.EQUAL), expected: true },
    { label: 'version == 4', cond: () => new SingleColumnCondition('version', Long.fromNumber(4), CT.EQUAL), expected: false },
    { label: 'version != 4', cond: () => new SingleColumnCondition('version', Long.fromNumber(4), CT.NOT_EQUAL), expected: true },
    { label: 'version > 2', cond: () => new SingleColumnCondition('version', Long.fromNumber(2), CT.GREATER_THAN), expected: true },
    { label: 'version > 3', cond: () => new SingleColumnCondition('version', Long.fromNumber(3), CT.GREATER_THAN), expected: false },
    { label: 'version >= 3', cond: () => new SingleColumnCondition('version', Long.fromNumber(3), CT.GREATER_EQUAL), expected: true },
    { label: 'version < 3', cond: () => new SingleColumnCondition('version', Long.fromNumber(3), CT.LESS_THAN), expected: false },
    { label: 'version <= 3', cond: () => new SingleColumnCondition('version', Long.fromNumber(3), CT.LESS_EQUAL), expected: true },
    { label: 'state < "S" (byte order)', cond: () => new SingleColumnCondition('state', 'S', CT.LESS_THAN), expected: true },
    { label: 'INTEGER column vs DOUBLE 3 (a plain JS number)', cond: () => new SingleColumnCondition('version', 3, CT.EQUAL), expected: false },
    { label: 'missing column, passIfMissing default (true)', cond: () => new SingleColumnCondition('lease', 'x', CT.EQUAL), expected: true },
    { label: 'missing column, passIfMissing false', cond: () => new SingleColumnCondition('lease', 'x', CT.EQUAL, false), expected: false },
  ])('$label → $expected', ({ cond, expected }) => {
    expect(evaluateFilter(parseFilter(bytesOf(cond()), false), current)).toBe(expected);
  });

  it('looks only at the latest version unless latestVersionOnly is false', () => {
    const versions = row({ col: [int(9), int(1)] });
    const onlyLatest = parseFilter(bytesOf(new SingleColumnCondition('col', Long.fromNumber(1), CT.EQUAL, true, true)), false);
    const anyVersion = parseFilter(bytesOf(new SingleColumnCondition('col', Long.fromNumber(1), CT.EQUAL, true, false)), false);
    expect(evaluateFilter(onlyLatest, versions)).toBe(false);
    expect(evaluateFilter(anyVersion, versions)).toBe(true);
  });
});

describe('evaluateFilter: CompositeColumnValueFilter', () => {
  const current = row({ a: [int(1)], b: [int(2)] });
  const eq = (name: string, n: number) => new SingleColumnCondition(name, Long.fromNumber(n), CT.EQUAL, false);
  const composite = (op: number, ...subs: unknown[]) => {
    const c = new CompositeCondition(op);
    for (const s of subs) c.addSubCondition(s);
    return c;
  };

  it.each([
    { label: 'a=1 AND b=2', cond: () => composite(LO.AND, eq('a', 1), eq('b', 2)), expected: true },
    { label: 'a=1 AND b=3', cond: () => composite(LO.AND, eq('a', 1), eq('b', 3)), expected: false },
    { label: 'a=0 OR b=2', cond: () => composite(LO.OR, eq('a', 0), eq('b', 2)), expected: true },
    { label: 'a=0 OR b=3', cond: () => composite(LO.OR, eq('a', 0), eq('b', 3)), expected: false },
    { label: 'NOT a=1', cond: () => composite(LO.NOT, eq('a', 1)), expected: false },
    {
      label: 'NOT (a=0 OR (a=1 AND b=2))',
      cond: () => composite(LO.NOT, composite(LO.OR, eq('a', 0), composite(LO.AND, eq('a', 1), eq('b', 2)))),
      expected: false,
    },
    { label: 'AND of three', cond: () => composite(LO.AND, eq('a', 1), eq('b', 2), eq('a', 1)), expected: true },
  ])('$label → $expected', ({ cond, expected }) => {
    expect(evaluateFilter(parseFilter(bytesOf(cond()), false), current)).toBe(expected);
  });

  it.each([
    {
      label: 'NOT with two sub-filters',
      cond: () => composite(LO.NOT, eq('a', 1), eq('b', 2)),
      message: 'Invalid NOT operator: the number of sub-filters must be 1.',
    },
    {
      label: 'AND with one sub-filter',
      cond: () => composite(LO.AND, eq('a', 1)),
      message: 'Invalid AND/OR operator: the number of sub-filters must be more than 1.',
    },
  ])('rejects $label', ({ cond, message }) => {
    expect(() => parseFilter(bytesOf(cond()), false)).toThrow(message);
  });

  it('accepts 32 filters and rejects 33', () => {
    const subs = (n: number) => Array.from({ length: n }, (_, i) => eq(`c${i}`, i));
    expect(() => parseFilter(bytesOf(composite(LO.OR, ...subs(31))), false)).not.toThrow();
    expect(() => parseFilter(bytesOf(composite(LO.OR, ...subs(32))), false)).toThrow('The count of filter exceeds the max: 32.');
  });

  it('rejects bytes that are not a Filter with OTSParameterInvalid', () => {
    const err = (() => {
      try {
        parseFilter(Uint8Array.from([0xff, 0xff]), false);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(OtsError);
    expect(err).toMatchObject({ httpStatus: 400, code: 'OTSParameterInvalid', message: 'Deserialize filter failed.' });
  });
});

describe('checkCondition', () => {
  const existing = { columns: row({ v: [int(1)] }) };
  const condition = (expectation: number, column?: unknown) =>
    parseCondition({ rowExistence: expectation, ...(column ? { columnCondition: bytesOf(column) } : {}) });
  const E = TableStore.RowExistenceExpectation;

  it.each([
    { label: 'IGNORE on an absent row', expectation: E.IGNORE, current: undefined, passes: true },
    { label: 'EXPECT_EXIST on an absent row', expectation: E.EXPECT_EXIST, current: undefined, passes: false },
    { label: 'EXPECT_EXIST on a present row', expectation: E.EXPECT_EXIST, current: existing, passes: true },
    { label: 'EXPECT_NOT_EXIST on an absent row', expectation: E.EXPECT_NOT_EXIST, current: undefined, passes: true },
    { label: 'EXPECT_NOT_EXIST on a present row', expectation: E.EXPECT_NOT_EXIST, current: existing, passes: false },
  ])('$label', ({ expectation, current, passes }) => {
    const run = () => checkCondition(condition(expectation), current);
    if (passes) expect(run).not.toThrow();
    else expect(run).toThrow(expect.objectContaining({ code: 'OTSConditionCheckFail', httpStatus: 403, message: 'Condition check failed.' }));
  });

  it('checks the column condition against an absent row as all columns missing', () => {
    const strict = condition(E.IGNORE, new SingleColumnCondition('v', Long.fromNumber(1), CT.EQUAL, false));
    const lenient = condition(E.IGNORE, new SingleColumnCondition('v', Long.fromNumber(1), CT.EQUAL, true));
    expect(() => checkCondition(strict, undefined)).toThrow('Condition check failed.');
    expect(() => checkCondition(lenient, undefined)).not.toThrow();
  });

  it('rejects an unknown row-existence value', () => {
    expect(() => parseCondition({ rowExistence: 7 })).toThrow('Invalid row-existence expectation: 7.');
  });
});
