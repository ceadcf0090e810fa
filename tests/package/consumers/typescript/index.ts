// Consumer 3: TypeScript. Type-checked with tsc --noEmit (strict), then transpiled and run, so the static types are
// compared with what the calls return at run time. Each `@ts-expect-error` line must fail to type-check: tsc reports an
// unused directive otherwise.
import createDefault, { createLogitLab, version } from 'logitlab';
import type { CreateOptions, LabBuffer, LogitLab, Reduction, Trace, TraceWithTarget } from 'logitlab';
import { createLogitLab as createInline } from 'logitlab/inline';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function expectType<T>(_value: T): <U>(check: Equal<T, U> extends true ? 'same' : 'different') => void {
  return () => {};
}
const failures: string[] = [];
function expectRuntime(condition: boolean, what: string): void {
  if (!condition) failures.push(what);
}

const options: CreateOptions = { simd: true };
const lab: LogitLab = await createLogitLab(options);
const inline: LogitLab = await createInline({ simd: false });
expectType(createDefault)<typeof createLogitLab>('same');
expectType(version)<string>('same');
expectType(lab.simd)<boolean>('same');
expectType(lab.memoryBytes)<number>('same');
expectRuntime(typeof lab.memoryBytes === 'number' && lab.memoryBytes >= 65536, 'lab.memoryBytes is a byte count');
expectRuntime(inline.simd === false && lab.version === version, 'inline lab: simd false, same version');

const logits = new Float32Array([1, 2, 3, 4, 5, 6]);
const n = logits.length / 3 as number;

// softmax / logSoftmax: a new Float32Array over an ArrayBuffer, or the `out` given.
const p = lab.softmax(logits, { rows: 2, temperature: 0.5 });
expectType(p)<Float32Array<ArrayBuffer>>('same');
new Blob([p]);  // accepted by APIs that want an ArrayBuffer-backed view
const out = new Float32Array(6);
expectType(lab.logSoftmax([1, 2, 3, 4, 5, 6], { rows: 2, out }))<typeof out>('same');
const shared = new Float32Array(new SharedArrayBuffer(24));
expectType(lab.softmax(logits, { rows: 2, out: shared }))<Float32Array<SharedArrayBuffer>>('same');
const buffer = lab.alloc(6);
expectType(buffer)<LabBuffer>('same');
buffer.array.set(logits);
const inPlace = lab.softmax(buffer, { rows: 2, out: buffer });
expectType(inPlace)<LabBuffer>('same');
expectRuntime(inPlace === buffer, 'softmax with out: buffer returns the buffer');

// logSumExp / entropy: number for one row, Float32Array for a literal rows > 1, the union for a `number` variable.
const one = lab.logSumExp(logits);
expectType(one)<number>('same');
expectType(lab.entropy(logits, { rows: 1 }))<number>('same');
const two = lab.logSumExp(logits, { rows: 2 });
expectType(two)<Float32Array<ArrayBuffer>>('same');
const some = lab.entropy(logits, { rows: n });
expectType(some)<number | Float32Array<ArrayBuffer>>('same');
expectRuntime(typeof one === 'number' && two instanceof Float32Array && two.length === 2, 'logSumExp return shapes');
expectRuntime(some instanceof Float32Array && some.length === 2, 'entropy rows: n (2) gives a Float32Array(2)');

// crossEntropy: number for 'mean' and 'sum', Float32Array for 'none'.
expectType(lab.crossEntropy(logits, [2, 0], { rows: 2 }))<number>('same');
expectType(lab.crossEntropy(logits, new Int32Array([2, 0]), { rows: 2, reduction: 'sum' }))<number>('same');
const perRow = lab.crossEntropy(logits, [2, 0], { rows: 2, reduction: 'none', labelSmoothing: 0.1, weight: [1, 2, 1] });
expectType(perRow)<Float32Array<ArrayBuffer>>('same');
expectRuntime(perRow instanceof Float32Array && perRow.length === 2, "crossEntropy 'none' gives one loss per row");
const reduction = 'sum' as Reduction;
expectType(lab.crossEntropy(logits, 0, { reduction }))<number | Float32Array<ArrayBuffer>>('same');
const soft = new Float32Array([0.5, 0.5, 0, 0, 0, 1]);
expectType(lab.crossEntropyGrad(logits, soft, { rows: 2, ignoreIndex: -1 }))<Float32Array<ArrayBuffer>>('same');

// topK, sample, fitTemperature, trace.
const top = lab.topK(logits, 2);
expectType(top.indices)<Int32Array<ArrayBuffer>>('same');
expectRuntime(top.indices instanceof Int32Array && top.values instanceof Float32Array, 'topK array types');
expectType(lab.sample(logits,
  { topK: 3, topP: 0.9, minP: 0.05, repetitionPenalty: 1.2, history: [5], seed: 1 }))<number>('same');
expectType(lab.fitTemperature(logits, [2, 0], { rows: 2 }))<number>('same');
const traced = lab.trace([1, 2, 3], { target: 1, topK: 2 });
expectType(traced)<TraceWithTarget>('same');
expectType(traced.loss)<number>('same');
const plain: Trace = lab.trace([1, 2, 3]);
expectType(plain.loss)<number | undefined>('same');
expectType(traced.kept)<Int32Array<ArrayBuffer> | undefined>('same');
expectRuntime(typeof traced.loss === 'number' && traced.kept instanceof Int32Array && plain.loss === undefined,
  'trace fields present as typed');
buffer.free();

// Mistakes the types must catch, and that also throw at run time.
function expectThrows(what: string, call: () => unknown): void {
  try {
    call();
    failures.push(`${what} did not throw`);
  } catch (error) {
    if (!(error instanceof TypeError || error instanceof RangeError)) failures.push(`${what} threw ${String(error)}`);
  }
}
expectThrows('a misspelt option name', () =>
  // @ts-expect-error a misspelt option name
  lab.softmax(logits, { temprature: 2 }));
expectThrows('an unknown reduction', () =>
  // @ts-expect-error an unknown reduction
  lab.crossEntropy(logits, 0, { reduction: 'avg' }));
expectThrows('sample with rows', () =>
  // @ts-expect-error sample takes one row: no rows option
  lab.sample(logits, { rows: 2 }));
expectThrows('topK without k', () =>
  // @ts-expect-error topK needs k
  lab.topK(logits));
expectThrows('assigning lab.simd', () => {
  // @ts-expect-error the lab is read-only
  lab.simd = false;
});
expectThrows('a string as logits', () =>
  // @ts-expect-error strings are not logits
  lab.softmax('1, 2, 3'));
// @ts-expect-error an unknown createLogitLab option
const misspelt = createLogitLab({ simdd: true });
await misspelt.then(() => failures.push('createLogitLab({ simdd: true }) resolved'), () => {});
// @ts-expect-error several rows give a Float32Array, not a number
const notNumber: number = lab.logSumExp(logits, { rows: 2 });
// @ts-expect-error 'none' gives a Float32Array, not a number
const notScalar: number = lab.crossEntropy(logits, [2, 0], { rows: 2, reduction: 'none' });
expectRuntime(typeof notNumber !== 'number' && typeof notScalar !== 'number', 'the wrongly typed results are arrays');

if (failures.length) throw new Error(`run-time values differ from their static types: ${failures.join('; ')}`);
console.log('typescript consumer ran');
