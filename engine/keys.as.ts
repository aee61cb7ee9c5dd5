// Logical key tags (docs/engine.md, "State layout"). A logical key is 32 bytes:
// tag (1) || 0 (3) || x (u32 LE) || a (8) || b (8) || c (8); its tree key is
// keccak(0x03 || logical key) (docs/protocol.md, STATE_KEY).
export const K_CONFIG: u8 = 0x00; // x=0 config, x=1 totals, x=2 counters
export const K_NONCE: u8 = 0x01; // payload: address
export const K_ACCOUNT_ID: u8 = 0x02; // payload: address || subaccount
export const K_ACCOUNT: u8 = 0x03; // x = account id
export const K_POSITION: u8 = 0x04; // x = account id, a = market
export const K_OPEN_ORDERS: u8 = 0x05; // x = account id, a = market, b = slot (0, 1)
export const K_MARKET: u8 = 0x06; // x = market, a = part (0, 1)
export const K_BOOK: u8 = 0x07; // x = market
export const K_LEVEL: u8 = 0x08; // x = market, a = side, b = tick
export const K_BITMAP: u8 = 0x09; // x = market, a = side | level << 8, b = word index
export const K_ORDER: u8 = 0x0a; // x = market, a = order id
export const K_UNDERLYING: u8 = 0x0b; // x = underlying
export const K_OUTBOX: u8 = 0x0c; // a = withdrawal index
export const K_FUNDING: u8 = 0x0d; // x = market
export const K_POSITION_FUNDING: u8 = 0x0e; // x = account id, a = market
export const K_HOLDER: u8 = 0x11; // x = market, a = account id
export const K_HOLDERS: u8 = 0x12; // x = market
export const K_CLIENT_ORDER: u8 = 0x13; // x = account id, a = market, b = client id high, c = client id low
export const K_REPORTER: u8 = 0x20; // x = underlying, a = reporter index
export const K_FUNDING_SAMPLES: u8 = 0x21; // x = market
export const K_SETTLEMENT_WINDOW: u8 = 0x22; // x = market
