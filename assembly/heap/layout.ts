// Object layout of the GC heap: the value word, the object header, and the
// kinds table that tells the scanner, the sanity checker and the size
// computation what each kind of object holds.
//
// A value is one 32-bit word:
//
//   ┌──────────────────────────────────────┬─────┐
//   │ signed 31-bit integer n               │  1  │  immediate int: (n << 1) | 1
//   ├──────────────────────────────────┬───┴─────┤
//   │ address of an object header      │   0 0   │  pointer (8-byte aligned, never 0)
//   ├──────────────────────────────────┼─────────┤
//   │ constant k (null, false, true, …)│  0 1 0  │  special immediate: (k << 3) | 2
//   ├──────────────────────────────────┼─────────┤
//   │ next free slot + 1               │  1 1 0  │  a free handle-table slot (handles.ts);
//   └──────────────────────────────────┴─────────┘  never a field of an object
//
// An object, 8-byte aligned, `objectSize` bytes:
//
//   obj          obj + 4       obj + HEADER_SIZE
//   ▼            ▼             ▼
//   ┌────────────┬─────────────┬──────────────────────────────────────────┐
//   │ info  u32  │ length u32  │ payload: fixed part, then length units   │
//   └────────────┴─────────────┴──────────────────────────────────────────┘
//
//   info, 32 bits:
//     31 ....... 24 │ 23 ........ 10 │ 9 .... 6 │ 5 .... 2 │    1       │     0
//     tag (blocks)  │ reserved (0)   │ gen      │ kind     │ REMEMBERED │ FORWARDED = 0
//
//   A forwarded object (evacuate.ts) keeps only its info word, rewritten as
//   (new address | FORWARDED); the rest of it is from-space and dead.
//
// Note [Adding a kind]
// ~~~~~~~~~~~~~~~~~~~~
// Everything that walks objects (evacuate, scavenge, sanity, stats) asks the
// kinds table below, so a new kind is one `defineKind` line: its name for
// messages, its fixed payload bytes, the bytes per length unit, and which
// payload words are pointer fields (from word `ptrFirst`, either a fixed count
// or `length` of them). Blocks are also special-cased on the hot paths, with
// the same rule written out.

// ── values ────────────────────────────────────────────────────────────────────

@inline export const INT_TAG: u32 = 1;
@inline export const INT_SHIFT: u32 = 1;
/** Immediate ints are 31-bit: [INT_MIN, INT_MAX]. */
@inline export const INT_MAX: i32 = (1 << 30) - 1;
@inline export const INT_MIN: i32 = -(1 << 30);

@inline export const POINTER_MASK: u32 = 3;
@inline export const LOW3_MASK: u32 = 7;
@inline export const SPECIAL_TAG: u32 = 2;
@inline export const FREE_SLOT_TAG: u32 = 6;
@inline export const SPECIAL_SHIFT: u32 = 3;

@inline export const VALUE_NULL: u32 = (0 << SPECIAL_SHIFT) | SPECIAL_TAG;
@inline export const VALUE_FALSE: u32 = (1 << SPECIAL_SHIFT) | SPECIAL_TAG;
@inline export const VALUE_TRUE: u32 = (2 << SPECIAL_SHIFT) | SPECIAL_TAG;
/** "No value": an empty slot the runtime itself uses; never crosses to JS. */
@inline export const VALUE_NONE: u32 = (3 << SPECIAL_SHIFT) | SPECIAL_TAG;
@inline export const SPECIAL_COUNT: u32 = 4;

@inline export function isPointer(v: u32): bool { return (v & POINTER_MASK) == 0; }
@inline export function isInt(v: u32): bool { return (v & INT_TAG) != 0; }
@inline export function intValue(n: i32): u32 { return (<u32>n << INT_SHIFT) | INT_TAG; }
@inline export function intOf(v: u32): i32 { return <i32>v >> INT_SHIFT; }
@inline export function isSpecial(v: u32): bool { return (v & LOW3_MASK) == SPECIAL_TAG && (v >> SPECIAL_SHIFT) < SPECIAL_COUNT; }

// ── header ────────────────────────────────────────────────────────────────────

@inline export const INFO_OFFSET: usize = 0;
@inline export const LENGTH_OFFSET: usize = INFO_OFFSET + sizeof<u32>();
@inline export const HEADER_SIZE: usize = LENGTH_OFFSET + sizeof<u32>();
@inline export const WORD_SIZE: usize = sizeof<u32>();

/** Every object starts on this boundary, so a float64 payload is aligned. */
@inline export const OBJECT_ALIGN: usize = 8;
@inline export const OBJECT_ALIGN_MASK: usize = OBJECT_ALIGN - 1;

