// Tablestore's value model: the five column types, the primary-key placeholders, and the orders
// the service sorts and compares them in. INTEGER is Int64 end to end (bigint), never a JS number.

export type CellValue =
  | { readonly type: 'INTEGER'; readonly value: bigint }
  | { readonly type: 'DOUBLE'; readonly value: number }
  | { readonly type: 'BOOLEAN'; readonly value: boolean }
  | { readonly type: 'STRING'; readonly value: string }
  | { readonly type: 'BINARY'; readonly value: Buffer };

export type KeyValue = Extract<CellValue, { type: 'INTEGER' | 'STRING' | 'BINARY' }>;

/** Everything PlainBuffer can carry in a value slot, including GetRange bounds and auto-increment. */
export type Variant = CellValue | { readonly type: 'INF_MIN' } | { readonly type: 'INF_MAX' } | { readonly type: 'AUTO_INCREMENT' };

export type KeyType = KeyValue['type'];
export type CellType = CellValue['type'];

export const INT64_MIN = -(2n ** 63n);
export const INT64_MAX = 2n ** 63n - 1n;

/** Names the service uses in messages such as "Validate PK type fail. Input: VT_STRING, Meta: VT_INTEGER." */
export function variantTypeName(type: Variant['type']): string {
  switch (type) {
    case 'INTEGER':
      return 'VT_INTEGER';
    case 'DOUBLE':
      return 'VT_DOUBLE';
    case 'BOOLEAN':
      return 'VT_BOOLEAN';
    case 'STRING':
      return 'VT_STRING';
    case 'BINARY':
      return 'VT_BLOB';
    case 'INF_MIN':
      return 'VT_INF_MIN';
    case 'INF_MAX':
      return 'VT_INF_MAX';
    case 'AUTO_INCREMENT':
      return 'VT_AUTO_INCREMENT';
  }
}

export function isKeyValue(v: Variant): v is KeyValue {
  return v.type === 'INTEGER' || v.type === 'STRING' || v.type === 'BINARY';
}

export function isCellValue(v: Variant): v is CellValue {
  return v.type !== 'INF_MIN' && v.type !== 'INF_MAX' && v.type !== 'AUTO_INCREMENT';
}

/** Compares two values of the same type: numbers numerically, strings and binaries bytewise. */
export function compareSameType(a: CellValue, b: CellValue): number {
  switch (a.type) {
    case 'INTEGER': {
      const bv = (b as typeof a).value;
      return a.value < bv ? -1 : a.value > bv ? 1 : 0;
    }
    case 'DOUBLE': {
      const bv = (b as typeof a).value;
      return a.value < bv ? -1 : a.value > bv ? 1 : 0;
    }
    case 'BOOLEAN': {
      const bv = (b as typeof a).value;
      return a.value === bv ? 0 : a.value ? 1 : -1;
    }
    case 'STRING':
      // UTF-8 byte order, which is what the service sorts by (not UTF-16 code units).
      return Buffer.compare(Buffer.from(a.value, 'utf8'), Buffer.from((b as typeof a).value, 'utf8'));
    case 'BINARY':
      return Buffer.compare(a.value, (b as typeof a).value);
  }
}

/** Orders key values, with INF_MIN below and INF_MAX above everything (range bounds). */
export function compareKeyVariant(a: Variant, b: Variant): number {
  if (a.type === b.type && (a.type === 'INF_MIN' || a.type === 'INF_MAX')) return 0;
  if (a.type === 'INF_MIN' || b.type === 'INF_MAX') return -1;
  if (a.type === 'INF_MAX' || b.type === 'INF_MIN') return 1;
  if (!isCellValue(a) || !isCellValue(b) || a.type !== b.type) {
    throw new TypeError(`cannot order ${a.type} against ${b.type}`);
  }
  return compareSameType(a, b);
}

export function compareKeys(a: readonly Variant[], b: readonly Variant[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compareKeyVariant(a[i] as Variant, b[i] as Variant);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

/** Bytes a value occupies for the service's size limits and capacity units. */
export function valueSize(v: CellValue): number {
  switch (v.type) {
    case 'INTEGER':
    case 'DOUBLE':
      return 8;
    case 'BOOLEAN':
      return 1;
    case 'STRING':
      return Buffer.byteLength(v.value, 'utf8');
    case 'BINARY':
      return v.value.length;
  }
}
