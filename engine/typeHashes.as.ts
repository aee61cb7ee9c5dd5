// EIP-712 type hashes and body field widths of the signed transactions. Generated from
// protocol/engine/txTypes.ts (test/engine.typedData.test.ts checks they agree); edit both together.

/** keccak("EIP712Domain(string name,string version,uint256 chainId)"), keccak("Optio"), keccak("1"). */
export const DOMAIN_TYPEHASH: StaticArray<u8> = [194, 248, 120, 113, 118, 184, 172, 107, 247, 33, 91, 74, 220, 193, 224, 105, 191, 74, 184, 45, 154, 177, 223, 5, 165, 122, 145, 212, 37, 147, 91, 110];
export const NAME_HASH: StaticArray<u8> = [186, 90, 141, 110, 241, 170, 74, 114, 228, 200, 41, 161, 116, 10, 243, 139, 94, 94, 75, 73, 75, 116, 6, 48, 218, 77, 154, 1, 201, 255, 158, 151];
export const VERSION_HASH: StaticArray<u8> = [200, 158, 253, 170, 84, 192, 242, 12, 122, 223, 97, 40, 130, 223, 9, 80, 245, 169, 81, 99, 126, 3, 7, 205, 203, 76, 103, 47, 41, 139, 139, 198];

// SetMarket(uint64 nonce,uint16 market,uint16 underlying,uint64 tickSize,uint64 lotSize,uint64 maxQuantity,uint32 initialMarginPpm,uint32 maintenanceMarginPpm,uint32 makerFeePpm,uint32 takerFeePpm,uint32 liquidationPenaltyPpm,uint32 priceBandPpm)
export const TYPEHASH_SET_MARKET: StaticArray<u8> = [177, 67, 234, 190, 232, 179, 53, 172, 124, 110, 179, 83, 65, 230, 68, 112, 251, 160, 222, 93, 238, 104, 14, 153, 166, 208, 64, 221, 14, 46, 6, 99];
export const FIELDS_SET_MARKET: StaticArray<u8> = [2, 2, 8, 8, 8, 4, 4, 4, 4, 4, 4];

// SetOption(uint64 nonce,uint16 market,uint16 underlying,bool isCall,uint64 strike,uint64 expiry,uint64 volatilityE8,uint64 tickSize,uint64 lotSize,uint64 maxQuantity,uint32 initialMarginPpm,uint32 maintenanceMarginPpm,uint32 makerFeePpm,uint32 takerFeePpm,uint32 liquidationPenaltyPpm,uint32 priceBandPpm)
export const TYPEHASH_SET_OPTION: StaticArray<u8> = [201, 249, 207, 184, 120, 92, 75, 91, 103, 51, 117, 139, 184, 129, 93, 171, 67, 18, 26, 226, 189, 131, 160, 192, 208, 133, 206, 52, 155, 200, 157, 38];
export const FIELDS_SET_OPTION: StaticArray<u8> = [2, 2, 1, 8, 8, 8, 8, 8, 8, 4, 4, 4, 4, 4, 4];

// SetUnderlying(uint64 nonce,uint16 underlying,address reporter0,address reporter1,address reporter2,address reporter3,address reporter4,uint8 quorum,uint32 maxPriceAgeSeconds,uint32 maxMovePpm,uint32 settlementWindowSeconds,uint64 impactQuantity)
export const TYPEHASH_SET_UNDERLYING: StaticArray<u8> = [52, 109, 151, 25, 41, 101, 225, 216, 10, 105, 65, 207, 13, 162, 52, 1, 157, 223, 67, 87, 120, 117, 92, 253, 88, 189, 235, 210, 164, 140, 8, 142];
export const FIELDS_SET_UNDERLYING: StaticArray<u8> = [2, 20, 20, 20, 20, 20, 1, 4, 4, 4, 8];

// PriceReport(uint64 nonce,uint16 underlying,uint64 price,uint64 timestamp)
export const TYPEHASH_PRICE: StaticArray<u8> = [28, 156, 194, 140, 115, 110, 228, 119, 101, 178, 4, 143, 167, 8, 10, 151, 229, 223, 189, 206, 175, 68, 205, 12, 159, 37, 36, 201, 108, 28, 159, 153];
export const FIELDS_PRICE: StaticArray<u8> = [2, 8, 8];

