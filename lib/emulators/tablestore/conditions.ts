// Column conditions (conditional writes) and filters (reads): tablestore_filter.proto's
// SingleColumnValueFilter, CompositeColumnValueFilter and ColumnPaginationFilter, plus the row
// existence expectation. Semantics, from the service's documentation and the official SDKs' tests:
//  - a single condition looks at the latest version, or at every version when latest_version_only
//    is false (then any matching version satisfies it);
//  - a missing column passes unless filter_if_missing is set (the SDK sends !passIfMissing);
//  - NOT takes exactly one sub-filter, AND/OR at least two; at most 32 filters in all.
// A cell whose type differs from the condition value's type does not satisfy the comparator
// (unconfirmed: the documentation does not say; the emulator chooses the strict reading).
import { otsErrors, OtsError } from './errors';
import { PlainBufferError, decodeVariant } from './plainbuffer';
import { decodeMessage, has, ROW_EXISTENCE } from './protocol';
import type { CellVersion } from './table';
import { compareSameType, isCellValue, type CellValue, type Variant } from './values';

export type Comparator = 'EQUAL' | 'NOT_EQUAL' | 'GREATER_THAN' | 'GREATER_EQUAL' | 'LESS_THAN' | 'LESS_EQUAL';

export type ColumnFilter =
  | {
      readonly kind: 'single';
      readonly comparator: Comparator;
      readonly column: string;
      readonly value: CellValue;
      readonly filterIfMissing: boolean;
      readonly latestVersionOnly: boolean;
    }
  | { readonly kind: 'composite'; readonly operator: 'NOT' | 'AND' | 'OR'; readonly children: readonly ColumnFilter[] }
  | { readonly kind: 'pagination'; readonly offset: number; readonly limit: number };

export const MAX_FILTER_COUNT = 32;

const COMPARATORS: Record<number, Comparator> = {
  1: 'EQUAL',
  2: 'NOT_EQUAL',
  3: 'GREATER_THAN',
  4: 'GREATER_EQUAL',
  5: 'LESS_THAN',
  6: 'LESS_EQUAL',
};
const OPERATORS: Record<number, 'NOT' | 'AND' | 'OR'> = { 1: 'NOT', 2: 'AND', 3: 'OR' };
const FILTER_TYPE = { SINGLE: 1, COMPOSITE: 2, PAGINATION: 3 } as const;

interface PbFilter {
  type: number;
  filter: Uint8Array;
}
interface PbSingle {
  comparator: number;
  columnName: string;
  columnValue: Uint8Array;
  filterIfMissing: boolean;
  latestVersionOnly: boolean;
}
interface PbComposite {
  combinator: number;
  subFilters: PbFilter[];
}
interface PbPagination {
  offset: number;
  limit: number;
}

function decodeOr<T>(typeName: string, bytes: Uint8Array, message: string): T {
  try {
    return decodeMessage<T>(typeName, bytes);
  } catch {
    throw otsErrors.parameterInvalid(message);
  }
}

/** Parses a serialized `Filter`; `allowPagination` is false for write conditions. */
export function parseFilter(bytes: Uint8Array, allowPagination: boolean): ColumnFilter {
  const pb = decodeOr<PbFilter>('filter.proto.Filter', bytes, 'Deserialize filter failed.');
  let count = 0;
  const build = (f: PbFilter, top: boolean): ColumnFilter => {
    count += 1;
    if (count > MAX_FILTER_COUNT) throw otsErrors.parameterInvalid(`The count of filter exceeds the max: ${MAX_FILTER_COUNT}.`);
    switch (f.type) {
      case FILTER_TYPE.SINGLE: {
        const s = decodeOr<PbSingle>('filter.proto.SingleColumnValueFilter', f.filter, 'Deserialize relation filter failed.');
        const comparator = COMPARATORS[s.comparator];
        if (!comparator) throw otsErrors.parameterInvalid(`Invalid relation operator: ${s.comparator}.`);
        let value: Variant;
        try {
          value = decodeVariant(Buffer.from(s.columnValue));
        } catch (err) {
          if (err instanceof PlainBufferError) throw otsErrors.parameterInvalid('Deserialize relation filter failed.');
          throw err;
        }
        if (!isCellValue(value)) throw otsErrors.invalidAttributeType(value.type);
        return {
          kind: 'single',
          comparator,
          column: s.columnName,
          value,
          filterIfMissing: s.filterIfMissing,
          latestVersionOnly: s.latestVersionOnly,
        };
      }
      case FILTER_TYPE.COMPOSITE: {
        const c = decodeOr<PbComposite>('filter.proto.CompositeColumnValueFilter', f.filter, 'Deserialize composite filter failed.');
        const operator = OPERATORS[c.combinator];
        if (!operator) throw otsErrors.parameterInvalid(`Invalid type of filter: ${c.combinator}.`);
        if (operator === 'NOT' && c.subFilters.length !== 1) {
          throw otsErrors.parameterInvalid('Invalid NOT operator: the number of sub-filters must be 1.');
        }
        if (operator !== 'NOT' && c.subFilters.length < 2) {
          throw otsErrors.parameterInvalid('Invalid AND/OR operator: the number of sub-filters must be more than 1.');
        }
        const children = c.subFilters.map((sub) => {
          if (sub.type === FILTER_TYPE.PAGINATION) throw otsErrors.parameterInvalid(`Invalid type of sub-filter: ${sub.type}.`);
          return build(sub, false);
        });
        return { kind: 'composite', operator, children };
      }
      case FILTER_TYPE.PAGINATION: {
        if (!allowPagination || !top) throw otsErrors.parameterInvalid(`Invalid type of filter: ${f.type}.`);
        const p = decodeOr<PbPagination>('filter.proto.ColumnPaginationFilter', f.filter, 'Deserialize column pagination filter failed.');
        if (p.offset < 0) throw otsErrors.parameterInvalid('Offset in ColumnPaginationFilter must be greater than or equal to 0.');
        if (p.limit <= 0) throw otsErrors.parameterInvalid('Limit in ColumnPaginationFilter must be greater than 0.');
        return { kind: 'pagination', offset: p.offset, limit: p.limit };
      }
      default:
        throw otsErrors.parameterInvalid(`Invalid type of filter: ${f.type}.`);
    }
  };
  return build(pb, true);
}