@inline export const FORWARDED: u32 = 1 << 0;
@inline export const REMEMBERED: u32 = 1 << 1;
@inline export const KIND_SHIFT: u32 = 2;
@inline export const KIND_BITS: u32 = 4;
@inline export const KIND_MASK: u32 = ((1 << KIND_BITS) - 1) << KIND_SHIFT;
@inline export const GEN_SHIFT: u32 = KIND_SHIFT + KIND_BITS;
@inline export const GEN_BITS: u32 = 4;
@inline export const GEN_MASK: u32 = ((1 << GEN_BITS) - 1) << GEN_SHIFT;
@inline export const TAG_SHIFT: u32 = 24;
@inline export const TAG_BITS: u32 = 8;
@inline export const TAG_MAX: u32 = (1 << TAG_BITS) - 1;
/** Bits that must be zero in a live object's info word. */
@inline export const RESERVED_MASK: u32 = ((1 << TAG_SHIFT) - 1) & ~((1 << (GEN_SHIFT + GEN_BITS)) - 1);

/** Generations the header can name; `generations` must not exceed it. */
@inline export const MAX_GENERATIONS: i32 = 1 << GEN_BITS;

@inline export function infoOf(obj: usize): u32 { return load<u32>(obj, INFO_OFFSET); }
@inline export function setInfo(obj: usize, info: u32): void { store<u32>(obj, info, INFO_OFFSET); }
@inline export function lengthOf(obj: usize): u32 { return load<u32>(obj, LENGTH_OFFSET); }
@inline export function setLength(obj: usize, n: u32): void { store<u32>(obj, n, LENGTH_OFFSET); }
@inline export function payloadOf(obj: usize): usize { return obj + HEADER_SIZE; }

@inline export function makeInfo(kind: u32, gen: i32, tag: u32): u32 {
  return (kind << KIND_SHIFT) | (<u32>gen << GEN_SHIFT) | (tag << TAG_SHIFT);
}
@inline export function kindOfInfo(info: u32): u32 { return (info & KIND_MASK) >> KIND_SHIFT; }
@inline export function genOfInfo(info: u32): i32 { return <i32>((info & GEN_MASK) >> GEN_SHIFT); }
@inline export function tagOfInfo(info: u32): u32 { return info >> TAG_SHIFT; }
@inline export function withGen(info: u32, gen: i32): u32 {
  return (info & ~(GEN_MASK | REMEMBERED)) | (<u32>gen << GEN_SHIFT);
}
@inline export function isForwarded(info: u32): bool { return (info & FORWARDED) != 0; }
@inline export function forwardee(info: u32): usize { return <usize>(info & ~FORWARDED); }

/** Field i of an object whose pointer fields start at the payload (blocks). */
@inline export function fieldAddr(obj: usize, i: u32): usize { return obj + HEADER_SIZE + (<usize>i << 2); }
@inline export function fieldOf(obj: usize, i: u32): u32 { return load<u32>(fieldAddr(obj, i)); }
@inline export function setFieldRaw(obj: usize, i: u32, v: u32): void { store<u32>(fieldAddr(obj, i), v); }

/** The float64 of a KIND_FLOAT object. */
@inline export function floatOf(obj: usize): f64 { return load<f64>(obj + HEADER_SIZE); }
@inline export function setFloat(obj: usize, x: f64): void { store<f64>(obj + HEADER_SIZE, x); }

@inline export function alignObject(bytes: usize): usize { return (bytes + OBJECT_ALIGN_MASK) & ~OBJECT_ALIGN_MASK; }

// ── kinds ─────────────────────────────────────────────────────────────────────

/** A block of `length` value fields, with a tag (0..TAG_MAX). */
@inline export const KIND_BLOCK: u32 = 0;
/** `length` raw bytes (Uint8Array). */
@inline export const KIND_BYTES: u32 = 1;
/** `length` UTF-16 code units (a JS string, exactly). */
@inline export const KIND_STRING: u32 = 2;
/** A float64 (any JS number that is not an immediate int). */
@inline export const KIND_FLOAT: u32 = 3;
/** A reference to a JS value held by the host: payload is its u32 index. */
@inline export const KIND_HOSTREF: u32 = 4;
/** An MVar {value, head, tail} (mvar/mvar.ts). */
@inline export const KIND_MVAR: u32 = 5;
/** A queue entry {tso, link} of an MVar's blocked threads (mvar/mvar.ts). */
@inline export const KIND_MVAR_QUEUE: u32 = 6;
/** A thread state object: what a blocked thread waits on and carries (mvar/tso.ts). */
@inline export const KIND_TSO: u32 = 7;
/** A custom block: a finaliser index and an opaque payload (custom.ts). */
@inline export const KIND_CUSTOM: u32 = 8;
/** A weak pointer {key, value, finaliser, flags}: fields the collector traces itself (weak.ts). */
@inline export const KIND_WEAK: u32 = 9;
/** An ephemeron {data, flags, keys…}: fields the collector traces itself (ephemeron.ts). */
@inline export const KIND_EPHEMERON: u32 = 10;
/** Kinds defined so far. */
@inline export const KIND_COUNT: u32 = 11;
@inline export const KIND_LIMIT: u32 = 1 << KIND_BITS;

/** ptrCount meaning "length pointer fields". */
@inline export const PTR_COUNT_LENGTH: u32 = 0xFFFF_FFFF;

