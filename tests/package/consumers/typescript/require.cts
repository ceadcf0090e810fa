// Consumer 3 (CommonJS side): a .cts file resolves 'logitlab' through the "require" condition to logitlab.d.cts.
import logitlab = require('logitlab');
import inline = require('logitlab/inline');

export async function softmaxOf(values: number[]): Promise<Float32Array> {
  const lab: logitlab.LogitLab = await logitlab.createLogitLab();
  const inlineLab = await inline.createLogitLab({ simd: false });
  const version: string = logitlab.version;
  void version, inlineLab;
  return lab.softmax(values);
}
