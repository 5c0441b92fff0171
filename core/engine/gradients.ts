// Filled in by the engine work (second-order-safe gradients).
export function installGradientFixes(): void {}