@inline const ROW_FIXED: usize = 0;
@inline const ROW_UNIT: usize = ROW_FIXED + sizeof<u32>();
@inline const ROW_PTR_FIRST: usize = ROW_UNIT + sizeof<u32>();
@inline const ROW_PTR_COUNT: usize = ROW_PTR_FIRST + sizeof<u32>();
@inline const ROW_SIZE: usize = ROW_PTR_COUNT + sizeof<u32>();

const kindTable: usize = memory.data(<i32>(ROW_SIZE * <usize>KIND_LIMIT), 8);
const kindNames = new StaticArray<string>(<i32>KIND_LIMIT);
let kindsDefined: u32 = 0;

/** Adds one row to the kinds table. See Note [Adding a kind]. */
function defineKind(kind: u32, name: string, fixedBytes: u32, unitBytes: u32, ptrFirst: u32, ptrCount: u32): void {
  let row = kindTable + <usize>kind * ROW_SIZE;
  store<u32>(row, fixedBytes, ROW_FIXED);
  store<u32>(row, unitBytes, ROW_UNIT);
  store<u32>(row, ptrFirst, ROW_PTR_FIRST);
  store<u32>(row, ptrCount, ROW_PTR_COUNT);
  kindNames[kind] = name;
  kindsDefined |= 1 << kind;
}

//         kind          name       fixed bytes      unit bytes       ptr first  ptr count
defineKind(KIND_BLOCK,   "block",   0,               sizeof<u32>(),   0,         PTR_COUNT_LENGTH);
defineKind(KIND_BYTES,   "bytes",   0,               sizeof<u8>(),    0,         0);
defineKind(KIND_STRING,  "string",  0,               sizeof<u16>(),   0,         0);
defineKind(KIND_FLOAT,   "float",   sizeof<f64>(),   0,               0,         0);
defineKind(KIND_HOSTREF, "hostref", sizeof<u32>(),   0,               0,         0);
// mvar/mvar.ts and mvar/tso.ts draw the pictures: {value, head, tail}; {tso, link}; {blockedOn, value, why, state, id}.
defineKind(KIND_MVAR,    "mvar",    3 * sizeof<u32>(), 0,             0,         3);
defineKind(KIND_MVAR_QUEUE, "mvar queue entry", 2 * sizeof<u32>(), 0, 0,         2);
defineKind(KIND_TSO,     "tso",     5 * sizeof<u32>(), 0,             0,         2);
// finaliser index, flags, a f64 number (CUSTOM_FIXED in custom.ts); then the payload bytes
defineKind(KIND_CUSTOM,  "custom",  2 * sizeof<u32>() + sizeof<f64>(), sizeof<u8>(), 0, 0);
// key, value, finaliser index, flags; no field is scanned: Note [Weak fields are not scanned] (weak.ts)
defineKind(KIND_WEAK,    "weak",    4 * sizeof<u32>(), 0,             0,         0);
// data, flags; then one key per length unit; no field is scanned: Note [Ephemeron fields are not scanned] (ephemeron.ts)
defineKind(KIND_EPHEMERON, "ephemeron", 2 * sizeof<u32>(), sizeof<u32>(), 0,     0);

@inline function row(kind: u32): usize { return kindTable + <usize>kind * ROW_SIZE; }

/** Bit k set: kind k has a row. */
export function kindIsDefined(kind: u32): bool { return kind < KIND_LIMIT && ((kindsDefined >> kind) & 1) != 0; }
export function kindName(kind: u32): string { return kindIsDefined(kind) ? kindNames[kind] : "kind#" + kind.toString(); }

/** Bytes an object of this kind and length occupies, header included. */
@inline export function sizeFor(kind: u32, length: u32): usize {
  if (kind == KIND_BLOCK) return alignObject(HEADER_SIZE + (<usize>length << 2));
  let r = row(kind);
  return alignObject(HEADER_SIZE + <usize>load<u32>(r, ROW_FIXED) + <usize>length * <usize>load<u32>(r, ROW_UNIT));
}

@inline export function objectSize(obj: usize): usize {
  return sizeFor(kindOfInfo(infoOf(obj)), lengthOf(obj));
}

/** Index (in payload words) of the first pointer field. */
@inline export function ptrFirst(kind: u32): u32 { return load<u32>(row(kind), ROW_PTR_FIRST); }

/** Number of pointer fields of an object of this kind and length. */
@inline export function ptrCount(kind: u32, length: u32): u32 {
  let n = load<u32>(row(kind), ROW_PTR_COUNT);
  return n == PTR_COUNT_LENGTH ? length : n;
}

/** Largest length of a kind whose object still fits a 32-bit size. */
export function maxLengthFor(kind: u32): u32 {
  let unit = kind == KIND_BLOCK ? <u32>sizeof<u32>() : load<u32>(row(kind), ROW_UNIT);
  if (unit == 0) return 0;
  return (<u32>(1 << 30)) / unit;
}
