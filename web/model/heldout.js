// A small held-out batch for the calibration part of the learning lesson: ten made-up validation images scored by an
// overconfident classifier over four classes. Data only; lab.fitTemperature finds the temperature that calibrates it.

export const CLASSES = ['cat', 'dog', 'fox', 'owl'];

// [true class, logits]: mostly right, a few confidently wrong.
export const EXAMPLES = [
  [0, [9.1, 2.0, 1.2, -1.0]],
  [1, [1.5, 8.4, 3.1, -0.5]],
  [0, [7.8, 6.9, 0.4, -2.2]],
  [2, [0.3, 2.9, 8.8, 1.1]],
  [3, [-0.4, 0.6, 1.9, 9.5]],
  [1, [8.7, 3.5, 1.0, 0.2]],
  [2, [1.1, 9.0, 2.4, 0.0]],
  [0, [10.2, 1.3, 2.2, 0.8]],
  [3, [0.5, -0.3, 7.6, 6.8]],
  [1, [2.2, 7.9, 1.4, 0.9]],
];

export function heldOutBatch() {
  const rows = EXAMPLES.length;
  const logits = new Float32Array(rows * CLASSES.length);
  EXAMPLES.forEach(([, z], r) => logits.set(z, r * CLASSES.length));
  return { rows, classes: CLASSES, logits, targets: EXAMPLES.map(([y]) => y) };
}