function satisfies(cell: CellValue, comparator: Comparator, value: CellValue): boolean {
  if (cell.type !== value.type) return false;
  const c = compareSameType(cell, value);
  switch (comparator) {
    case 'EQUAL':
      return c === 0;
    case 'NOT_EQUAL':
      return c !== 0;
    case 'GREATER_THAN':
      return c > 0;
    case 'GREATER_EQUAL':
      return c >= 0;
    case 'LESS_THAN':
      return c < 0;
    case 'LESS_EQUAL':
      return c <= 0;
  }
}

/**
 * Evaluates a condition against a row's columns (versions newest first; an absent row has none).
 * A pagination filter selects columns rather than rows, so it always passes here.
 */
export function evaluateFilter(filter: ColumnFilter, columns: ReadonlyMap<string, readonly CellVersion[]>): boolean {
  switch (filter.kind) {
    case 'single': {
      const versions = columns.get(filter.column) ?? [];
      if (versions.length === 0) return !filter.filterIfMissing;
      const candidates = filter.latestVersionOnly ? versions.slice(0, 1) : versions;
      return candidates.some((v) => satisfies(v.value, filter.comparator, filter.value));
    }
    case 'composite':
      if (filter.operator === 'NOT') return !evaluateFilter(filter.children[0] as ColumnFilter, columns);
      if (filter.operator === 'AND') return filter.children.every((c) => evaluateFilter(c, columns));
      return filter.children.some((c) => evaluateFilter(c, columns));
    case 'pagination':
      return true;
  }
}

export type RowExistence = 'IGNORE' | 'EXPECT_EXIST' | 'EXPECT_NOT_EXIST';

export interface WriteCondition {
  readonly rowExistence: RowExistence;
  readonly columnCondition?: ColumnFilter;
}

export function parseCondition(pb: { rowExistence: number; columnCondition?: Uint8Array }): WriteCondition {
  const rowExistence = (['IGNORE', 'EXPECT_EXIST', 'EXPECT_NOT_EXIST'] as const).find((name) => ROW_EXISTENCE[name] === pb.rowExistence);
  if (!rowExistence) throw otsErrors.parameterInvalid(`Invalid row-existence expectation: ${pb.rowExistence}.`);
  if (has(pb, 'columnCondition') && pb.columnCondition && pb.columnCondition.length > 0) {
    return { rowExistence, columnCondition: parseFilter(pb.columnCondition, false) };
  }
  return { rowExistence };
}

/**
 * Checks a write's condition against the row as it stands (undefined when absent).
 * Throws OTSConditionCheckFail when it does not hold.
 */
export function checkCondition(condition: WriteCondition, current: { readonly columns: ReadonlyMap<string, readonly CellVersion[]> } | undefined): void {
  if (condition.rowExistence === 'EXPECT_EXIST' && !current) throw otsErrors.conditionCheckFail();
  if (condition.rowExistence === 'EXPECT_NOT_EXIST' && current) throw otsErrors.conditionCheckFail();
  if (condition.columnCondition && !evaluateFilter(condition.columnCondition, current?.columns ?? new Map())) {
    throw otsErrors.conditionCheckFail();
  }
}

export function isConditionFailure(err: unknown): boolean {
  return err instanceof OtsError && err.code === 'OTSConditionCheckFail';
}
