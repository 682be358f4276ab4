// Projects, logstores and shards of the SLS emulator. A shard is an append-only list of LogGroups, each
// kept as the serialized bytes a PullLogs answer embeds, with the (clock) time the service received it.
// Cursors mimic the service's: base64 of a decimal position, here shardBase + index.
import { createHash } from 'node:crypto';
import type { EmulatorClock as Clock } from '../shared/clock';
import type { AlertRule } from './alerts';
import type { Dashboard } from './dashboards';
import { slsErrors } from './errors';
import type { IndexConfig } from './index-config';

export interface StoredGroup {
  readonly bytes: Buffer;
  readonly receivedAtMs: number;
  readonly logCount: number;
  /** Arrival order across all shards, so logs of one second are answered in the order they came. */
  readonly sequence?: number;
}

let arrivals = 0;

const KEY_SPACE = 1n << 128n;
const LAST_END_KEY = 'f'.repeat(32);

export class Shard {
  readonly groups: StoredGroup[] = [];
  /** Cursor position of index 0; nanoseconds of the creation time, like the service's 19-digit cursors. */
  private readonly base: bigint;

  constructor(
    readonly id: number,
    readonly createdAtMs: number,
    readonly inclusiveBeginKey: string,
    readonly exclusiveEndKey: string,
  ) {
    this.base = BigInt(Math.floor(createdAtMs)) * 1_000_000n;
  }

  get length(): number {
    return this.groups.length;
  }

  cursorAt(index: number): string {
    return Buffer.from((this.base + BigInt(index)).toString(), 'latin1').toString('base64');
  }

  /** Index in [0, length] the cursor points at. Throws ParameterInvalid or InvalidCursor. */
  indexOf(cursor: string): number {
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(cursor)) throw slsErrors.parameterInvalid(`cursor ${cursor} is invalid`);
    const decoded = Buffer.from(cursor, 'base64');
    // Re-encoding must give back the same characters, or the text was not a clean base64 cursor.
    if (decoded.toString('base64').replace(/=+$/, '') !== cursor.replace(/=+$/, '')) {
      throw slsErrors.parameterInvalid(`cursor ${cursor} is invalid`);
    }
    const text = decoded.toString('latin1');
    if (!/^\d{1,40}$/.test(text)) throw slsErrors.parameterInvalid(`cursor ${cursor} is invalid`);
    const offset = BigInt(text) - this.base;
    if (offset < 0n || offset > BigInt(this.groups.length)) throw slsErrors.invalidCursor(cursor);
    return Number(offset);
  }

  /** First index whose LogGroup arrived at or after `fromMs`, or length when none did. */
  indexAtTime(fromMs: number): number {
    let lo = 0;
    let hi = this.groups.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.groups[mid]!.receivedAtMs < fromMs) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  append(group: StoredGroup): number {
    // Receive times never go backwards, even if a test clock does, so time lookups stay a binary search.
    const last = this.groups[this.groups.length - 1];
    const receivedAtMs = last && last.receivedAtMs > group.receivedAtMs ? last.receivedAtMs : group.receivedAtMs;
    this.groups.push({ ...group, receivedAtMs, sequence: arrivals++ });
    return this.groups.length - 1;
  }

  containsKey(hashHex: string): boolean {
    return hashHex >= this.inclusiveBeginKey && (hashHex < this.exclusiveEndKey || this.exclusiveEndKey === LAST_END_KEY);
  }

  describe(): Record<string, unknown> {
    return {
      shardID: this.id,
      status: 'readwrite',
      inclusiveBeginKey: this.inclusiveBeginKey,
      exclusiveEndKey: this.exclusiveEndKey,
      createTime: Math.floor(this.createdAtMs / 1000),
    };
  }
}

export class Logstore {
  readonly shards: Shard[];
  private nextShard = 0;
  /** The logstore's index (CreateIndex); GetLogs needs one. */
  index: { config: IndexConfig; modifiedAtMs: number } | undefined;

