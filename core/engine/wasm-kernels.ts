// Filled in by the engine work (transpose-free matMul, Conv2DBackpropFilter).
export function installWasmKernels(): void {}
