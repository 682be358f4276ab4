// Optional persistence: the whole instance as one JSON snapshot in the data directory, written
// atomically (temporary file, fsync, rename) shortly after each change and on close. A crash can
// lose at most the last `debounceMs` of writes; it can never leave a torn file.
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { Instance } from './instance';
import { Table, type CellVersion, type StoredRow } from './table';
import type { CellValue, KeyValue } from './values';

const FORMAT = 'thaw-tablestore-snapshot/1';

type JsonValue = ['I', string] | ['D', number] | ['B', boolean] | ['S', string] | ['X', string];

interface JsonRow {
  key: JsonValue[];
  columns: [string, [number, JsonValue][]][];
}

interface JsonTable {
  name: string;
  primaryKey: Table['primaryKey'];
  definedColumns: Table['definedColumns'];
  options: Table['options'];
  reservedThroughput: Table['reservedThroughput'];
  createdAtMs: number;
  indexes: Table['indexes'];
  index?: Table['index'];
  autoIncrementLast: string;
  rows: JsonRow[];
}

interface Snapshot {
  format: string;
  instance: string;
  tables: JsonTable[];
}

function toJson(v: CellValue): JsonValue {
  switch (v.type) {
    case 'INTEGER':
      return ['I', v.value.toString()];
    case 'DOUBLE':
      return ['D', v.value];
    case 'BOOLEAN':
      return ['B', v.value];
    case 'STRING':
      return ['S', v.value];
    case 'BINARY':
      return ['X', v.value.toString('base64')];
  }
}

function fromJson(j: JsonValue): CellValue {
  switch (j[0]) {
    case 'I':
      return { type: 'INTEGER', value: BigInt(j[1]) };
    case 'D':
      return { type: 'DOUBLE', value: j[1] };
    case 'B':
      return { type: 'BOOLEAN', value: j[1] };
    case 'S':
      return { type: 'STRING', value: j[1] };
    case 'X':
      return { type: 'BINARY', value: Buffer.from(j[1], 'base64') };
  }
}

export function snapshotOf(instance: Instance): Snapshot {
  return {
    format: FORMAT,
    instance: instance.name,
    tables: [...instance.tables.values()].map((t) => ({
      name: t.name,
      primaryKey: t.primaryKey,
      definedColumns: t.definedColumns,
      options: t.options,
      reservedThroughput: t.reservedThroughput,
      createdAtMs: t.createdAtMs,
      indexes: t.indexes,
      ...(t.index ? { index: t.index } : {}),
      autoIncrementLast: t.autoIncrementLast.toString(),
      rows: t.rows.all().map((row) => ({
        key: row.key.map(toJson),
        columns: [...row.columns].map(([name, versions]): [string, [number, JsonValue][]] => [
          name,
          versions.map((v): [number, JsonValue] => [v.ts, toJson(v.value)]),
        ]),
      })),
    })),
  };
}

export function instanceFromSnapshot(snapshot: Snapshot): Instance {
  if (snapshot.format !== FORMAT) throw new Error(`unknown tablestore snapshot format: ${String(snapshot.format)}`);
  const instance = new Instance(snapshot.instance);
  for (const j of snapshot.tables) {
    const table = new Table(j.name, j.primaryKey, j.definedColumns, j.options, j.reservedThroughput, j.createdAtMs, [...j.indexes], j.index);
    table.autoIncrementLast = BigInt(j.autoIncrementLast);
    for (const row of j.rows) {
      const stored: StoredRow = {
        key: row.key.map((v) => fromJson(v) as KeyValue),
        columns: new Map(row.columns.map(([name, versions]): [string, CellVersion[]] => [name, versions.map(([ts, v]) => ({ ts, value: fromJson(v) }))])),
      };
      table.rows.set(stored);
    }
    instance.tables.set(table.name, table);
  }
  return instance;
}

export class SnapshotFile {
  private timer: NodeJS.Timeout | undefined;
  readonly path: string;

  constructor(
    dataDir: string,
    instanceName: string,
    private readonly debounceMs = 50,
  ) {
    mkdirSync(dataDir, { recursive: true });
    this.path = join(dataDir, `tablestore-${instanceName}.json`);
  }

  /** The saved instance, or undefined when there is none yet. */
  load(): Instance | undefined {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    return instanceFromSnapshot(JSON.parse(text) as Snapshot);
  }

  /** Saves soon; several changes in a burst cost one write. */
  scheduleSave(instance: Instance): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.saveNow(instance);
    }, this.debounceMs);
    this.timer.unref();
  }

  saveNow(instance: Instance): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const tmp = `${this.path}.${process.pid}.tmp`;
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, JSON.stringify(snapshotOf(instance)));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.path);
  }
}
