// Module workers keep `import.meta.url`, which logitlab uses to find its .wasm.
export default { worker: { format: 'es' }, logLevel: 'warn' };
