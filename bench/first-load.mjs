export async function benchFirstLoad() { return null; }
