// The two secrets the contract's SFU node accepts: the current one, and the
// previous one it still takes while a rotation is under way.
export const SECRET = 'contract-current-secret-0123456789abcdef';
export const PREVIOUS_SECRET = 'contract-previous-secret-0123456789abcdef';