  constructor(
    readonly name: string,
    readonly shardCount: number,
    readonly ttl: number,
    readonly createdAtMs: number,
  ) {
    this.shards = [];
    for (let i = 0; i < shardCount; i++) {
      const begin = (KEY_SPACE * BigInt(i)) / BigInt(shardCount);
      const end = (KEY_SPACE * BigInt(i + 1)) / BigInt(shardCount);
      this.shards.push(new Shard(i, createdAtMs, hex128(begin), i === shardCount - 1 ? LAST_END_KEY : hex128(end)));
    }
  }

  shard(id: number): Shard {
    const shard = this.shards[id];
    if (!shard) throw slsErrors.shardNotExist(id);
    return shard;
  }

  /** Load-balanced writes go round-robin, which keeps tests deterministic. */
  nextLoadBalancedShard(): Shard {
    const shard = this.shards[this.nextShard % this.shards.length]!;
    this.nextShard++;
    return shard;
  }

  shardForHash(hashHex: string): Shard {
    const key = hashHex.toLowerCase();
    return this.shards.find((s) => s.containsKey(key)) ?? this.shards[this.shards.length - 1]!;
  }

  describe(): Record<string, unknown> {
    const seconds = Math.floor(this.createdAtMs / 1000);
    return {
      logstoreName: this.name,
      ttl: this.ttl,
      shardCount: this.shardCount,
      enable_tracking: false,
      autoSplit: false,
      maxSplitShard: this.shardCount,
      appendMeta: false,
      telemetryType: '',
      mode: 'standard',
      createTime: seconds,
      lastModifyTime: seconds,
    };
  }
}

export class Project {
  readonly logstores = new Map<string, Logstore>();
  readonly dashboards = new Map<string, Dashboard>();
  readonly alerts = new Map<string, AlertRule>();
  constructor(
    readonly name: string,
    readonly description: string,
    readonly createdAtMs: number,
  ) {}

  logstore(name: string): Logstore {
    const logstore = this.logstores.get(name);
    if (!logstore) throw slsErrors.logStoreNotExist(name);
    return logstore;
  }

  describe(region: string): Record<string, unknown> {
    const time = new Date(this.createdAtMs).toISOString().replace('T', ' ').slice(0, 19);
    return {
      projectName: this.name,
      description: this.description,
      status: 'Normal',
      region,
      owner: '',
      createTime: time,
      lastModifyTime: time,
    };
  }
}

const PROJECT_NAME = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;
const LOGSTORE_NAME = /^[a-z0-9][a-z0-9_-]{1,61}[a-z0-9]$/;

export class SlsState {
  readonly projects = new Map<string, Project>();
  constructor(private readonly clock: Clock) {}

  project(name: string): Project {
    const project = this.projects.get(name);
    if (!project) throw slsErrors.projectNotExist(name);
    return project;
  }

  createProject(name: string, description = ''): Project {
    if (!PROJECT_NAME.test(name)) throw slsErrors.parameterInvalid(`project name ${name} is invalid`);
    if (this.projects.has(name)) throw slsErrors.projectAlreadyExist(name);
    const project = new Project(name, description, this.clock.nowMs());
    this.projects.set(name, project);
    return project;
  }

  createLogstore(projectName: string, name: string, shardCount: number, ttl: number): Logstore {
    const project = this.project(projectName);
    if (!LOGSTORE_NAME.test(name)) throw slsErrors.parameterInvalid(`logstore name ${name} is invalid`);
    if (!(Number.isInteger(shardCount) && shardCount >= 1 && shardCount <= 256)) {
      throw slsErrors.parameterInvalid(`shardCount ${shardCount} is invalid`);
    }
    if (!(Number.isInteger(ttl) && ttl >= 1 && ttl <= 3650)) throw slsErrors.parameterInvalid(`ttl ${ttl} is invalid`);
    if (project.logstores.has(name)) throw slsErrors.logStoreAlreadyExist(name);
    const logstore = new Logstore(name, shardCount, ttl, this.clock.nowMs());
    project.logstores.set(name, logstore);
    return logstore;
  }
}

function hex128(n: bigint): string {
  return n.toString(16).padStart(32, '0');
}

/** A routing key: 32 hex digits are used as they are, anything else is hashed with MD5 as the SDKs do. */
export function routingHash(key: string): string {
  return /^[0-9a-fA-F]{32}$/.test(key) ? key.toLowerCase() : createHash('md5').update(key).digest('hex');
}
