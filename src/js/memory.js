// WebAssembly memory, as one lab uses it: `alloc` buffers, grow-only scratch areas, copying arguments in and results
// out. Every view of the memory is made at the moment it is used (memory growth replaces the ArrayBuffer and detaches
// older views), and no view of WebAssembly memory is ever handed to the caller except an alloc buffer's `array`, which
// is rebuilt whenever the memory has grown.
import { checkNotDetached, checkNumber, checkVector, MAX_BYTES } from './checks.js';
import { failure, noMemory, outOfRange, POSITIVE_INTEGER, tooLarge, typeError } from './errors.js';

// A buffer in one lab's WebAssembly memory: { length, array, free() }.
export class LabBuffer {
  #mod;
  #ptr;
  #length;
  #view = null;

  constructor(mod, ptr, length) {
    this.#mod = mod;
    this.#ptr = ptr;
    this.#length = length;
  }

  get length() {
    return this.#length;
  }

  // A Float32Array over the buffer, rebuilt whenever memory growth has replaced WebAssembly's ArrayBuffer.
  get array() {
    LabBuffer.pointer(this, this.#mod, 'logitlab: alloc buffer');
    const heap = this.#mod.HEAPF32;
    if (!this.#view || this.#view.buffer !== heap.buffer)
      this.#view = new Float32Array(heap.buffer, this.#ptr, this.#length);
    return this.#view;
  }

  free() {
    if (this.#ptr === 0) throw new TypeError('logitlab: this alloc buffer was already freed (double free)');
    this.#mod._free(this.#ptr);
    this.#ptr = 0;
    this.#view = null;
  }

  static pointer(buffer, mod, what) {
    if (buffer.#ptr === 0) throw new TypeError(`${what} is an alloc buffer that was freed; it cannot be used again`);
    if (buffer.#mod !== mod)
      throw new TypeError(`${what} is an alloc buffer of another lab; use the lab that allocated it`);
    return buffer.#ptr;
  }
}

// Reading the caller's data happens in two steps: `vector` (and the checks of checks.js) reads and checks it in
// JavaScript, each entry of a plain array read once; `marshal` then copies it into WebAssembly memory. Every argument
// of a call is read before any is marshalled, so nothing the caller's code runs in between can overwrite the scratch
// areas. A prepared vector is { buffer, ptr, length } for an alloc buffer, { data, length } otherwise.
export class Memory {
  #mod;
  #slots = new Map();  // role -> { ptr, bytes }: grow-only scratch areas, one per role, so steady use allocates nothing

  constructor(mod) {
    this.#mod = mod;
  }

  get bytes() {
    return this.#mod.HEAPU8.buffer.byteLength;
  }

  alloc(length) {
    checkNumber('alloc', 'length', length);
    if (!Number.isInteger(length) || length < 1) throw outOfRange('alloc', 'length', POSITIVE_INTEGER, length);
    if (length * 4 > MAX_BYTES) throw tooLarge('alloc', 'length', `${length} floats`);
    const ptr = this.#mod._malloc(length * 4);
    if (!ptr) throw noMemory('alloc', 'length', `${length} floats`);
    this.#mod.HEAPF32.fill(0, ptr >>> 2, (ptr >>> 2) + length);
    return new LabBuffer(this.#mod, ptr, length);
  }

  // The address of a scratch area of at least `bytes` bytes for `role`.
  reserve(fn, role, bytes) {
    const slot = this.#slots.get(role);
    if (slot && slot.bytes >= bytes) return slot.ptr;
    if (bytes > MAX_BYTES) throw tooLarge(fn, role, `${bytes} bytes`);
    const size = Math.min(Math.max(64, 2 ** Math.ceil(Math.log2(Math.max(bytes, 1)))), MAX_BYTES);
    const ptr = this.#mod._malloc(size);
    if (!ptr) throw noMemory(fn, role, `${bytes} bytes`);
    if (slot) this.#mod._free(slot.ptr);
    this.#slots.set(role, { ptr, bytes: size });
    return ptr;
  }

  // The pointer behind one of this lab's alloc buffers (throws for a freed or foreign one), or 0 for anything else.
  own(fn, name, x) {
    if (!(x instanceof LabBuffer)) return 0;
    return LabBuffer.pointer(x, this.#mod, `logitlab.${fn}: ${name}`);
  }

  // A vector argument, read and checked.
  vector(fn, name, x, options) {
    const ptr = this.own(fn, name, x);
    if (ptr) return { buffer: x, ptr, length: x.length };
    return checkVector(fn, name, x, options);
  }

  // A prepared vector in WebAssembly memory: { ptr, length, owned } (owned: the caller's alloc buffer, not scratch).
  marshal(fn, prepared, role) {
    if (prepared.buffer) return { ptr: prepared.ptr, length: prepared.length, owned: true };
    const ptr = this.reserve(fn, role, prepared.length * 4);
    this.#mod.HEAPF32.set(prepared.data, ptr >>> 2);
    return { ptr, length: prepared.length, owned: false };
  }

  marshalIndices(fn, list, role) {
    const ptr = this.reserve(fn, role, Math.max(1, list.length) * 4);
    this.#mod.HEAP32.set(list, ptr >>> 2);
    return ptr;
  }

  // Where a result of `length` floats goes: the caller's `out` (checked), or null for a new Float32Array.
  checkOut(fn, out, length) {
    if (out === undefined) return null;
    if (out instanceof LabBuffer) this.own(fn, 'out', out);  // freed or foreign: throws
    else if (!(out instanceof Float32Array)) throw typeError(fn, 'out', 'a Float32Array or a lab.alloc buffer', out);
    else checkNotDetached(fn, 'out', out);
    if (out.length !== length) throw failure(fn, 'out_length', { expected: length, value: out.length });
    return out;
  }

  // Where the core writes a result as long as its input: the caller's alloc buffer, else in place in scratch (the
  // core allows aliasing), else, when the input is the caller's own alloc buffer, a scratch area.
  resultPointer(fn, out, input) {
    if (out instanceof LabBuffer) return this.own(fn, 'out', out);
    return input.owned ? this.reserve(fn, 'out', input.length * 4) : input.ptr;
  }

  // Copies of n floats (or ints, or bytes) at ptr, in new typed arrays of their own. The constructor copies without
  // the zero-fill that `new` followed by `set` would pay.
  floats(ptr, n) {
    return new Float32Array(this.#mod.HEAPF32.subarray(ptr >>> 2, (ptr >>> 2) + n));
  }

  ints(ptr, n) {
    return new Int32Array(this.#mod.HEAP32.subarray(ptr >>> 2, (ptr >>> 2) + n));
  }

  bytesAt(ptr, n) {
    return this.#mod.HEAPU8.slice(ptr, ptr + n);
  }

  float(ptr) {
    return this.#mod.HEAPF32[ptr >>> 2];
  }

  int(ptr) {
    return this.#mod.HEAP32[ptr >>> 2];
  }

  // A vector result: into the caller's `out`, or a new Float32Array.
  deliver(out, ptr, n) {
    if (out instanceof LabBuffer) return out;
    if (out) {
      out.set(this.#mod.HEAPF32.subarray(ptr >>> 2, (ptr >>> 2) + n));
      return out;
    }
    return this.floats(ptr, n);
  }
}
