// Runs a probe in a page and shows its outcome for run.js: <pre id="result"> with JSON, or <pre id="error">.
// Also records Content-Security-Policy violations, and checks the policy is really enforced (eval must be refused).

export function evalBlocked() {
  try {
    new Function('return 1')();
    return false;
  } catch {
    return true;
  }
}

export async function report(run) {
  const violations = [];
  addEventListener('securitypolicyviolation', (e) => violations.push(`${e.violatedDirective} blocked ${e.blockedURI}`));
  const out = document.createElement('pre');
  try {
    const result = await run();
    await new Promise((resolve) => setTimeout(resolve, 0));  // let pending violation events arrive
    result.cspViolations = [...(result.cspViolations ?? []), ...violations];
    result.cspEnforced ??= evalBlocked();
    out.id = 'result';
    out.textContent = JSON.stringify(result);
  } catch (error) {
    out.id = 'error';
    out.textContent = String(error?.stack ?? error);
  }
  document.body.append(out);
}
