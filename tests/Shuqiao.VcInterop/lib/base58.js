// base58btc (the Bitcoin alphabet) for multikeys, via the package the Digital Bazaar libraries use themselves.
import * as base58 from 'base58-universal';

export const base58btc = {encode: bytes => base58.encode(bytes), decode: text => base58.decode(text)};
