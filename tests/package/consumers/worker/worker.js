import { createLogitLab } from '../node_modules/logitlab/dist/logitlab.js';
import { evalBlocked } from '../page.js';
import { probe } from '../probe.js';

const violations = [];
self.addEventListener('securitypolicyviolation',
  (e) => violations.push(`${e.violatedDirective} blocked ${e.blockedURI}`));
try {
  const result = await probe(createLogitLab);
  result.inWorker = typeof WorkerGlobalScope === 'function' && self instanceof WorkerGlobalScope;
  result.cspViolations = violations;
  result.cspEnforced = evalBlocked();
  postMessage({ result });
} catch (error) {
  postMessage({ error: String(error?.stack ?? error) });
}