// Withdraw(uint64 nonce,uint8 subaccount,uint64 amount)
export const TYPEHASH_WITHDRAW: StaticArray<u8> = [157, 9, 198, 248, 168, 129, 105, 13, 42, 50, 160, 243, 117, 228, 153, 69, 106, 102, 120, 216, 0, 175, 145, 121, 97, 168, 169, 90, 138, 164, 104, 119];
export const FIELDS_WITHDRAW: StaticArray<u8> = [1, 8];

// Transfer(uint64 nonce,uint8 fromSubaccount,uint8 toSubaccount,uint64 amount)
export const TYPEHASH_TRANSFER: StaticArray<u8> = [89, 200, 242, 116, 148, 131, 182, 188, 0, 185, 79, 30, 173, 254, 25, 35, 152, 146, 223, 64, 164, 153, 7, 227, 79, 254, 223, 155, 33, 19, 100, 93];
export const FIELDS_TRANSFER: StaticArray<u8> = [1, 1, 8];

// Order(uint64 nonce,uint16 market,uint8 subaccount,uint8 side,uint8 timeInForce,bool reduceOnly,uint64 price,uint64 quantity)
export const TYPEHASH_ORDER: StaticArray<u8> = [156, 141, 5, 71, 201, 94, 150, 232, 97, 116, 130, 209, 61, 91, 166, 187, 54, 225, 38, 96, 205, 128, 125, 89, 241, 51, 147, 223, 178, 221, 202, 142];
export const FIELDS_ORDER: StaticArray<u8> = [2, 1, 1, 1, 1, 8, 8];

// Cancel(uint64 nonce,uint16 market,uint8 subaccount,uint64 orderId)
export const TYPEHASH_CANCEL: StaticArray<u8> = [91, 119, 192, 33, 116, 221, 217, 180, 152, 30, 19, 122, 98, 246, 255, 249, 73, 130, 38, 124, 209, 166, 123, 244, 178, 150, 178, 148, 211, 162, 125, 101];
export const FIELDS_CANCEL: StaticArray<u8> = [2, 1, 8];

// CancelAll(uint64 nonce,uint16 market,uint8 subaccount)
export const TYPEHASH_CANCEL_ALL: StaticArray<u8> = [121, 246, 50, 197, 62, 93, 155, 75, 134, 29, 132, 255, 110, 82, 142, 64, 110, 8, 237, 233, 93, 55, 97, 137, 83, 251, 92, 162, 78, 10, 13, 124];
export const FIELDS_CANCEL_ALL: StaticArray<u8> = [2, 1];

// OrderCid(uint64 nonce,uint16 market,uint8 subaccount,uint8 side,uint8 timeInForce,bool reduceOnly,uint64 price,uint64 quantity,uint64 clientIdHigh,uint64 clientIdLow)
export const TYPEHASH_ORDER_CID: StaticArray<u8> = [38, 131, 254, 165, 248, 14, 83, 124, 208, 145, 176, 78, 181, 208, 148, 53, 149, 228, 227, 252, 207, 7, 38, 199, 115, 90, 105, 98, 86, 191, 82, 104];
export const FIELDS_ORDER_CID: StaticArray<u8> = [2, 1, 1, 1, 1, 8, 8, 8, 8];

// CancelCid(uint64 nonce,uint16 market,uint8 subaccount,uint64 clientIdHigh,uint64 clientIdLow)
export const TYPEHASH_CANCEL_CID: StaticArray<u8> = [135, 82, 137, 101, 170, 15, 250, 217, 244, 235, 2, 32, 123, 236, 114, 197, 9, 187, 135, 222, 29, 2, 187, 202, 17, 106, 28, 148, 128, 92, 42, 74];
export const FIELDS_CANCEL_CID: StaticArray<u8> = [2, 1, 8, 8];

// Liquidate(uint64 nonce,uint8 subaccount,uint16 market,uint32 accountId,uint64 quantity)
export const TYPEHASH_LIQUIDATE: StaticArray<u8> = [110, 177, 149, 220, 0, 198, 76, 165, 61, 201, 101, 212, 74, 54, 240, 4, 198, 29, 97, 50, 2, 32, 162, 80, 152, 63, 125, 198, 172, 159, 55, 114];
export const FIELDS_LIQUIDATE: StaticArray<u8> = [1, 2, 4, 8];
